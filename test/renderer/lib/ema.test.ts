import { describe, expect, it } from 'vitest';
import { Ema, smoothingFor } from '../../../src-renderer/lib/ema';

describe('Ema', () => {
  it('starts at the first value (bias-corrected), not near 0', () => {
    const e = new Ema(0.95);
    expect(e.value).toBeNaN();
    expect(e.push(2.3)).toBeCloseTo(2.3, 12);
    expect(e.push(2.3)).toBeCloseTo(2.3, 12);
  });

  it('moves toward new values by (1 - beta)', () => {
    const e = new Ema(0.5);
    e.push(0);
    // mean = 0.5*0 + 0.5*4 = 2 after two pushes of (0, 4); debiased by 1 - 0.25
    expect(e.push(4)).toBeCloseTo(2 / 0.75, 12);
  });

  it('skips NaN and infinite losses so one divergent batch does not poison the curve', () => {
    const e = new Ema(0.9);
    e.push(1);
    expect(e.push(NaN)).toBeCloseTo(1, 12);
    expect(e.push(Infinity)).toBeCloseTo(1, 12);
  });
});

describe('smoothingFor', () => {
  it('smooths over about 20 batches, fewer on a run so short that 20 would be a large part of it', () => {
    expect(smoothingFor(0)).toBeCloseTo(0.95, 12); // not known yet
    expect(smoothingFor(1876)).toBeCloseTo(0.95, 12); // W's two epochs
    expect(smoothingFor(200)).toBeCloseTo(0.8, 12);
    expect(smoothingFor(40)).toBeCloseTo(0.75, 12);
  });

  it('keeps a short run\'s last smoothed loss near its last batch losses', () => {
    // 40 steps whose loss falls from 2.3 to 0.3 and then stays: the old fixed 20-batch window read 0.53
    const losses = Array.from({ length: 40 }, (_, i) => (i < 20 ? 2.3 - 0.1 * i : 0.3));
    const last = (beta: number) => losses.reduce((e, l) => (e.push(l), e), new Ema(beta)).value;
    expect(last(0.95)).toBeCloseTo(0.533, 3);
    expect(last(smoothingFor(40))).toBeLessThan(0.31);
  });
});
