/**
 * At most one request in flight; while it runs, only the newest input waits (older ones are
 * dropped). Live prediction while drawing uses it: the engine never queues stale drawings, and
 * the answer shown is always for the latest one that could be sent.
 */
export class LatestOnly<I, O> {
  private running = false;
  private waiting: { input: I } | null = null;

  /**
   * @param run the request
   * @param done called with each result, its input and how long it took in ms (or with the error)
   */
  constructor(
    private readonly run: (input: I) => Promise<O>,
    private readonly done: (result: { ok: true; value: O; input: I; ms: number } | { ok: false; error: unknown; input: I }) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether a request is in flight. */
  get busy(): boolean {
    return this.running;
  }

  /** Send now if idle, else replace whatever was waiting. */
  push(input: I): void {
    if (this.running) {
      this.waiting = { input };
      return;
    }
    void this.send(input);
  }

  /** Forget the waiting input (e.g. the drawing was cleared). */
  drop(): void {
    this.waiting = null;
  }

  private async send(input: I): Promise<void> {
    this.running = true;
    const t0 = this.now();
    try {
      const value = await this.run(input);
      this.done({ ok: true, value, input, ms: this.now() - t0 });
    } catch (error) {
      this.done({ ok: false, error, input });
    } finally {
      this.running = false;
      const next = this.waiting;
      this.waiting = null;
      if (next) void this.send(next.input);
    }
  }
}
