/**
 * How a run ended, told truthfully: done (it learned), diverged (the loss stopped being a
 * number), not learning (accuracy near chance, or the loss no lower than at the start), or
 * stopped by the person. Stored in the checkpoint's metadata and shown wherever the run is.
 */
import type { EpochMetrics } from './metrics';

export type OutcomeKind = 'done' | 'diverged' | 'not_learning' | 'stopped';

export interface RunOutcome {
  kind: OutcomeKind;
  /** One plain sentence with the evidence. */
  message: string;
  /** Diverged: where (1-based epoch, and step within it). */
  epoch?: number;
  step?: number;
}

/** Accuracy this close to chance (1/classes) or closer is not learning. */
export const CHANCE_MARGIN = 0.05;
/** The loss must fall below this fraction of its starting value to count as learning. */
const LOSS_DROP = 0.99;

export interface OutcomeEvidence {
  history: readonly EpochMetrics[];
  /** Classes the model tells apart (2 for bce). */
  classes: number;
  /** Loss of the session's first batch, before any update (null when none ran). */
  startLoss: number | null;
}

/** The outcome of a run whose planned epochs all ran. */
export function finishedOutcome(e: OutcomeEvidence): RunOutcome {
  const last = e.history.at(-1);
  if (!last) return { kind: 'done', message: 'finished' };
  const chance = 1 / Math.max(2, e.classes);
  const { value: accuracy, which } = bestKnownAccuracy(last);
  if (Number.isFinite(accuracy) && accuracy <= chance + CHANCE_MARGIN) {
    return {
      kind: 'not_learning',
      message: `${which} accuracy ${pct(accuracy)} is at chance level (${pct(chance)} for ${e.classes} classes): the network did not learn`,
    };
  }
  if (e.startLoss !== null && Number.isFinite(last.train_loss) && last.train_loss >= e.startLoss * LOSS_DROP) {
    return {
      kind: 'not_learning',
      message: `the training loss ${lossText(last.train_loss)} after epoch ${last.epoch} is no lower than at the start (${lossText(e.startLoss)})`,
    };
  }
  return { kind: 'done', message: `${which} accuracy ${pct(accuracy)}` };
}

export function divergedOutcome(message: string, epoch: number, step: number): RunOutcome {
  return { kind: 'diverged', message, epoch, step };
}

/**
 * A run stopped before its planned epochs: "stopped after 2 of 4 epochs", or part-way into one,
 * "stopped at epoch 1, step 688 of 844 (0 of 2 epochs done)".
 */
export function stoppedOutcome(epochsDone: number, planned: number, stepInEpoch = 0, stepsPerEpoch = 0): RunOutcome {
  if (stepInEpoch <= 0) return { kind: 'stopped', message: `stopped after ${epochsDone} of ${planned} epochs` };
  const of = stepsPerEpoch > 0 ? ` of ${stepsPerEpoch.toLocaleString('en-US')}` : '';
  return {
    kind: 'stopped',
    message: `stopped at epoch ${epochsDone + 1}, step ${stepInEpoch.toLocaleString('en-US')}${of} (${epochsDone} of ${planned} epochs done)`,
  };
}

export interface TimeLimitEvidence {
  minutes: number;
  /** Training seconds when it stopped. */
  seconds: number;
  epochsDone: number;
  planned: number;
  /** The epoch whose weights are kept (best validation accuracy), or null: the latest weights. */
  keptEpoch: number | null;
  valAccuracy: number | null;
}

/** A run stopped by its time limit, and which weights it kept. */
export function timeLimitOutcome(e: TimeLimitEvidence): RunOutcome {
  const reached = `time limit of ${e.minutes} min reached after ${e.epochsDone} of ${e.planned} epochs (${(e.seconds / 60).toFixed(1)} min of training)`;
  const kept =
    e.keptEpoch !== null
      ? `kept the weights of epoch ${e.keptEpoch}, the best validation accuracy so far (${pct(e.valAccuracy ?? NaN)})`
      : 'kept the latest weights (there is no validation split to pick the best epoch by)';
  return { kind: 'stopped', message: `${reached}; ${kept}`, ...(e.keptEpoch !== null ? { epoch: e.keptEpoch } : {}) };
}

/** Test accuracy, else validation, else training accuracy, with its name. */
function bestKnownAccuracy(m: EpochMetrics): { value: number; which: string } {
  if (Number.isFinite(m.test_accuracy)) return { value: m.test_accuracy, which: 'test' };
  if (m.val_accuracy !== undefined && Number.isFinite(m.val_accuracy)) return { value: m.val_accuracy, which: 'validation' };
  return { value: m.train_accuracy, which: 'training' };
}

function lossText(x: number): string {
  return Math.abs(x) >= 1e4 ? x.toExponential(2) : x.toFixed(4);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

const KINDS: readonly OutcomeKind[] = ['done', 'diverged', 'not_learning', 'stopped'];

/** A RunOutcome read back from JSON metadata, or an error naming what is wrong. */
export function checkOutcome(v: unknown): RunOutcome {
  const o = v as Partial<RunOutcome> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('outcome must be an object');
  if (!KINDS.includes(o.kind as OutcomeKind)) throw new Error(`outcome.kind must be one of ${KINDS.join(', ')}`);
  if (typeof o.message !== 'string') throw new Error('outcome.message must be a string');
  for (const k of ['epoch', 'step'] as const) {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && (o[k] as number) >= 0)) throw new Error(`outcome.${k} must be a whole number`);
  }
  return o as RunOutcome;
}
