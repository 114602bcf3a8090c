/**
 * How the Step inside view draws a tensor of the tape, by what it is: the input as its image,
 * a hidden vector as a strip of colour cells, the network's outputs as labelled bars, the loss
 * as a number; and the pixels of a vector drawn on the diverging colormap.
 */
import { divergingColor } from './colormap';
import type { PixelBuffer } from './weight-tiles';

export type TensorForm = 'image' | 'strip' | 'bars' | 'scalar';

/**
 * @param opIndex the op's place on the tape @param layer its layer index (null: input or loss)
 * @param lastLayer index of the Sequential's last layer (the outputs)
 */
export function tensorForm(opIndex: number, shape: readonly number[], layer: number | null, lastLayer: number): TensorForm {
  if (shape.length === 0) return 'scalar';
  if (opIndex === 0) return 'image';
  return layer === lastLayer ? 'bars' : 'strip';
}

/** The largest |value| (0 for none), the scale of a diverging picture. */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m) m = a;
  }
  return m;
}

/**
 * Values on the diverging colormap (blue negative, white 0, red positive, ±scale), row-major in
 * a width × height picture; cells past the values stay transparent.
 * @param scale defaults to the largest |value|
 */
export function divergingPicture(values: ArrayLike<number>, width: number, height: number, scale = maxAbs(values)): PixelBuffer {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < Math.min(values.length, width * height); i++) {
    const [r, g, b] = divergingColor(scale > 0 ? values[i] / scale : 0);
    data.set([r, g, b, 255], i * 4);
  }
  return { data, width, height };
}

/** A number short enough for a cell: 4 significant digits, exponent for the very small or large. */
export function short(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
