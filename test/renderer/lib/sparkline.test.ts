import { describe, expect, it } from 'vitest';
import { sparkline } from '../../../src-renderer/lib/sparkline';

describe('sparkline', () => {
  it('spreads the values over the height: lowest at the bottom, highest at the top', () => {
    expect(sparkline([0.95, 0.96, 0.97], 100, 20, 0)).toEqual({ path: 'M0 20 L50 10 L100 0', last: { x: 100, y: 0 } });
  });

  it('breaks the line where an epoch has no test accuracy', () => {
    expect(sparkline([0.2, NaN, 0.8, 0.5], 30, 10, 0).path).toBe('M0 10 M20 0 L30 5');
  });

  it('keeps a nearly flat run flat instead of magnifying noise', () => {
    const { path } = sparkline([0.9741, 0.9742], 100, 20, 0);
    const ys = path.match(/ (\d+(\.\d+)?)/g)!.map(Number);
    expect(Math.abs(ys[0] - ys[1])).toBeLessThan(1);
  });

  it('shows a single epoch as a tick in the middle, and nothing for no epochs', () => {
    expect(sparkline([0.9], 40, 10, 0).path).toBe('M20 5 L20.1 5');
    expect(sparkline([], 40, 10)).toEqual({ path: '', last: null });
    expect(sparkline([NaN], 40, 10)).toEqual({ path: '', last: null });
  });
});
