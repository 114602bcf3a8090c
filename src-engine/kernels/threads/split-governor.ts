/** Running whole must take less than this share of splitting's time per unit of work to win. */
const WHOLE_MARGIN = 0.8;

/**
 * Decides whether splitting products between threads pays, by measuring both. On a busy machine
 * (other programs, or the app's own window drawing on the same cores) the threads of a split
 * product are descheduled in turn and each computes slower: measured on 2 cores shared with
 * other work, splitting made W's epoch 2 to 3 times slower than one thread. So the governor
 * alternates: a window of products split, a window run whole, another split, compares their
 * milliseconds per flop, and keeps the faster way for a while (longer each time the same way
 * wins again) before measuring both anew; splitting stays unless one thread is clearly faster.
 * On a quiet machine splitting wins and the whole-run windows cost under 2%.
 * NOTE: the results are the same bits whether a product is split or not (threaded-kernels.ts),
 * so this choice changes only the time.
 */
export class SplitGovernor {
  /** What the current jobs do: warm up, measure splitting, running whole, splitting again, or keep the winner. */
  private phase: 'warm-up' | 'probe-split' | 'probe-whole' | 'probe-split-again' | 'hold' = 'warm-up';
  private split = true;
  private jobs = 0;
  private ms = 0;
  private work = 0;
  /** The split windows' milliseconds and work in the current comparison. */
  private splitMs = 0;
  private splitWork = 0;
  /** Milliseconds per unit of work of the whole window in the current comparison. */
  private wholeRate = 0;
  private hold: number;
  private lastWinner: boolean | null = null;

  /**
   * @param window products in each measured window (split, whole, then split again)
   * @param minHold products the winner keeps after a first comparison (doubling while it keeps winning, up to maxHold)
   * @param warmUp products (or milliseconds of them, whichever comes first) split before the first comparison
   */
  constructor(
    private readonly window = 64,
    private readonly minHold = 512,
    private readonly maxHold = 8192,
    private readonly warmUp: { products: number; ms: number } = { products: 1024, ms: 200 },
  ) {
    this.hold = minHold;
    if (warmUp.products <= 0 || warmUp.ms <= 0) this.phase = 'probe-split';
  }

  /** Whether jobs should be split now (false: run them on the calling thread). */
  shouldSplit(): boolean {
    return this.split;
  }

  /** After a product: whether it was split, its milliseconds, and its work (e.g. 2·m·k·n). */
  record(split: boolean, ms: number, work: number): void {
    if (split !== this.split) return; // measured under another phase's choice
    this.jobs++;
    this.ms += ms;
    this.work += work;
    // NOTE: a run's first products are slower whichever way they run (the JavaScript and the
    // kernels are still being compiled), so a first split window measured then lost to the whole
    // window after it: W's first 512 products ran on one thread in every run, and its first epoch
    // was about 10% slower than when always split. So no comparison before the code is warm.
    if (this.phase === 'warm-up') {
      if (this.jobs >= this.warmUp.products || this.ms >= this.warmUp.ms) this.start('probe-split', true);
      return;
    }
    if (this.phase === 'hold') {
      if (this.jobs >= this.hold) this.start('probe-split', true);
      return;
    }
    if (this.jobs < this.window) return;
    // NOTE: the whole window is compared with split windows before and after it, so that a
    // machine getting faster or slower meanwhile (code still warming up, another program
    // starting) favours neither way much (exactly neither for a steady drift).
    if (this.phase === 'probe-split') {
      this.splitMs = this.ms;
      this.splitWork = this.work;
      this.start('probe-whole', false);
      return;
    }
    if (this.phase === 'probe-whole') {
      this.wholeRate = this.ms / Math.max(this.work, 1e-9);
      this.start('probe-split-again', true);
      return;
    }
    const splitRate = (this.splitMs + this.ms) / Math.max(this.splitWork + this.work, 1e-9);
    // NOTE: splitting stays unless running whole is clearly faster: a short window's noise (a
    // timer, a collection) must not put a quiet machine on one thread for thousands of products.
    const winner = !(this.wholeRate < WHOLE_MARGIN * splitRate);
    this.hold = winner === this.lastWinner ? Math.min(2 * this.hold, this.maxHold) : this.minHold;
    this.lastWinner = winner;
    this.start('hold', winner);
  }

  private start(phase: SplitGovernor['phase'], split: boolean): void {
    this.phase = phase;
    this.split = split;
    this.jobs = 0;
    this.ms = 0;
    this.work = 0;
  }
}
