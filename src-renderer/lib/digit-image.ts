/**
 * A digit drawn into an RGBA buffer as the network sees it (white ink on black, as MNIST),
 * optionally under its saliency map; also used for the class mean images.
 */
import { divergingColor } from './colormap';
import type { PixelBuffer } from './weight-tiles';

/** A w x h RGBA buffer. */
export function pixelBuffer(width: number, height: number): PixelBuffer {
  return { data: new Uint8ClampedArray(width * height * 4), width, height };
}

/**
 * Draw a w x h image of ink bytes. Without saliency: white ink on black. With saliency: the map
 * on the diverging colormap (red: more ink here raises the answer's logit, blue: lowers it, white:
 * no effect; scaled to its largest |value|), with the ink laid over it as dark strokes.
 * @param pixels [h * w] bytes @param saliency [h * w] or null @param target w x h pixels
 */
export function renderDigit(pixels: Uint8Array, target: PixelBuffer, saliency: Float64Array | null = null): void {
  const n = target.width * target.height;
  if (pixels.length !== n || (saliency && saliency.length !== n)) {
    throw new Error(`a ${target.width}x${target.height} buffer needs ${n} pixels`);
  }
  const out = target.data;
  let scale = 0;
  if (saliency) for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(saliency[i]));
  for (let i = 0; i < n; i++) {
    const ink = pixels[i];
    if (!saliency) {
      out.set([ink, ink, ink, 255], i * 4);
      continue;
    }
    const [r, g, b] = divergingColor(scale > 0 ? saliency[i] / scale : 0);
    // NOTE: ink darkens the heatmap to at most 55% so that the map stays readable under strokes.
    const keep = 1 - 0.55 * (ink / 255);
    out.set([r * keep, g * keep, b * keep, 255], i * 4);
  }
}
