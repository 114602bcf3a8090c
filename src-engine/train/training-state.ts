import type { RandomState } from '../random';
import type { TrainConfig } from './config';

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
