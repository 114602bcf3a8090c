/**
 * Pure pixel work for the Weights view: the first layer as a grid of image-shaped tiles (one per
 * hidden unit) and deeper layers as weight-matrix heatmaps, written straight into RGBA buffers
 * (an ImageData's), plus the numbers around them: scales, ranges, histograms, outgoing weights.
 * Weights are stored [in, out] as the engine sends them: weight[i * out + j] is input i -> unit j.
 */
import { LUT_SIZE, lut, NAN_COLOR } from './colormap';

/** An RGBA byte buffer, e.g. an ImageData. */
export interface PixelBuffer {
  /** [height * width * 4] */
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** A weight matrix as the engine sends it. */
export interface WeightMatrix {
  /** [in * out], weight[i * out + j] */
  weight: Float32Array;
  in: number;
  out: number;
}

/** Where the tiles go in the grid's pixel buffer. */
export interface TileLayout {
  units: number;
  cols: number;
  rows: number;
  /** Tile size in weights (the input image's columns and rows). */
  tileW: number;
  tileH: number;
  /** Buffer pixels per weight. */
  zoom: number;
  /** Buffer pixels between tiles and around the grid. */
  gap: number;
  /** Buffer size in pixels. */
  width: number;
  height: number;
}

/** How the colours are scaled: one scale for the whole layer, or each tile by its own max |w|. */
export type ScaleMode = 'shared' | 'tile';

/**
 * The grid for `units` tiles of tileW x tileH weights in `cols` columns.
 * @param zoom buffer pixels per weight (1 on screen, where CSS enlarges; more for export)
 */
export function tileLayout(units: number, tileW: number, tileH: number, cols: number, zoom = 1, gap = 1): TileLayout {
  const c = Math.max(1, Math.min(units, Math.floor(cols)));
  const rows = Math.ceil(units / c);
  return {
    units,
    cols: c,
    rows,
    tileW,
    tileH,
    zoom,
    gap,
    width: c * (tileW * zoom + gap) + gap,
    height: rows * (tileH * zoom + gap) + gap,
  };
}

/** Top-left buffer pixel of a unit's tile. */
export function tileOrigin(layout: TileLayout, unit: number): { x: number; y: number } {
  const col = unit % layout.cols;
  const row = Math.floor(unit / layout.cols);
  return {
    x: layout.gap + col * (layout.tileW * layout.zoom + layout.gap),
    y: layout.gap + row * (layout.tileH * layout.zoom + layout.gap),
  };
}

/** The unit whose tile covers buffer pixel (x, y), or null (a gap, or past the last unit). */
export function tileAt(layout: TileLayout, x: number, y: number): number | null {
  const pitchX = layout.tileW * layout.zoom + layout.gap;
  const pitchY = layout.tileH * layout.zoom + layout.gap;
  const col = Math.floor((x - layout.gap) / pitchX);
  const row = Math.floor((y - layout.gap) / pitchY);
  if (col < 0 || row < 0 || col >= layout.cols || row >= layout.rows) return null;
  if (x - layout.gap - col * pitchX >= layout.tileW * layout.zoom) return null;
  if (y - layout.gap - row * pitchY >= layout.tileH * layout.zoom) return null;
  const unit = row * layout.cols + col;
  return unit < layout.units ? unit : null;
}

/**
 * Largest |w| of each unit's incoming weights (NaN is skipped), over the inputs the mask keeps.
 * @param mask [in] 0 to leave an input out, or null @returns [out]
 */
export function unitScales(m: WeightMatrix, mask: Uint8Array | null = null): Float32Array {
  const scales = new Float32Array(m.out);
  const { weight, out } = m;
  for (let i = 0; i < m.in; i++) {
    if (mask && mask[i] === 0) continue;
    const row = i * out;
    for (let j = 0; j < out; j++) {
      const a = Math.abs(weight[row + j]);
      if (a > scales[j]) scales[j] = a;
    }
  }
  return scales;
}

/** Largest |w| of a whole matrix (0 when empty or all NaN). @param weight [any] */
export function maxAbs(weight: Float32Array): number {
  let m = 0;
  for (let i = 0; i < weight.length; i++) {
    const a = Math.abs(weight[i]);
    if (a > m) m = a;
  }
  return m;
}

/** Smallest and largest incoming weight of one unit (tile). */
export function unitRange(m: WeightMatrix, unit: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < m.in; i++) {
    const v = m.weight[i * m.out + unit];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** One unit's incoming weights as an image. @returns [in], the unit's column of the matrix */
export function unitWeights(m: WeightMatrix, unit: number): Float32Array {
  const w = new Float32Array(m.in);
  for (let i = 0; i < m.in; i++) w[i] = m.weight[i * m.out + unit];
  return w;
}

/** A unit's outgoing weights to every unit of the next layer. @returns [next.out], the unit's row */
export function outgoingWeights(next: WeightMatrix, unit: number): Float32Array {
  return next.weight.slice(unit * next.out, (unit + 1) * next.out);
}

function words(buffer: Uint8ClampedArray): Uint32Array {
  // NOTE: one 32-bit write per pixel; the LUT is viewed the same way, so byte order does not matter.
  return new Uint32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength >> 2);
}

const NAN_WORD = words(new Uint8ClampedArray([...NAN_COLOR, 255]))[0];

/** How to draw the grid's tiles. */
export interface TileOptions {
  mode: ScaleMode;
  /** The shared scale (±scale is the ends of the colour bar); robustScale of the weights by default. */
  scale?: number;
  /** [in] 0 where the data never has ink: such weights get no gradient and are drawn as UNUSED. */
  mask?: Uint8Array | null;
}

/** Colour of masked-out pixels: a faint grey, mostly transparent so the page shows through. */
export const UNUSED_COLOR = [128, 128, 128, 40] as const;

const UNUSED_WORD = words(new Uint8ClampedArray(UNUSED_COLOR))[0];

/**
 * The |w| below which a fraction q of the weights lie (approximated on 2048 bins, over an evenly
 * strided sample of at most 65,536 weights): a colour scale that a handful of outliers cannot
 * wash out. 0 for all-zero weights.
 * @param weight [any]
 */
export function robustScale(weight: Float32Array, q = 0.995): number {
  const stride = Math.max(1, Math.ceil(weight.length / 65536));
  let max = 0;
  for (let i = 0; i < weight.length; i += stride) {
    const v = weight[i];
    const a = v < 0 ? -v : v;
    if (a > max && a !== Infinity) max = a;
  }
  if (!(max > 0)) return 0;
  const bins = 2048;
  const counts = new Uint32Array(bins);
  const k = bins / max;
  let n = 0;
  for (let i = 0; i < weight.length; i += stride) {
    const v = weight[i];
    if (v - v !== 0) continue; // NaN or ±Infinity
    const b = ((v < 0 ? -v : v) * k) | 0;
    counts[b < bins ? b : bins - 1]++;
    n++;
  }
  const want = q * n;
  let seen = 0;
  for (let b = 0; b < bins; b++) {
    seen += counts[b];
    if (seen >= want) return ((b + 1) / bins) * max;
  }
  return max;
}

/**
 * Draw the first layer as a grid: tile j shows unit j's incoming weights in the input image's
 * shape, coloured on ±scale (shared by the layer, or each tile's own max |w|), clamped beyond.
 * Gaps are left transparent.
 * @param m [tileW * tileH, units] with units = layout.units
 * @param target a buffer of layout.width x layout.height pixels
 */
export function renderTiles(m: WeightMatrix, layout: TileLayout, target: PixelBuffer, options: TileOptions): void {
  if (target.width !== layout.width || target.height !== layout.height) {
    throw new Error(`the buffer is ${target.width}x${target.height}, the grid needs ${layout.width}x${layout.height}`);
  }
  if (m.in !== layout.tileW * layout.tileH || m.out < layout.units) {
    throw new Error(`a [${m.in}, ${m.out}] matrix does not fit ${layout.units} tiles of ${layout.tileW}x${layout.tileH}`);
  }
  const px = words(target.data);
  px.fill(0);
  const colors = words(lut());
  const half = (LUT_SIZE - 1) / 2;
  const inv = new Float32Array(layout.units);
  const mask = options.mask ?? null;
  if (options.mode === 'tile') {
    const scales = unitScales(m, mask);
    for (let j = 0; j < layout.units; j++) inv[j] = scales[j] > 0 ? half / scales[j] : 0;
  } else {
    const s = options.scale ?? robustScale(m.weight);
    inv.fill(s > 0 ? half / s : 0);
  }
  const { weight, out } = m;
  const { tileW, tileH, zoom, width } = layout;
  for (let j = 0; j < layout.units; j++) {
    const o = tileOrigin(layout, j);
    const k = inv[j];
    for (let r = 0; r < tileH; r++) {
      for (let c = 0; c < tileW; c++) {
        const i = r * tileW + c;
        const v = weight[i * out + j];
        let color: number;
        if (mask && mask[i] === 0) color = UNUSED_WORD;
        else if (v !== v) color = NAN_WORD;
        else {
          // index = (clamp(v / scale) + 1) · half, rounded
          let t = v * k;
          t = t > half ? half : t < -half ? -half : t;
          color = colors[Math.round(t + half)];
        }
        const top = (o.y + r * zoom) * width + o.x + c * zoom;
        for (let dy = 0; dy < zoom; dy++) {
          const line = top + dy * width;
          for (let dx = 0; dx < zoom; dx++) px[line + dx] = color;
        }
      }
    }
  }
}

/**
 * Pixels that carry ink in at least one class's mean image (1) or never do (0).
 * @param meanImages [classes * pixels] bytes @returns [pixels]
 */
export function inkMask(meanImages: Uint8Array, pixels: number): Uint8Array {
  const mask = new Uint8Array(pixels);
  for (let i = 0; i < meanImages.length; i++) if (meanImages[i] > 0) mask[i % pixels] = 1;
  return mask;
}

/**
 * Draw a weight matrix as a heatmap, one pixel per weight: row j is unit j of the layer (its
 * incoming weights from left to right), coloured on ±scale (the matrix's max |w| by default).
 * @param target a buffer of in x out pixels
 */
export function renderMatrix(m: WeightMatrix, target: PixelBuffer, scale = maxAbs(m.weight)): void {
  if (target.width !== m.in || target.height !== m.out) {
    throw new Error(`the buffer is ${target.width}x${target.height}, the matrix needs ${m.in}x${m.out}`);
  }
  const px = words(target.data);
  const colors = words(lut());
  const half = (LUT_SIZE - 1) / 2;
  const k = scale > 0 ? half / scale : 0;
  for (let i = 0; i < m.in; i++) {
    for (let j = 0; j < m.out; j++) {
      const v = m.weight[i * m.out + j];
      let t = v * k;
      t = t > half ? half : t < -half ? -half : t;
      px[j * m.in + i] = v !== v ? NAN_WORD : colors[Math.round(t + half)];
    }
  }
}

/** A histogram of values over [lo, hi] in equal bins. */
export interface Histogram {
  lo: number;
  hi: number;
  /** [bins] */
  counts: Uint32Array;
}

/**
 * Histogram of the finite values, over a range symmetric about 0 (±max |v|) so that 0 is a bin edge
 * in the middle when `bins` is even.
 * @param values [any]
 */
export function histogram(values: Float32Array, bins: number): Histogram {
  const counts = new Uint32Array(bins);
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const a = v < 0 ? -v : v;
    if (a > m && a !== Infinity) m = a;
  }
  const hi = m > 0 ? m : 1;
  const lo = -hi;
  const k = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) continue; // NaN or ±Infinity
    // NOTE: v ≥ lo, so truncation is floor
    const b = ((v - lo) * k) | 0;
    counts[b < bins ? b : bins - 1]++;
  }
  return { lo, hi, counts };
}

/** Number of columns of tiles that fit into `widthPx` CSS pixels when each buffer pixel is shown `zoom` CSS pixels wide. */
export function fitColumns(widthPx: number, tileW: number, zoom: number, units: number): number {
  const pitch = (tileW + 1) * zoom;
  return Math.max(1, Math.min(units, Math.floor((widthPx - zoom) / pitch)));
}

/**
 * The shape [rows, cols] to draw one unit's incoming weights in: the model's input image shape
 * when it has one, else the nearest square, else a single row.
 * @param inputShape the architecture's input.shape, if known
 */
export function tileShape(inputs: number, inputShape?: number[]): [number, number] {
  if (inputShape?.length === 2 && inputShape[0] * inputShape[1] === inputs) return [inputShape[0], inputShape[1]];
  const side = Math.round(Math.sqrt(inputs));
  return side * side === inputs ? [side, side] : [1, inputs];
}

/** Composite a buffer onto an opaque background colour in place (for export: no transparent gaps). */
export function flatten(target: PixelBuffer, background: readonly [number, number, number]): void {
  const d = target.data;
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3] / 255;
    if (a === 1) continue;
    d[i] = d[i] * a + background[0] * (1 - a);
    d[i + 1] = d[i + 1] * a + background[1] * (1 - a);
    d[i + 2] = d[i + 2] * a + background[2] * (1 - a);
    d[i + 3] = 255;
  }
}

/** Columns for an export of `units` tiles: about as wide as tall. */
export function squareColumns(units: number, tileW: number, tileH: number): number {
  return Math.max(1, Math.ceil(Math.sqrt((units * tileH) / tileW)));
}

/**
 * The largest zoom (CSS pixels per weight, 1..maxZoom in halves) at which all tiles fit into widthPx x heightPx.
 * When none does the grid scrolls, at scrollZoom: tiles smaller than that would only be harder to read.
 * NOTE: halves, not whole numbers only: 128 tiles at 1280x800 fit at 1.5 (43-px tiles) but not at 2,
 * and at 1 (28 px, strokes hard to see) they filled two-fifths of the space there was.
 */
export function fitZoom(units: number, tileW: number, tileH: number, widthPx: number, heightPx: number, maxZoom = 8, scrollZoom = 2): number {
  for (let z = maxZoom; z >= 1; z -= 0.5) {
    const cols = fitColumns(widthPx, tileW, z, units);
    if (tileLayout(units, tileW, tileH, cols).height * z <= heightPx && (tileW + 1) * z + z <= widthPx) return z;
  }
  return scrollZoom;
}
