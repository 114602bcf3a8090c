import { describe, expect, it } from 'vitest';
import { divergingLut, lutIndex } from '../../../src-renderer/lib/colormap';
import {
  fitColumns,
  fitZoom,
  flatten,
  histogram,
  inkMask,
  maxAbs,
  outgoingWeights,
  renderMatrix,
  renderTiles,
  robustScale,
  squareColumns,
  tileAt,
  tileLayout,
  tileOrigin,
  tileShape,
  unitRange,
  unitScales,
  unitWeights,
  UNUSED_COLOR,
  type PixelBuffer,
  type WeightMatrix,
} from '../../../src-renderer/lib/weight-tiles';

function buffer(width: number, height: number): PixelBuffer {
  return { data: new Uint8ClampedArray(width * height * 4), width, height };
}

function pixel(b: PixelBuffer, x: number, y: number): number[] {
  const o = (y * b.width + x) * 4;
  return Array.from(b.data.subarray(o, o + 4));
}

const LUT = divergingLut();
/** The colormap's RGBA for t in [-1, 1]. */
const rgba = (t: number) => Array.from(LUT.subarray(lutIndex(t, 1) * 4, lutIndex(t, 1) * 4 + 4));

/** A [784, units] matrix where unit j's weight at image pixel (r, c) is f(j, r, c). */
function matrix(units: number, f: (j: number, r: number, c: number) => number): WeightMatrix {
  const weight = new Float32Array(784 * units);
  for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) for (let j = 0; j < units; j++) weight[(r * 28 + c) * units + j] = f(j, r, c);
  return { weight, in: 784, out: units };
}

describe('weight tiles', () => {
  it('lays 800 tiles out in a grid with 1-px gaps and finds the unit under a pixel', () => {
    const l = tileLayout(800, 28, 28, 40);
    expect([l.cols, l.rows, l.width, l.height]).toEqual([40, 20, 40 * 29 + 1, 20 * 29 + 1]);
    expect(tileOrigin(l, 41)).toEqual({ x: 30, y: 30 });
    expect(tileAt(l, 30, 30)).toBe(41);
    expect(tileAt(l, 57, 57)).toBe(41);
    expect(tileAt(l, 58, 30)).toBeNull(); // the gap
    expect(tileAt(l, 0, 0)).toBeNull();
    const partial = tileLayout(5, 28, 28, 4);
    expect(partial.rows).toBe(2);
    expect(tileAt(partial, 1 + 29 + 3, 1 + 29 + 3)).toBeNull(); // no unit 5
  });

  it("draws each unit's column of the [in, out] matrix as its tile, in image orientation", () => {
    // unit 0: a vertical bar at column 5 (positive); unit 1: a horizontal bar at row 20 (negative)
    const m = matrix(2, (j, r, c) => (j === 0 ? (c === 5 ? 1 : 0) : r === 20 ? -1 : 0));
    const l = tileLayout(2, 28, 28, 2);
    const b = buffer(l.width, l.height);
    renderTiles(m, l, b, { mode: 'shared' });
    expect(pixel(b, 1 + 5, 1 + 10)).toEqual(rgba(1)); // unit 0, row 10, column 5: deep red
    expect(pixel(b, 1 + 6, 1 + 10)).toEqual([255, 255, 255, 255]); // 0 is white
    expect(pixel(b, 30 + 3, 1 + 20)).toEqual(rgba(-1)); // unit 1, row 20: deep blue
    expect(pixel(b, 30 + 3, 1 + 19)).toEqual([255, 255, 255, 255]);
    expect(pixel(b, 29, 5)).toEqual([0, 0, 0, 0]); // gaps stay transparent
  });

  it('scales colours by the whole layer, or by each tile on its own', () => {
    // unit 0's weights are 10x larger than unit 1's
    const m = matrix(2, (j, r, c) => (r === c ? (j === 0 ? 0.5 : 0.05) : 0));
    const l = tileLayout(2, 28, 28, 2);
    const shared = buffer(l.width, l.height);
    renderTiles(m, l, shared, { mode: 'shared', scale: 0.5 });
    expect(pixel(shared, 1 + 7, 1 + 7)).toEqual(rgba(1));
    expect(pixel(shared, 30 + 7, 1 + 7)).toEqual(rgba(0.1));
    const own = buffer(l.width, l.height);
    renderTiles(m, l, own, { mode: 'tile' });
    expect(pixel(own, 30 + 7, 1 + 7)).toEqual(rgba(1));
  });

  it('picks a shared scale that a few outliers cannot wash out', () => {
    const w = new Float32Array(10_000).map((_, i) => ((i % 200) - 100) / 1000); // within ±0.1
    w[17] = 5;
    w[99] = -3;
    expect(robustScale(w)).toBeGreaterThan(0.099);
    expect(robustScale(w)).toBeLessThan(0.11);
    expect(robustScale(new Float32Array(4))).toBe(0);
  });

  it('greys out pixels the data never inks, where the weights never learn', () => {
    const means = new Uint8Array(2 * 784);
    means[3] = 10; // class 0 inks pixel 3
    means[784 + 5] = 1; // class 1 inks pixel 5
    const mask = inkMask(means, 784);
    expect([mask[3], mask[5], mask[4]]).toEqual([1, 1, 0]);
    const m = matrix(1, () => 0.5);
    const l = tileLayout(1, 28, 28, 1);
    const b = buffer(l.width, l.height);
    renderTiles(m, l, b, { mode: 'shared', mask });
    expect(pixel(b, 1 + 3, 1)).toEqual(rgba(1));
    expect(pixel(b, 1 + 4, 1)).toEqual([...UNUSED_COLOR]);
  });

  it('enlarges each weight to a zoom x zoom block for export', () => {
    const m = matrix(1, (_, r, c) => (r === 0 && c === 0 ? -1 : 0.5));
    const l = tileLayout(1, 28, 28, 1, 4);
    expect(l.width).toBe(28 * 4 + 2);
    const b = buffer(l.width, l.height);
    renderTiles(m, l, b, { mode: 'shared', scale: 1 });
    for (const [x, y] of [[1, 1], [4, 4]]) expect(pixel(b, x, y)).toEqual(rgba(-1));
    expect(pixel(b, 5, 1)).toEqual(rgba(0.5));
  });

  it('shows NaN weights grey and all-zero weights white, and refuses a wrong-size buffer', () => {
    const m = matrix(1, (_, r) => (r === 0 ? Number.NaN : 0));
    const l = tileLayout(1, 28, 28, 1);
    const b = buffer(l.width, l.height);
    renderTiles(m, l, b, { mode: 'tile' });
    expect(pixel(b, 1, 1)).toEqual([120, 120, 120, 255]);
    expect(pixel(b, 1, 2)).toEqual([255, 255, 255, 255]);
    expect(() => renderTiles(m, l, buffer(10, 10), { mode: 'tile' })).toThrow('the buffer is 10x10, the grid needs 30x30');
  });

  it('draws a deeper layer as a heatmap: row j is unit j, column i its weight from input i', () => {
    const weight = new Float32Array(3 * 2);
    weight[2 * 2 + 1] = -2; // input 2 -> unit 1
    weight[0 * 2 + 0] = 1; // input 0 -> unit 0
    const b = buffer(3, 2);
    renderMatrix({ weight, in: 3, out: 2 }, b);
    expect(pixel(b, 2, 1)).toEqual(rgba(-1));
    expect(pixel(b, 0, 0)).toEqual(rgba(0.5));
    expect(pixel(b, 1, 0)).toEqual([255, 255, 255, 255]);
  });

  it('measures ranges, scales, incoming and outgoing weights of a unit', () => {
    const m: WeightMatrix = { weight: Float32Array.of(1, -2, 3, 0.5), in: 2, out: 2 };
    expect(unitScales(m)).toEqual(Float32Array.of(3, 2));
    expect(unitScales(m, Uint8Array.of(1, 0))).toEqual(Float32Array.of(1, 2)); // input 1 left out
    expect(maxAbs(m.weight)).toBe(3);
    expect(unitRange(m, 1)).toEqual({ min: -2, max: 0.5 });
    expect(unitWeights(m, 0)).toEqual(Float32Array.of(1, 3));
    expect(outgoingWeights(m, 1)).toEqual(Float32Array.of(3, 0.5));
  });

  it('counts weights into a histogram symmetric about 0, skipping NaN', () => {
    const h = histogram(Float32Array.of(-1, -0.4, 0.1, 0.2, 1, Number.NaN), 4);
    expect([h.lo, h.hi]).toEqual([-1, 1]);
    expect(Array.from(h.counts)).toEqual([1, 1, 2, 1]);
  });

  it('draws tiles in the shape of the input image', () => {
    expect(tileShape(784, [28, 28])).toEqual([28, 28]);
    expect(tileShape(6, [2, 3])).toEqual([2, 3]);
    expect(tileShape(784)).toEqual([28, 28]);
    expect(tileShape(10, [10])).toEqual([1, 10]);
  });

  it('flattens transparent gaps onto a background for export, and lays exports out about square', () => {
    const b = buffer(2, 1);
    b.data.set([10, 20, 30, 255, 0, 0, 0, 0]);
    flatten(b, [255, 255, 255]);
    expect(Array.from(b.data)).toEqual([10, 20, 30, 255, 255, 255, 255, 255]);
    expect(squareColumns(800, 28, 28)).toBe(29);
    expect(squareColumns(64, 28, 28)).toBe(8);
  });

  it('picks the largest tile size at which the whole grid fits, or scrolls at a readable size', () => {
    // 64 tiles in 940x680: 87-px tiles (zoom 3) give 10 columns x 7 rows = 610 px
    expect(fitZoom(64, 28, 28, 940, 680)).toBe(3);
    expect(fitZoom(4, 28, 28, 940, 680)).toBe(8);
    expect(fitZoom(800, 28, 28, 940, 680)).toBe(2);
    // 128 units in a 1024x640 window's grid: all of them at one pixel a weight, rather than a scroll at two
    expect(fitZoom(128, 28, 28, 584, 322)).toBe(1);
    expect(fitZoom(128, 28, 28, 584, 150)).toBe(2); // not even at one: scrolls at two
    // 128 units in a 1280x800 window's grid: at one and a half pixels a weight (43-px tiles), not one
    expect(fitZoom(128, 28, 28, 890, 430)).toBe(1.5);
  });

  it('fits as many columns as the width allows', () => {
    expect(fitColumns(1000, 28, 2, 800)).toBe(Math.floor((1000 - 2) / 58));
    expect(fitColumns(1000, 28, 2, 3)).toBe(3);
    expect(fitColumns(10, 28, 2, 3)).toBe(1);
  });

  it('draws all 800 tiles of a 784-800-10 net quickly', () => {
    const m = matrix(800, (j, r, c) => Math.sin(j + r * 0.3 - c * 0.2));
    const l = tileLayout(800, 28, 28, 40);
    const b = buffer(l.width, l.height);
    renderTiles(m, l, b, { mode: 'tile' });
    const t0 = performance.now();
    for (let k = 0; k < 5; k++) renderTiles(m, l, b, { mode: k % 2 ? 'tile' : 'shared' });
    const ms = (performance.now() - t0) / 5;
    console.log(`800 tiles: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(100);
  });
});
