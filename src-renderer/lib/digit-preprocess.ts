/**
 * Turn a drawing into the 28x28 image the network expects, the way MNIST itself was made: crop
 * to the ink's bounding box, scale the longer side to 20 px keeping the aspect ratio with area
 * averaging (anti-aliased), then place the result in 28x28 so that its centre of mass (pixel
 * indices weighted by ink) lands within half a pixel of (14, 14), shifting by whole pixels.
 * NOTE: MNIST's own test digits follow exactly this convention: their index-weighted centre of
 * mass is within 0.5 px of 14 on both axes, and the longer side of their ink box is 20 px.
 */

/** A one-channel image: ink from 0 (none) to 255 (full), row-major. */
export interface InkImage {
  width: number;
  height: number;
  /** [height * width] */
  data: ArrayLike<number>;
}

/** An axis-aligned box in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What preprocessing produced and where it put it. */
export interface Preprocessed {
  /** [28 * 28] bytes, the network's input */
  pixels: Uint8Array;
  /** Where the scaled ink box sits in the 28x28 image (at most 20x20). */
  box: Box;
  /** Ink-weighted mean pixel index in the 28x28 image. */
  centerOfMass: { x: number; y: number };
  /** The ink's longer side as a share of the pad's longer side: a dot is blown up to 20 px too. */
  spans: number;
}

export const SIZE = 28;
export const BOX = 20;
export const CENTER = 14;

/** The alpha channel of RGBA pixels as ink (strokes drawn on a transparent canvas). @param rgba [n * 4] @returns [n] */
export function alphaToInk(rgba: ArrayLike<number>): Uint8Array {
  const n = rgba.length >> 2;
  const ink = new Uint8Array(n);
  for (let i = 0; i < n; i++) ink[i] = rgba[i * 4 + 3];
  return ink;
}

/** Bounding box of the pixels with more than `threshold` ink, or null for an empty image. */
export function inkBounds(img: InkImage, threshold = 0): Box | null {
  let x0 = img.width;
  let y0 = img.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width;
    for (let x = 0; x < img.width; x++) {
      if (img.data[row + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Ink-weighted mean of the pixel indices, or null for an empty image. @param data [height * width] */
export function centerOfMass(data: ArrayLike<number>, width: number, height: number): { x: number; y: number } | null {
  let s = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x];
      s += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return s > 0 ? { x: sx / s, y: sy / s } : null;
}

/**
 * For each of `dst` output pixels along one axis, the source pixels it covers and with what
 * weight: output pixel d covers source [d·step, (d+1)·step), each source pixel weighted by its
 * overlap / step, so that full ink stays full ink and a partly covered edge pixel is lighter.
 */
function axisWeights(src: number, dst: number, step: number): { first: Int32Array; weights: Float64Array[] } {
  const first = new Int32Array(dst);
  const weights: Float64Array[] = [];
  for (let d = 0; d < dst; d++) {
    const lo = d * step;
    const hi = Math.min((d + 1) * step, src);
    const i0 = Math.floor(lo);
    const i1 = Math.max(i0 + 1, Math.ceil(hi));
    const w = new Float64Array(i1 - i0);
    for (let i = i0; i < i1; i++) w[i - i0] = Math.max(0, Math.min(i + 1, hi) - Math.max(i, lo)) / step;
    first[d] = i0;
    weights.push(w);
  }
  return { first, weights };
}

/**
 * Resample a box of an image by area averaging (each output pixel is the mean ink of the source
 * area it covers), `step` source pixels per output pixel on both axes.
 * @returns [dstH * dstW] ink values 0..255 (not rounded)
 */
export function resizeArea(img: InkImage, box: Box, dstW: number, dstH: number, step: number): Float64Array {
  const h = axisWeights(box.width, dstW, step);
  const v = axisWeights(box.height, dstH, step);
  // horizontal pass: [box.height, dstW]
  const mid = new Float64Array(box.height * dstW);
  for (let y = 0; y < box.height; y++) {
    const row = (box.y + y) * img.width + box.x;
    for (let d = 0; d < dstW; d++) {
      const w = h.weights[d];
      const i0 = h.first[d];
      let s = 0;
      for (let k = 0; k < w.length; k++) s += w[k] * img.data[row + i0 + k];
      mid[y * dstW + d] = s;
    }
  }
  // vertical pass: [dstH, dstW]
  const out = new Float64Array(dstH * dstW);
  for (let d = 0; d < dstH; d++) {
    const w = v.weights[d];
    const i0 = v.first[d];
    for (let x = 0; x < dstW; x++) {
      let s = 0;
      for (let k = 0; k < w.length; k++) s += w[k] * mid[(i0 + k) * dstW + x];
      out[d * dstW + x] = s;
    }
  }
  return out;
}

/**
 * MNIST preprocessing of a drawing (see the module note); null when there is no ink.
 * @param threshold ink above this counts for the bounding box
 */
export function preprocessDigit(img: InkImage, threshold = 0): Preprocessed | null {
  if (img.data.length !== img.width * img.height) {
    throw new Error(`an ${img.width}x${img.height} image needs ${img.width * img.height} values, got ${img.data.length}`);
  }
  const bounds = inkBounds(img, threshold);
  if (!bounds) return null;
  // NOTE: step = source pixels per output pixel, computed as long / 20 so that exact multiples
  // of 20 (a 280-px-tall stroke) divide without rounding error.
  const step = Math.max(bounds.width, bounds.height) / BOX;
  const w = Math.max(1, Math.min(BOX, Math.ceil(bounds.width / step - 1e-9)));
  const h = Math.max(1, Math.min(BOX, Math.ceil(bounds.height / step - 1e-9)));
  const scaled = resizeArea(img, bounds, w, h, step);
  const bytes = Uint8Array.from(scaled, (v) => Math.round(Math.min(255, Math.max(0, v))));
  const com = centerOfMass(bytes, w, h) ?? { x: (w - 1) / 2, y: (h - 1) / 2 };
  // NOTE: a very lopsided drawing could be pushed off the edge; it stays inside the 28x28 instead.
  const ox = Math.max(0, Math.min(SIZE - w, Math.round(CENTER - com.x)));
  const oy = Math.max(0, Math.min(SIZE - h, Math.round(CENTER - com.y)));
  const pixels = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < h; y++) pixels.set(bytes.subarray(y * w, (y + 1) * w), (oy + y) * SIZE + ox);
  return {
    pixels,
    box: { x: ox, y: oy, width: w, height: h },
    centerOfMass: centerOfMass(pixels, SIZE, SIZE) ?? { x: CENTER, y: CENTER },
    spans: Math.max(bounds.width, bounds.height) / Math.max(img.width, img.height),
  };
}
