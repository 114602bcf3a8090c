import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pacer } from '../../../src-renderer/lib/pacer';

describe('Pacer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs the first request at once, then at most once per interval, and never drops the last', () => {
    const runs: number[] = [];
    const pacer = new Pacer(200, () => runs.push(Date.now()), () => Date.now());
    const t0 = Date.now();
    pacer.request();
    expect(runs.map((t) => t - t0)).toEqual([0]); // at once
    // 20 requests a second for one second: a run every 200 ms; the request made just after the
    // run at 1000 ms (new data) gets its own run at 1200 ms
    for (let i = 1; i <= 20; i++) {
      vi.advanceTimersByTime(50);
      pacer.request();
    }
    vi.advanceTimersByTime(1000);
    expect(runs.map((t) => t - t0)).toEqual([0, 200, 400, 600, 800, 1000, 1200]);
    // nothing is left pending
    vi.advanceTimersByTime(1000);
    expect(runs).toHaveLength(7);
  });

  it('runs nothing pending after cancel', () => {
    let runs = 0;
    const pacer = new Pacer(200, () => runs++, () => Date.now());
    pacer.request();
    pacer.request();
    pacer.cancel();
    vi.advanceTimersByTime(1000);
    expect(runs).toBe(1);
  });

  it('flush runs at once and drops the pending run', () => {
    const runs: number[] = [];
    const pacer = new Pacer(200, () => runs.push(Date.now()), () => Date.now());
    const t0 = Date.now();
    pacer.request();
    vi.advanceTimersByTime(50);
    pacer.request(); // pending, for 200 ms
    pacer.flush();
    vi.advanceTimersByTime(1000);
    expect(runs.map((t) => t - t0)).toEqual([0, 50]);
  });
});
