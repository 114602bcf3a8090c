import { describe, expect, it } from 'vitest';
import { closePercent, compact, count, duration, loss, percent, share } from '../../../src-renderer/lib/format';

describe('dashboard formatting', () => {
  it('percent', () => {
    expect(percent(0.97341)).toBe('97.34%');
    expect(percent(0.82, 1)).toBe('82.0%');
    expect(percent(null)).toBe('–');
    expect(percent(NaN)).toBe('–');
  });

  it('closePercent: enough digits that a probability near 0 or 1 is not rounded to a certainty', () => {
    expect(closePercent(0.0221)).toBe('2.21%');
    expect(closePercent(0.99998)).toBe('99.9980%');
    expect(closePercent(1.99e-7)).toBe('0.000020%');
    expect(closePercent(1)).toBe('100.00%');
    expect(closePercent(0.5)).toBe('50.00%');
  });

  it('share: a whole percent, or two significant digits below 1% (never "0%" for a split that holds images out)', () => {
    expect(share(0.1)).toBe('10%');
    expect(share(0.05)).toBe('5%');
    expect(share(0.00001)).toBe('0.001%');
    expect(share(0.0045)).toBe('0.45%');
    expect(share(0)).toBe('0%');
  });

  it('duration', () => {
    expect(duration(4.2)).toBe('4.2 s');
    expect(duration(0.24)).toBe('0.2 s');
    expect(duration(9.96)).toBe('10 s');
    expect(duration(31.4)).toBe('31 s');
    expect(duration(65)).toBe('1 m 05 s');
    expect(duration(3725)).toBe('1 h 02 m');
    expect(duration(NaN)).toBe('–');
    expect(duration(-1)).toBe('–');
  });

  it('count and compact', () => {
    expect(count(101770)).toBe('101,770');
    expect(compact(950)).toBe('950');
    expect(compact(12345)).toBe('12.3k');
    expect(compact(2.5e6)).toBe('2.50M');
  });

  it('loss shows NaN and infinity as such', () => {
    expect(loss(0.123456)).toBe('0.1235');
    expect(loss(NaN)).toBe('NaN');
    expect(loss(Infinity)).toBe('∞');
  });
});
