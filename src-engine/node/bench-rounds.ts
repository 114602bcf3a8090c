/**
 * Rounds for `npm run bench`: the machine (a shared VM) changes speed as a whole by up to 1.7x over
 * minutes, so a row measured in one block can meet a fast moment and its reference a slow one. In
 * rounds, every row is measured once per round in a fixed order, each keeps its fastest round, and
 * two rows measured side by side in the same round give a paired ratio that the drift cancels from.
 */

/** A measurement: seconds of one epoch (plus whatever the caller keeps with it). */
export interface Timed {
  seconds: number;
}

/** A row to measure: `measure` returns one epoch, or why the row cannot be measured (then it is dropped). */
export interface Contender<T extends Timed> {
  key: string;
  measure: () => T | string | Promise<T | string>;
}

/** What the rounds measured, by contender key. */
export interface RoundsResult<T extends Timed> {
  /** Each contender's fastest round (absent when it never measured). */
  best: Map<string, T>;
  /** Each contender's measurement in every round, null where it was not measured. */
  rounds: Map<string, (T | null)[]>;
  /** Why contenders were dropped, once per distinct reason, in order. */
  notes: string[];
}

/**
 * The order within a round: the leading rows (the pairs the targets compare, side by side) first,
 * then the other rows of ours and the other references alternating, so that neither side has all
 * of one stretch of the round.
 */
export function roundOrder<C>(leading: C[], ours: C[], references: C[]): C[] {
  const order = [...leading];
  for (let i = 0; i < Math.max(ours.length, references.length); i++) {
    if (i < references.length) order.push(references[i]!);
    if (i < ours.length) order.push(ours[i]!);
  }
  return order;
}

/**
 * Measure every contender once per round for `repeat` rounds, in the given order. A contender
 * whose measurement fails is noted and not run again (a missing python3 would fail every round).
 */
export async function runRounds<T extends Timed>(contenders: Contender<T>[], repeat: number): Promise<RoundsResult<T>> {
  const best = new Map<string, T>();
  const rounds = new Map<string, (T | null)[]>(contenders.map((c) => [c.key, Array<T | null>(repeat).fill(null)]));
  const notes: string[] = [];
  const dropped = new Set<string>();
  for (let round = 0; round < repeat; round++) {
    for (const c of contenders) {
      if (dropped.has(c.key)) continue;
      // A turn of the event loop first: the finalizers that return a finished row's buffers to
      // the kernels' memory run only then (wasm-heap.ts), and the next row must not find it full.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const r = await c.measure();
      if (typeof r === 'string') {
        dropped.add(c.key);
        if (!notes.includes(r)) notes.push(r);
        continue;
      }
      rounds.get(c.key)![round] = r;
      const b = best.get(c.key);
      if (!b || r.seconds < b.seconds) best.set(c.key, r);
    }
  }
  return { best, rounds, notes };
}

/** A ratio of two rows measured in the same rounds. */
export interface PairedRatio {
  /** The median of the per-round ratios (the mean of the middle two for an even count). */
  median: number;
  /** a's seconds ÷ b's in each round where both were measured, in round order. */
  rounds: number[];
}

/** Row a's epoch ÷ row b's, round by round; null when no round measured both. */
export function pairedRatio<T extends Timed>(a: (T | null)[] | undefined, b: (T | null)[] | undefined): PairedRatio | null {
  if (!a || !b) return null;
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x && y) ratios.push(x.seconds / y.seconds);
  }
  if (!ratios.length) return null;
  const sorted = [...ratios].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, rounds: ratios };
}
