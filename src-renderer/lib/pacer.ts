/**
 * Runs a function at most once per interval however often it is asked for: a request after a
 * quiet spell runs at once, the ones that follow are coalesced into one run at the interval's
 * end, so the last request is always honoured. The Train view redraws its live
 * charts through one: the engine sends up to 20 batch events a second, and a chart redrawn that
 * often costs the browser more CPU than the training itself on a small machine.
 */
export class Pacer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = -Infinity;

  constructor(
    private readonly everyMs: number,
    private readonly run: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Ask for a run: now if the last was at least an interval ago, else once at the interval's end. */
  request(): void {
    if (this.timer !== null) return;
    const wait = this.last + this.everyMs - this.now();
    if (wait <= 0) return this.fire();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fire();
    }, wait);
  }

  /** Run now, and drop a pending run (something that must not wait happened). */
  flush(): void {
    this.cancel();
    this.fire();
  }

  private fire(): void {
    this.last = this.now();
    this.run();
  }

  /** Drop a pending run (the view went). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
