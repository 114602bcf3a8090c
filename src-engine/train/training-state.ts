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

/** Batches in an epoch of `count` training images: the last one may be smaller. */
export function batchesPerEpoch(count: number, batch: number): number {
  return Math.ceil(count / batch);
}

/**
 * Batches in an epoch of a saved run: the trainer's rule on the file's training-set size (the run's,
 * after its class filter, limit and split), 0 when unknown, and 0 when its step does not agree
 * (a run resumed on data of another size): no epoch is then placed by it.
 */
export function stepsPerEpochOf(training: TrainingState | null, dataset: { train: number } | null): number {
  if (!training || !dataset) return 0;
  const { step, stepInEpoch, epoch, config } = training;
  const perEpoch = batchesPerEpoch(dataset.train, config.batch);
  return step - stepInEpoch === epoch * perEpoch ? perEpoch : 0;
}

/** Seconds a saved run trained in all, its unfinished epoch's included (no history entry holds those); null when unknown. */
export function trainedSecondsOf(training: TrainingState | null): number | null {
  return training ? training.seconds + training.partial.seconds : null;
}

/** How far into its next epoch a saved run stopped, 0..1 (0 at an epoch's end, and when unknown). */
export function intoEpochOf(training: TrainingState | null, dataset: { train: number } | null): number {
  const perEpoch = stepsPerEpochOf(training, dataset);
  return perEpoch ? training!.stepInEpoch / perEpoch : 0;
}
