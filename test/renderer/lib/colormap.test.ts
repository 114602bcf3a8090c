import { describe, expect, it } from 'vitest';
import { cssGradient, divergingColor, divergingLut, LUT_SIZE, lutIndex, NAN_COLOR } from '../../../src-renderer/lib/colormap';

describe('diverging colormap', () => {
  it('shows 0 as pure white, in the function and in the lookup table', () => {
    expect(divergingColor(0)).toEqual([255, 255, 255]);
    expect(divergingColor(-0)).toEqual([255, 255, 255]);
    const lut = divergingLut();
    const k = lutIndex(0, 0.3);
    expect(k).toBe((LUT_SIZE - 1) / 2);
    expect(Array.from(lut.subarray(k * 4, k * 4 + 4))).toEqual([255, 255, 255, 255]);
  });

  it('gives negative weights a blue hue and positive ones a red hue, deeper with size', () => {
    for (const t of [-1, -0.6, -0.2, -0.01]) {
      const [r, , b] = divergingColor(t);
      expect(b).toBeGreaterThan(r);
    }
    for (const t of [0.01, 0.2, 0.6, 1]) {
      const [r, , b] = divergingColor(t);
      expect(r).toBeGreaterThan(b);
    }
    const lightness = (t: number) => divergingColor(t).reduce((s, v) => s + v, 0);
    expect(lightness(-0.8)).toBeLessThan(lightness(-0.3));
    expect(lightness(0.8)).toBeLessThan(lightness(0.3));
    // symmetric strength: as far from white on both sides
    expect(Math.abs(lightness(0.5) - lightness(-0.5))).toBeLessThan(60);
  });

  it('clamps beyond the scale and greys out NaN', () => {
    expect(divergingColor(7)).toEqual(divergingColor(1));
    expect(divergingColor(-Infinity)).toEqual(divergingColor(-1));
    expect(lutIndex(5, 1)).toBe(LUT_SIZE - 1);
    expect(lutIndex(-5, 1)).toBe(0);
    expect(lutIndex(0.5, 1)).toBe(lutIndex(1, 2));
    expect(lutIndex(Number.NaN, 1)).toBe(-1);
    expect(divergingColor(Number.NaN)).toEqual(NAN_COLOR);
  });

  it('maps everything to white when the scale is 0 (untrained all-zero weights)', () => {
    expect(lutIndex(0.4, 0)).toBe((LUT_SIZE - 1) / 2);
  });

  it('makes a CSS gradient for the colour bar from blue through white to red', () => {
    const g = cssGradient();
    expect(g.startsWith('linear-gradient(to right, rgb(5 48 97) 0%')).toBe(true);
    expect(g).toContain('rgb(255 255 255) 50%');
    expect(g.endsWith('rgb(103 0 31) 100%)')).toBe(true);
  });
});
