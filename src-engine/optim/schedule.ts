export type ScheduleName = 'constant' | 'step' | 'cosine';

/**
 * The learning rate at a global step.
 * - constant: lr throughout.
 * - step: lr, then ×0.1 from 50% and ×0.01 from 75% of the run (the classic multi-step decay).
 * - cosine: lr·½(1 + cos(π·step/total)), annealed per step to 0 at the end of the run.
 * @param step steps done so far (0-based) @param total steps in the whole run
 */
export function learningRate(schedule: ScheduleName, lr: number, step: number, total: number): number {
  const t = total > 0 ? Math.min(step / total, 1) : 0;
  switch (schedule) {
    case 'constant':
      return lr;
    case 'step':
      return t < 0.5 ? lr : t < 0.75 ? lr * 0.1 : lr * 0.01;
    case 'cosine':
      return lr * 0.5 * (1 + Math.cos(Math.PI * t));
  }
}
