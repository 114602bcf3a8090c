/**
 * What continuing a model does to its learning-rate schedule, said before it starts (the Models
 * view's "Continue training" and the command line's `train --resume`). The schedule is laid over
 * the run's planned epochs; continuing to another number of epochs lays it over those instead, so
 * fewer than planned squeezes it (a cosine rate drops to about 0 at once). For fewer than planned
 * the schedule can instead keep its plan, the run stopping early.
 */
import { learningRate } from '../optim/schedule';
import type { TrainConfig } from '../protocol';

const SCHEDULE_NAMES = { constant: 'constant', step: 'step-decay', cosine: 'cosine' } as const;

/** 0.0432 -> "0.043", 0 -> "0" */
function rate(x: number): string {
  return x === 0 ? '0' : String(Number(x.toPrecision(2)));
}

/** "goes from 0.043 to 0.04", or "stays 0.05" when the two are the same */
function goes(from: number, to: number, down = false): string {
  const a = rate(from);
  const b = rate(to);
  return a === b ? `stays ${a}` : `goes from ${a}${down ? ' down' : ''} to ${b}`;
}

export interface ScheduleOnContinue {
  /** Whether the schedule can keep its plan (fewer epochs than planned, schedule not constant). */
  canKeep: boolean;
  /** What will happen to the learning rate, in one or two sentences. */
  text: string;
}

/**
 * @param recipe the run's settings as the file records them (its epochs are the planned ones)
 * @param done epochs completed @param more epochs to train now @param keep keep the planned schedule
 * @param into how far into the next epoch the file was saved (0..1: a pause or stop mid-epoch)
 */
export function scheduleOnContinue(recipe: Pick<TrainConfig, 'lr' | 'schedule' | 'epochs'>, done: number, more: number, keep: boolean, into = 0): ScheduleOnContinue {
  const { lr, schedule, epochs: planned } = recipe;
  const to = done + more;
  const from = done + into; // where the next step is, in epochs
  // NOTE: the engine's rate depends on step / total steps; at epoch ends that is done / epochs.
  const at = (epoch: number, over: number) => learningRate(schedule, lr, epoch, over);
  if (schedule === 'constant') return { canKeep: false, text: `The learning rate stays ${lr} (constant).` };
  const name = SCHEDULE_NAMES[schedule];
  const canKeep = to < planned;
  if (to === planned) {
    return { canKeep, text: `Its ${name} schedule carries on as planned: the rate ${goes(at(from, planned), at(to, planned), true)} by epoch ${to}, exactly as if the run had never stopped.` };
  }
  if (keep && canKeep) {
    return {
      canKeep,
      text:
        `Its ${name} schedule keeps its plan of ${planned} epochs: the rate ${goes(at(from, planned), at(to, planned))} through epoch ${to}, ` +
        `where the run stops; continuing later for ${planned - to} more finishes it exactly as if it had never stopped.`,
    };
  }
  const now = rate(at(from, planned));
  const then = rate(at(from, to));
  const start = now === then ? `starts at ${now}` : `changes at once from ${now} to ${then}`;
  return {
    canKeep,
    text: `Its ${name} schedule is laid over ${to} epochs instead of ${planned}: the rate ${start} and falls to ${rate(at(to, to))} by epoch ${to}.`,
  };
}

/**
 * The train:start settings that continue a run to epoch `to`: the planned schedule kept (the run
 * stops after `to`) when asked and `to` is before the planned end, else laid over `to` epochs.
 * @param config the run's settings as the file records them (its epochs are the planned ones)
 */
export function continueSettings(config: TrainConfig, to: number, keep: boolean): { config: TrainConfig; stopAfter?: number } {
  return keep && to < config.epochs ? { config, stopAfter: to } : { config: { ...config, epochs: to } };
}
