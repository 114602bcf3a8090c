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

describe('SplitGovernor', () => {
  it('splits while splitting is faster, measuring one thread only in short windows (a quiet machine)', () => {
    const g = new SplitGovernor(4, 16, 64);
    const split = run(g, 1000, 0.6, 1);
    expect(split).toBeGreaterThan(920); // whole-run windows: 4 after each hold of 16, 32, then 64 split products
  });

  it('runs products whole when splitting is slower (threads descheduled on a busy machine)', () => {
    const g = new SplitGovernor(4, 16, 64);
    const split = run(g, 1000, 2, 1);
    expect(split).toBeLessThan(100); // only the split windows that keep measuring it
    expect(run(g, 200, 2, 1)).toBeLessThanOrEqual(16); // at most 4 in every 68 once it has settled
  });

  it('follows the machine when it changes: back to splitting once splitting pays again', () => {
    const g = new SplitGovernor(4, 16, 64);
    run(g, 500, 2, 1);
    expect(run(g, 200, 0.5, 1)).toBeGreaterThan(100); // the load went away
    expect(run(g, 200, 0.5, 1)).toBeGreaterThan(180);
  });

  it('keeps splitting unless one thread is clearly faster (a short window of noise must not halve a quiet machine)', () => {
    const tie = new SplitGovernor(4, 16, 64);
    run(tie, 8, 1, 1);
    expect(tie.shouldSplit()).toBe(true);
    const slightly = new SplitGovernor(4, 16, 64);
    run(slightly, 8, 1, 0.85); // whole 15% faster: within the noise of a window
    expect(slightly.shouldSplit()).toBe(true);
    const clearly = new SplitGovernor(4, 16, 64);
    run(clearly, 8, 1, 0.7);
    expect(clearly.shouldSplit()).toBe(false);
  });

  it('ignores a time measured under the other choice (a product already under way when the phase changed)', () => {
    const g = new SplitGovernor(2, 16, 64);
    g.record(false, 1000, 1); // a whole product while probing splitting: not counted
    g.record(true, 1, 1);
    g.record(true, 1, 1); // split window done: probe whole next
    expect(g.shouldSplit()).toBe(false);
    g.record(false, 5, 1);
    g.record(false, 5, 1);
    expect(g.shouldSplit()).toBe(true); // 1 ms/unit split beats 5 ms/unit whole
  });
});
