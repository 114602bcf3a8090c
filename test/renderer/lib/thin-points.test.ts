import { describe, expect, it } from 'vitest';
import { thinPoints } from '../../../src-renderer/lib/thin-points';

describe('thinPoints', () => {
  it('keeps short lines whole (the same array)', () => {
    const points = Array.from({ length: 40 }, (_, i) => ({ x: i, y: Math.sin(i) }));
    expect(thinPoints(points, 10)).toBe(points);
  });

  it('keeps, in each pixel column, the first, lowest, highest and last point, each a real one', () => {
    // 10,000 steps on a 100-pixel chart: 100 steps a column
    const points = Array.from({ length: 10_000 }, (_, i) => ({ x: i + 1, y: Math.sin(i * 0.37) + (i === 4321 ? 9 : 0) - (i === 777 ? 5 : 0) }));
    const thin = thinPoints(points, 100);
    expect(thin.length).toBeLessThanOrEqual(400);
    expect(thin.length).toBeGreaterThan(100);
    // every point shown is a point of the line, in order
    const index = new Map(points.map((p, i) => [p, i]));
    const at = thin.map((p) => index.get(p));
    expect(at.every((i) => i !== undefined)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a! - b!));
    // the ends, the spike and the dip are all there
    expect(thin[0]).toBe(points[0]);
    expect(thin.at(-1)).toBe(points.at(-1));
    expect(thin).toContain(points[4321]);
    expect(thin).toContain(points[777]);
    // each column's extremes are kept: the thinned line spans the same range in every column
    for (let c = 0; c < 100; c++) {
      const inColumn = (p: { x: number }) => Math.min(99, Math.floor(((p.x - 1) / 9999) * 100)) === c;
      const all = points.filter(inColumn).map((p) => p.y);
      const kept = thin.filter(inColumn).map((p) => p.y);
      expect([Math.min(...kept), Math.max(...kept)]).toEqual([Math.min(...all), Math.max(...all)]);
    }
  });

  it('a gap (NaN) is never taken for an extreme', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i === 555 ? NaN : i % 7 }));
    const thin = thinPoints(points, 10);
    expect(thin.filter((p) => Number.isNaN(p.y))).toEqual([]);
    expect(Math.max(...thin.map((p) => p.y))).toBe(6);
  });
});
