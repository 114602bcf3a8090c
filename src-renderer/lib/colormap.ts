/**
 * The diverging colormap of the weight heatmaps: blue for negative, white for exactly 0, red for
 * positive (ColorBrewer's RdBu with a pure white centre), clamped at ±scale. A lookup table keeps
 * the per-pixel cost to one multiply and four byte copies.
 */

/** An sRGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/** Colour stops at -1, -0.8, ..., 0, ..., 1 (RdBu, centre replaced by white). */
const STOPS: Rgb[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [255, 255, 255],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

/** Shown for NaN (a diverged network). */
export const NAN_COLOR: Rgb = [120, 120, 120];

/** Entries of the lookup table; odd, so that 0 falls exactly on the white middle entry. */
export const LUT_SIZE = 511;

/** The colour of t in [-1, 1] (values outside are clamped), interpolated between the stops. */
export function divergingColor(t: number): Rgb {
  if (Number.isNaN(t)) return NAN_COLOR;
  const c = Math.max(-1, Math.min(1, t));
  const x = ((c + 1) / 2) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** The colormap as RGBA bytes, LUT_SIZE entries from -1 to 1. @returns [LUT_SIZE * 4] */
export function divergingLut(): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let k = 0; k < LUT_SIZE; k++) {
    const [r, g, b] = divergingColor((2 * k) / (LUT_SIZE - 1) - 1);
    lut.set([r, g, b, 255], k * 4);
  }
  return lut;
}

let shared: Uint8ClampedArray | null = null;

/** The lookup table, built once. @returns [LUT_SIZE * 4] */
export function lut(): Uint8ClampedArray {
  shared ??= divergingLut();
  return shared;
}

/**
 * Index into the lookup table of value v on a scale of ±scale (clamped); -1 for NaN.
 * NOTE: a zero or non-finite scale (all-zero weights) maps every finite value to white.
 */
export function lutIndex(v: number, scale: number): number {
  if (Number.isNaN(v)) return -1;
  const inv = scale > 0 && Number.isFinite(scale) ? 1 / scale : 0;
  const t = Math.max(-1, Math.min(1, v * inv));
  return Math.round((t + 1) * 0.5 * (LUT_SIZE - 1));
}

/** A CSS linear-gradient of the colormap from -1 (left) to 1 (right), for the colour bar. */
export function cssGradient(direction = 'to right'): string {
  const stops = STOPS.map((_, i) => {
    const [r, g, b] = divergingColor((2 * i) / (STOPS.length - 1) - 1);
    return `rgb(${r} ${g} ${b}) ${Math.round((i / (STOPS.length - 1)) * 100)}%`;
  });
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
