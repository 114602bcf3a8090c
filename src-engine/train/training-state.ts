import type { RandomState } from '../random';
import type { TrainConfig } from '../protocol';

/**
 * Where a run stands, stored in a checkpoint's `training` metadata so that training resumes
 * bit-identically: the shuffle of the current epoch is rebuilt from `epochRng`, and the first
 * `stepInEpoch` batches of it are skipped.
 */
export interface TrainingState {
  config: TrainConfig;
  /** Completed epochs. */
  epoch: number;
  /** Optimizer steps taken in all. */
  step: number;
  /** Batches already done in the current, unfinished epoch (0 at an epoch boundary). */
  stepInEpoch: number;
  /** The RNG state at the start of the current epoch, before its shuffle. */
  epochRng: RandomState;
  /** Running sums of the unfinished epoch, so its train metrics survive a resume. */
  partial: { lossSum: number; correct: number; count: number; seconds: number };
  /** Training seconds in all. */
  seconds: number;
}

/** Dataset identity stored with a model. */
export interface DatasetMeta {
  name: string;
  train: number;
  test: number;
  /** FNV-1a 32-bit hash of the training images and labels, hex. */
  hash: string;
}
