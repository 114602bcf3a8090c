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
