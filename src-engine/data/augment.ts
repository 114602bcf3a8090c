/**
 * Data augmentation: each training image is distorted afresh every epoch, so the network never
 * sees the same digit twice (Simard, Steinkraus & Platt 2003; Cireşan et al. 2010).
 *
 * - affine: a random shift, rotation, scale and shear about the image centre;
 * - elastic: the affine one, then Simard's elastic distortion: a random displacement field,
 *   uniform in [-1, 1] per pixel, smoothed by a Gaussian of width σ and scaled by α.
 *
 * Each output pixel is read from the source with bilinear interpolation at the inverse-mapped
 * position (zero outside the image). NOTE: the random draws of image `index` in `epoch` come from
 * an RNG keyed by (seed, epoch, index) alone, so a distortion does not depend on the batch size,
 * the order of the batches, a resume or the number of threads.
 */
import { keyedSeed, Random } from '../random';

export type AugmentKind = 'none' | 'affine' | 'elastic';
export const AUGMENT_KINDS: readonly AugmentKind[] = ['none', 'affine', 'elastic'];

/** How hard to distort. Each strength is the largest draw; draws are uniform up to it. */
export interface AugmentSettings {
  kind: AugmentKind;
  /** Shift up to ± this many pixels, in x and y independently. */
  shift: number;
  /** Rotate up to ± this many degrees. */
  rotation: number;
  /** Scale by 1 ± this fraction, in x and y independently. */
  scale: number;
  /** Shear up to ± this many degrees. */
  shear: number;
  /** Elastic: the smoothing Gaussian's σ in pixels (Simard: 4). */
  sigma: number;
  /** Elastic: the displacement field's scale α in pixels (Simard: 34). */
  alpha: number;
}

/** Moderate strengths that keep digits legible (used when only a kind is chosen). */
export const DEFAULT_AUGMENT: AugmentSettings = { kind: 'none', shift: 2, rotation: 10, scale: 0.1, shear: 10, sigma: 4, alpha: 34 };

/** Limits the form, the CLI and a model file are checked against: beyond them a digit is no longer a digit. */
export const AUGMENT_LIMITS = { shift: 8, rotation: 45, scale: 0.5, shear: 45, sigma: 10, alpha: 100 } as const;

/** Problems with augmentation settings, each a sentence a learner can act on; empty when sound. */
export function augmentProblems(a: unknown): string[] {
  if (typeof a !== 'object' || a === null) return ['augmentation must be an object with a kind (none, affine or elastic)'];
  const s = a as Record<string, unknown>;
  const p: string[] = [];
  if (!AUGMENT_KINDS.includes(s.kind as AugmentKind)) p.push(`augmentation must be none, affine or elastic (got ${JSON.stringify(s.kind) ?? 'nothing'})`);
  for (const [key, max] of Object.entries(AUGMENT_LIMITS)) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) p.push(`augmentation ${key} must be a number from 0 to ${max} (got ${JSON.stringify(v) ?? 'nothing'})`);
  }
  const unknown = Object.keys(s).filter((k) => k !== 'kind' && !(k in AUGMENT_LIMITS));
  if (unknown.length) p.push(`augmentation has no setting "${unknown[0]}" (it has kind, ${Object.keys(AUGMENT_LIMITS).join(', ')})`);
  if (s.kind === 'elastic' && typeof s.sigma === 'number' && s.sigma < 0.5) p.push('elastic augmentation needs a σ of at least 0.5 pixels');
  return p;
}

/**
 * Distorts images of one size. Holds its scratch buffers (the displacement fields and the
 * inverse map), so distorting an epoch allocates nothing.
 */
export class Augmenter {
  private readonly random = new Random(0);
  /** Per output pixel, the source position to read (x, y), or NaN to leave the pixel black. */
  private readonly mapX: Float64Array;
  private readonly mapY: Float64Array;
  /** Elastic: the field is drawn on a grid `step` pixels apart (the Gaussian leaves nothing finer). */
  private readonly step: number;
  private readonly gridW: number;
  private readonly gridH: number;
  private readonly pad: number;
  private readonly kernel: Float64Array;
  private readonly noise: Float64Array;
  private readonly smoothed: Float64Array;
  private readonly fieldX: Float64Array;
  private readonly fieldY: Float64Array;
  /** The fields interpolated along x: [gridH, cols]. */
  private readonly rowsX: Float64Array;
  private readonly rowsY: Float64Array;

  /**
   * @param rows image height @param cols image width
   * @param seed the run's seed; with the epoch and the image's index it keys each distortion
   */
  constructor(
    readonly settings: AugmentSettings,
    readonly rows: number,
    readonly cols: number,
    readonly seed: number,
  ) {
    const problems = augmentProblems(settings);
    if (problems.length) throw new Error(problems[0]);
    const n = rows * cols;
    this.mapX = new Float64Array(n);
    this.mapY = new Float64Array(n);
    // NOTE: smoothing white noise with a Gaussian of σ pixels keeps no detail finer than about σ
    // (at a grid σ apart, what passes at the grid's Nyquist frequency is exp(−π²/2) < 1%), so the
    // field is drawn on a grid up to σ pixels apart and interpolated: ~1/step² of the work.
    this.step = Math.max(1, Math.floor(settings.sigma));
    const sigmaGrid = settings.sigma / this.step;
    const radius = Math.max(1, Math.ceil(3 * sigmaGrid));
    this.kernel = new Float64Array(2 * radius + 1);
    let sum = 0;
    for (let i = -radius; i <= radius; i++) sum += this.kernel[i + radius] = Math.exp((-i * i) / (2 * sigmaGrid * sigmaGrid));
    for (let i = 0; i < this.kernel.length; i++) this.kernel[i] /= sum;
    this.pad = radius;
    this.gridW = Math.ceil((cols - 1) / this.step) + 2;
    this.gridH = Math.ceil((rows - 1) / this.step) + 2;
    const padded = (this.gridW + 2 * radius) * (this.gridH + 2 * radius);
    this.noise = new Float64Array(padded);
    this.smoothed = new Float64Array(this.gridH * (this.gridW + 2 * radius));
    this.fieldX = new Float64Array(this.gridW * this.gridH);
    this.fieldY = new Float64Array(this.gridW * this.gridH);
    this.rowsX = new Float64Array(this.gridH * cols);
    this.rowsY = new Float64Array(this.gridH * cols);
  }

  /**
   * Write a distorted copy of one image.
   * @param src [rows·cols] bytes of the image @param dst [rows·cols] bytes to write
   * @param epoch 0-based epoch @param index the image's index in its dataset
   */
  apply(src: Uint8Array, dst: Uint8Array, epoch: number, index: number): void {
    this.random.seed(keyedSeed(this.seed, epoch, index));
    this.buildMap();
    this.sample(src, dst);
  }

  /** Draw this image's distortion and fill the inverse map: output pixel -> source position. */
  private buildMap(): void {
    const { rows, cols, settings: s, random } = this;
    const u = () => 2 * random.next() - 1;
    const deg = Math.PI / 180;
    // Forward map about the centre: p' = R(θ)·Shear(φ)·diag(sx, sy)·p + t; we need its inverse.
    const theta = u() * s.rotation * deg;
    const phi = u() * s.shear * deg;
    const sx = 1 + u() * s.scale;
    const sy = 1 + u() * s.scale;
    const tx = u() * s.shift;
    const ty = u() * s.shift;
    const c = Math.cos(theta);
    const sn = Math.sin(theta);
    const k = Math.tan(phi);
    // M = R·[[1, k], [0, 1]]·diag(sx, sy) = [[c·sx, (c·k − sn)·sy], [sn·sx, (sn·k + c)·sy]]
    const m00 = c * sx;
    const m01 = (c * k - sn) * sy;
    const m10 = sn * sx;
    const m11 = (sn * k + c) * sy;
    const det = m00 * m11 - m01 * m10;
    const i00 = m11 / det;
    const i01 = -m01 / det;
    const i10 = -m10 / det;
    const i11 = m00 / det;
    const cx = (cols - 1) / 2;
    const cy = (rows - 1) / 2;
    const elastic = s.kind === 'elastic' && s.alpha > 0;
    if (elastic) this.drawField();
    const { mapX, mapY } = this;
    if (elastic) this.upsampleField();
    for (let y = 0, i = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++, i++) {
        // the elastic displacement (upsampled into mapX, mapY), then the inverse affine map
        const dx = (elastic ? x + mapX[i] : x) - cx - tx;
        const dy = (elastic ? y + mapY[i] : y) - cy - ty;
        mapX[i] = i00 * dx + i01 * dy + cx;
        mapY[i] = i10 * dx + i11 * dy + cy;
      }
    }
  }

  /** The coarse fields, bilinearly interpolated to every pixel (along x, then along y) into mapX, mapY. */
  private upsampleField(): void {
    const { rows, cols, step, gridW, gridH, fieldX, fieldY, mapX, mapY, rowsX, rowsY } = this;
    for (let gy = 0; gy < gridH; gy++) {
      for (let x = 0; x < cols; x++) {
        const x0 = Math.floor(x / step);
        const fx = x / step - x0;
        const o = gy * gridW + x0;
        rowsX[gy * cols + x] = (1 - fx) * fieldX[o] + fx * fieldX[o + 1];
        rowsY[gy * cols + x] = (1 - fx) * fieldY[o] + fx * fieldY[o + 1];
      }
    }
    for (let y = 0; y < rows; y++) {
      const y0 = Math.floor(y / step);
      const fy = y / step - y0;
      const a = y0 * cols;
      const b = a + cols;
      for (let x = 0; x < cols; x++) {
        mapX[y * cols + x] = (1 - fy) * rowsX[a + x] + fy * rowsX[b + x];
        mapY[y * cols + x] = (1 - fy) * rowsY[a + x] + fy * rowsY[b + x];
      }
    }
  }

  /** Simard's displacement fields on the coarse grid: uniform noise, Gaussian-smoothed (separable), times α. */
  private drawField(): void {
    const { gridW, gridH, pad, kernel, noise, smoothed, random } = this;
    const pw = gridW + 2 * pad;
    // NOTE: on a grid `step` apart the smoothed noise is `step` times stronger than on the pixel
    // grid (fewer, coarser samples under the same Gaussian), so α is divided by it to match Simard's.
    const gain = this.settings.alpha / this.step;
    for (const field of [this.fieldX, this.fieldY]) {
      for (let i = 0; i < noise.length; i++) noise[i] = (random.nextUint32() / 2147483648 - 1) * gain;
      // rows of the padded noise, smoothed along y: [gridH, pw]
      for (let y = 0; y < gridH; y++) {
        for (let x = 0; x < pw; x++) {
          let acc = 0;
          for (let t = 0; t < kernel.length; t++) acc += kernel[t] * noise[(y + t) * pw + x];
          smoothed[y * pw + x] = acc;
        }
      }
      // then along x: [gridH, gridW]
      for (let y = 0; y < gridH; y++) {
        for (let x = 0; x < gridW; x++) {
          let acc = 0;
          for (let t = 0; t < kernel.length; t++) acc += kernel[t] * smoothed[y * pw + x + t];
          field[y * gridW + x] = acc;
        }
      }
    }
  }

  /** dst = src read at the inverse map, bilinearly, black outside the image; rounded to bytes. */
  private sample(src: Uint8Array, dst: Uint8Array): void {
    const { rows, cols, mapX, mapY } = this;
    for (let i = 0; i < rows * cols; i++) {
      const sx = mapX[i];
      const sy = mapY[i];
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= cols || y0 >= rows) {
        dst[i] = 0;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const inX0 = x0 >= 0;
      const inX1 = x0 + 1 < cols;
      const inY0 = y0 >= 0;
      const inY1 = y0 + 1 < rows;
      const o = y0 * cols + x0;
      const a = inY0 && inX0 ? src[o] : 0;
      const b = inY0 && inX1 ? src[o + 1] : 0;
      const c = inY1 && inX0 ? src[o + cols] : 0;
      const d = inY1 && inX1 ? src[o + cols + 1] : 0;
      const v = (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d);
      dst[i] = v + 0.5; // NOTE: Uint8Array assignment truncates; +0.5 rounds (v is in [0, 255])
    }
  }
}
