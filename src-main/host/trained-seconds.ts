/**
 * Seconds a run has trained, as the host's run record and a page show them between the engine's
 * events: the engine's own count at its last event (batch or done; evaluation and pauses
 * excluded, as its files record), counted on by the reader's clock while the run trains, except
 * from an epoch's last batch until the next batch event (endsEpoch): the epoch end's evaluation,
 * which the engine does not count. Without that hold the figure ran ahead and then fell back.
 */
export class TrainedSeconds {
  private base = 0;
  /** When the reader's clock started counting on (ms), null while it does not. */
  private since: number | null = null;
  private training = false;
  private atEpochEnd = false;

  constructor(private readonly now: () => number) {}

  /** The engine's count (or a file's); `atEpochEnd`: the event was an epoch's last batch (endsEpoch). */
  engine(seconds: number, atEpochEnd = false): void {
    this.base = seconds;
    this.atEpochEnd = atEpochEnd;
    this.restart();
  }

  /** The run trains (true), or waits: paused, stopping, ended. */
  setTraining(training: boolean): void {
    if (training === this.training) return;
    this.base = this.value();
    this.training = training;
    this.restart();
  }

  /** Seconds trained by now. */
  value(): number {
    return this.base + (this.since === null ? 0 : (this.now() - this.since) / 1000);
  }

  private restart(): void {
    this.since = this.training && !this.atEpochEnd ? this.now() : null;
  }
}
