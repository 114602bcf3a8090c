import { describe, expect, it } from 'vitest';
import { SplitGovernor } from '../../../src-engine/kernels/threads/split-governor';

/**
 * Runs `jobs` products of 1 unit of work each through the governor, split ones taking `splitMs`
 * and whole ones `wholeMs`; returns how many were split.
 */
function run(g: SplitGovernor, jobs: number, splitMs: number, wholeMs: number): number {
  let split = 0;
  for (let i = 0; i < jobs; i++) {
    const s = g.shouldSplit();
    if (s) split++;
    g.record(s, s ? splitMs : wholeMs, 1);
  }
  return split;
}

/** A governor that compares from its first product (no warm-up), with small windows and holds. */
function governor(window: number, minHold: number, maxHold: number): SplitGovernor {
  return new SplitGovernor(window, minHold, maxHold, { products: 0, ms: 0 });
}

describe('SplitGovernor', () => {
  it('splits while splitting is faster, measuring one thread only in short windows (a quiet machine)', () => {
    const g = governor(4, 16, 64);
    const split = run(g, 1000, 0.6, 1);
    expect(split).toBeGreaterThan(920); // whole-run windows of 4 between split ones: before the first hold, then after each hold of 16, 32, 64
  });

  it('runs products whole when splitting is slower (threads descheduled on a busy machine)', () => {
    const g = governor(4, 16, 64);
    const split = run(g, 1000, 2, 1);
    expect(split).toBeLessThan(130); // only the split windows that keep measuring it
    expect(run(g, 200, 2, 1)).toBeLessThanOrEqual(24); // at most 8 in every 76 once it has settled
  });

  it('follows the machine when it changes: back to splitting once splitting pays again', () => {
    const g = governor(4, 16, 64);
    run(g, 500, 2, 1);
    expect(run(g, 200, 0.5, 1)).toBeGreaterThan(100); // the load went away
    expect(run(g, 200, 0.5, 1)).toBeGreaterThan(180);
  });

  it('keeps splitting unless one thread is clearly faster (a short window of noise must not halve a quiet machine)', () => {
    const tie = governor(4, 16, 64);
    run(tie, 12, 1, 1);
    expect(tie.shouldSplit()).toBe(true);
    const slightly = governor(4, 16, 64);
    run(slightly, 12, 1, 0.85); // whole 15% faster: within the noise of a window
    expect(slightly.shouldSplit()).toBe(true);
    const clearly = governor(4, 16, 64);
    run(clearly, 12, 1, 0.7);
    expect(clearly.shouldSplit()).toBe(false);
  });

  it('ignores a time measured under the other choice (a product already under way when the phase changed)', () => {
    const g = governor(2, 16, 64);
    g.record(false, 1000, 1); // a whole product while probing splitting: not counted
    g.record(true, 1, 1);
    g.record(true, 1, 1); // split window done: probe whole next
    expect(g.shouldSplit()).toBe(false);
    g.record(false, 5, 1);
    g.record(false, 5, 1); // whole window done: split again
    expect(g.shouldSplit()).toBe(true);
    g.record(false, 1000, 1); // not counted either
    g.record(true, 1, 1);
    g.record(true, 1, 1);
    expect(g.shouldSplit()).toBe(true); // 1 ms/unit split beats 5 ms/unit whole
    expect(run(g, 16, 1, 5)).toBe(16); // and the winner holds
  });

  it('is not misled by a machine that speeds up while it compares (split, whole, split again)', () => {
    // Every product takes less time than the one before, whichever way it runs (code warming
    // up): the whole window, measured after a split one, looks faster than it is.
    const g = governor(4, 16, 64);
    let ms = 2;
    let split = 0;
    for (let i = 0; i < 12; i++) {
      const s = g.shouldSplit();
      if (s) split++;
      g.record(s, ms, 1);
      ms *= 0.93;
    }
    expect(split).toBe(8);
    expect(g.shouldSplit()).toBe(true); // against the split window before it alone, whole looked 25% faster
  });

  it('splits the first products without comparing (compiling code makes them slow either way)', () => {
    const g = new SplitGovernor(4, 16, 64, { products: 20, ms: 1000 });
    expect(run(g, 20, 2, 1)).toBe(20); // whole would have been faster: not measured yet
    expect(run(g, 12, 2, 1)).toBe(8); // then split, whole, split
    expect(g.shouldSplit()).toBe(false); // whole wins
    const byTime = new SplitGovernor(4, 16, 64, { products: 1000, ms: 10 });
    expect(run(byTime, 5, 2, 1)).toBe(5); // 10 ms of products: warm
    expect(run(byTime, 4, 2, 1)).toBe(4); // the first split window
    expect(byTime.shouldSplit()).toBe(false); // the whole window
  });
});
