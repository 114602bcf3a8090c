import { describe, expect, it } from 'vitest';
import { clipDiverged, logTickLabel, tickLabel, tickStep } from '../../../src-renderer/lib/chart-values';

describe('chart values', () => {
  it('tick labels are short and distinct from their neighbours', () => {
    // a learning-rate axis 0 to 0.0005 in steps of 0.00005 once read "0.0001" three times
    const lr = [0, 5e-5, 1e-4, 1.5e-4, 2e-4].map((value) => ({ value }));
    const labels = lr.map((t, i) => tickLabel(t.value, tickStep(lr, i)));
    expect(labels).toEqual(['0', '0.00005', '0.0001', '0.00015', '0.0002']);
    expect(new Set(labels).size).toBe(labels.length);
    expect(tickLabel(0.30000000000000004, 0.1)).toBe('0.3');
    expect(tickLabel(12000, 2000)).toBe('12k');
    expect(tickLabel(1.9999999999999998e302, 5e301)).toBe('2e302');
    expect(tickLabel(2.5, 0.5)).toBe('2.5');
    expect(tickLabel(NaN, 1)).toBe('');
  });

  it('log ticks: powers of ten, with 2 and 5 when the axis spans three decades or fewer', () => {
    const wide = [1e-6, 10].map((value) => ({ value }));
    expect([1e-6, 2e-6, 1e-3, 0.1, 1, 10].map((v) => logTickLabel(v, wide))).toEqual(['1e-6', '', '1e-3', '0.1', '1', '10']);
    const narrow = [0.01, 5].map((value) => ({ value }));
    expect([0.01, 0.02, 0.05, 0.03, 1, 2].map((v) => logTickLabel(v, narrow))).toEqual(['0.01', '0.02', '0.05', '', '1', '2']);
  });

  it('a loss that blew up is clipped at 3x its starting median, with a marker where each run of clipped values starts', () => {
    const ys = [2.3, 2.2, 2.1, 50, 1e302, Infinity, 2, 1.9, 400, 1.8];
    const c = clipDiverged(ys.map((y, i) => ({ x: i + 1, y })));
    const cap = 3 * 2.2;
    expect(c.cap).toBeCloseTo(cap, 12);
    expect(c.points.map((p) => p.y)).toEqual([2.3, 2.2, 2.1, cap, cap, cap, 2, 1.9, cap, 1.8]);
    expect(c.markers).toEqual([{ x: 4, y: cap }, { x: 9, y: cap }]);
    const calm = [{ x: 1, y: 2.3 }, { x: 2, y: 2 }];
    expect(clipDiverged(calm)).toEqual({ points: calm, markers: [], cap: null });
    // a continued run starts low and noisy: its ordinary batches are not a blow-up
    const continued = Array.from({ length: 60 }, (_, i) => ({ x: 1000 + i, y: i % 10 === 9 ? 0.45 : 0.085 }));
    expect(clipDiverged(continued).cap).toBeNull();
    expect(clipDiverged([...continued, { x: 2000, y: NaN }]).cap).toBeCloseTo(1.085, 12);
    // a run that learns fast: its median is low, but its own first loss (before any step) is no blow-up
    const fast = Array.from({ length: 60 }, (_, i) => ({ x: i + 1, y: i === 0 ? 2.3 : 0.5 }));
    expect(clipDiverged(fast).cap).toBeNull();
    expect(clipDiverged([...fast, { x: 61, y: 40 }]).cap).toBeCloseTo(1.2 * 2.3, 12);
  });
});
