import { describe, expect, it } from 'vitest';
import { pixelBuffer, renderDigit } from '../../../src-renderer/lib/digit-image';

const buffer = pixelBuffer;
const px = (b: { data: Uint8ClampedArray; width: number }, x: number, y: number) => Array.from(b.data.subarray((y * b.width + x) * 4, (y * b.width + x) * 4 + 4));

describe('digit images', () => {
  it('shows the input as MNIST does: white ink on black', () => {
    const pixels = new Uint8Array(4);
    pixels[1] = 255;
    pixels[2] = 100;
    const b = buffer(2, 2);
    renderDigit(pixels, b);
    expect([px(b, 0, 0), px(b, 1, 0), px(b, 0, 1)]).toEqual([[0, 0, 0, 255], [255, 255, 255, 255], [100, 100, 100, 255]]);
  });

  it('colours the saliency overlay red where ink raises the answer, blue where it lowers it, white where it does nothing', () => {
    const b = buffer(3, 1);
    renderDigit(new Uint8Array(3), b, Float64Array.of(0.02, -0.04, 0));
    const [r0, , b0] = px(b, 0, 0);
    const [r1, , b1] = px(b, 1, 0);
    expect(r0).toBeGreaterThan(b0);
    expect(b1).toBeGreaterThan(r1);
    expect(px(b, 2, 0)).toEqual([255, 255, 255, 255]);
    // ink shows through as darker strokes
    const inked = buffer(1, 1);
    renderDigit(Uint8Array.of(255), inked, Float64Array.of(0));
    expect(px(inked, 0, 0)[0]).toBeLessThan(130);
  });
});
