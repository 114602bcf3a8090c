import { describe, expect, it } from 'vitest';
import { Ema } from '../../../src-renderer/lib/ema';

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
