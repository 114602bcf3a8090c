/**
 * The weight of the past for smoothing a run of `steps` batches: about the last 20 batches, fewer for
 * a run so short that 20 would be a large part of it (at 40 steps, the last smoothed value still
 * gave the first 20 batches a third of its weight, and read far above the batch losses around it).
 * 0 steps (not known): 20.
 */
export function smoothingFor(steps: number): number {
  const window = steps > 0 ? Math.max(4, Math.min(20, Math.round(steps / 40))) : 20;
  return 1 - 1 / window;
}

/**
 * Exponential moving average with bias correction (as TensorBoard's smoothing and Adam's
 * moments): early values are not dragged towards 0. NaN and ±Infinity are skipped.
 */
export class Ema {
  private mean = 0;
  private steps = 0;

  /** @param beta weight of the past, 0 ≤ beta < 1 (0.95 ≈ the last 20 values) */
  constructor(private readonly beta = 0.95) {}

  /** Add one value; returns the smoothed value (NaN until a finite value arrives). */
  push(x: number): number {
    if (Number.isFinite(x)) {
      this.mean = this.beta * this.mean + (1 - this.beta) * x;
      this.steps++;
    }
    return this.value;
  }

  /** The smoothed value so far. */
  get value(): number {
    // NOTE: dividing by 1 - beta^t removes the bias of starting the average at 0.
    return this.steps === 0 ? NaN : this.mean / (1 - this.beta ** this.steps);
  }
}
