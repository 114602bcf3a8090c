import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { EngineEvent, TrainConfig } from '../../../src-engine/protocol';
import { EngineService } from '../../../src-engine/service/engine-service';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { alphaToInk, centerOfMass, inkBounds, preprocessDigit, type InkImage } from '../../../src-renderer/lib/digit-preprocess';

const FIXTURE = { kind: 'idx', dir: 'test/fixtures/mnist-500' } as const;
const fixture = loadDataset(FIXTURE);
const test = fixture.test!;

/** A digit of the fixture's test set. @returns [784] */
function digit(i: number): Uint8Array {
  return test.images.slice(i * 784, (i + 1) * 784);
}

/** Strokes of round pen `radius` through points, anti-aliased by 4x4 supersampling, as a pad would draw them. */
function strokes(width: number, height: number, lines: [number, number][][], radius: number): InkImage {
  const data = new Uint8Array(width * height);
  const segs = lines.flatMap((l) => l.slice(1).map((p, i) => [l[i], p] as const));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const px = x + (sx + 0.5) / 4;
          const py = y + (sy + 0.5) / 4;
          const inside = segs.some(([[ax, ay], [bx, by]]) => {
            const dx = bx - ax;
            const dy = by - ay;
            const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
            return (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2 <= radius * radius;
          });
          if (inside) hits++;
        }
      }
      data[y * width + x] = Math.round((hits / 16) * 255);
    }
  }
  return { width, height, data };
}

/** Enlarge a 28x28 image k times, each pixel a k x k block. */
function enlarge(pixels: Uint8Array, k: number): InkImage & { data: Uint8Array } {
  const size = 28 * k;
  const data = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = pixels[Math.floor(y / k) * 28 + Math.floor(x / k)];
  return { width: size, height: size, data };
}

/** The digit 10x larger in the top-left corner of a 400x400 pad: where it is drawn must not matter. */
function onPad(pixels: Uint8Array): InkImage {
  const big = enlarge(pixels, 10);
  const b = inkBounds(big)!;
  const data = new Uint8Array(400 * 400);
  for (let y = 0; y < b.height; y++) data.set(big.data.subarray((b.y + y) * 280 + b.x, (b.y + y) * 280 + b.x + b.width), (y + 3) * 400 + 5);
  return { width: 400, height: 400, data };
}

const meanAbs = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

describe('digit preprocessing (MNIST recipe)', () => {
  const drawings: [string, InkImage][] = [
    ['a vertical stroke off to the left', strokes(280, 280, [[[60, 40], [64, 250]]], 11)],
    ['a 7 in the top-right corner', strokes(280, 280, [[[150, 20], [260, 20], [190, 140]]], 9)],
    ['a small 0 at the bottom', strokes(280, 280, [[[120, 200], [150, 190], [165, 230], [140, 265], [112, 240], [120, 200]]], 7)],
    ['a wide flat dash', strokes(280, 280, [[[20, 140], [260, 150]]], 10)],
    ['a 4 drawn thick', strokes(280, 280, [[[90, 30], [60, 160], [200, 160]], [[170, 60], [170, 260]]], 14)],
  ];

  for (const [name, img] of drawings) {
    it(`centres ${name}: centre of mass within half a pixel of (14, 14), all ink inside a 20x20 box`, () => {
      const out = preprocessDigit(img)!;
      expect(out.pixels).toHaveLength(784);
      const com = centerOfMass(out.pixels, 28, 28)!;
      expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
      const ink = inkBounds({ width: 28, height: 28, data: out.pixels })!;
      expect(Math.max(ink.width, ink.height)).toBeLessThanOrEqual(20);
      expect(Math.max(ink.width, ink.height)).toBeGreaterThanOrEqual(19);
      // the ink lies inside the reported box, which is inside the image
      expect(ink.x).toBeGreaterThanOrEqual(out.box.x);
      expect(ink.y).toBeGreaterThanOrEqual(out.box.y);
      expect(ink.x + ink.width).toBeLessThanOrEqual(out.box.x + out.box.width);
      expect(ink.y + ink.height).toBeLessThanOrEqual(out.box.y + out.box.height);
      expect(out.box.x + out.box.width).toBeLessThanOrEqual(28);
      expect(out.box.y + out.box.height).toBeLessThanOrEqual(28);
    });
  }

  it('keeps the aspect ratio: a tall stroke stays tall and thin, anti-aliased (grey edges, not just 0 and 255)', () => {
    const out = preprocessDigit(strokes(280, 280, [[[140, 30], [140, 250]]], 12))!;
    const ink = inkBounds({ width: 28, height: 28, data: out.pixels })!;
    expect(ink.height).toBe(20);
    expect(ink.width).toBeLessThanOrEqual(4);
    const greys = out.pixels.filter((v) => v > 0 && v < 255).length;
    expect(greys).toBeGreaterThan(10);
  });

  it('averages areas when shrinking: a fine checkerboard becomes even grey, not aliased stripes', () => {
    const size = 200;
    const data = new Uint8Array(size * size).map((_, i) => ((i % size) + Math.floor(i / size)) % 2 ? 255 : 0);
    const out = preprocessDigit({ width: size, height: size, data })!;
    const inner = out.pixels.filter((v) => v > 0);
    expect(inner.length).toBe(400);
    for (const v of inner) expect(Math.abs(v - 127.5)).toBeLessThanOrEqual(1);
  });

  it('leaves an MNIST test digit as it was (their box is already 20 px and centred the same way)', () => {
    let unchanged = 0;
    for (let i = 0; i < test.count; i++) {
      const original = digit(i);
      const out = preprocessDigit({ width: 28, height: 28, data: original })!;
      if (meanAbs(out.pixels, original) === 0) unchanged++;
    }
    expect(unchanged).toBe(test.count);
  });

  it('recovers MNIST test digits drawn 10x larger, anywhere on a pad', () => {
    for (let i = 0; i < test.count; i++) expect(meanAbs(preprocessDigit(onPad(digit(i)))!.pixels, digit(i))).toBeLessThan(1);
  });

  it("does not change the engine's answer for MNIST test digits that went through it at pad size", () => {
    const events: EngineEvent[] = [];
    const queue: (() => void)[] = [];
    let t = 0;
    const service = new EngineService({
      loadDataset: () => fixture,
      clock: () => (t += 1),
      now: () => '2026-01-01T00:00:00.000Z',
      defer: (fn) => queue.push(fn),
      emit: (e) => events.push(e),
      appVersion: 'test',
    });
    const config: TrainConfig = { ...DEFAULT_CONFIG, dataset: FIXTURE, hidden: [32], epochs: 5, batch: 32, lr: 0.1, schedule: 'constant' };
    service.handle('train:start', { config });
    while (queue.length) queue.shift()!();
    expect(events.some((e) => e.type === 'done' && e.state === 'done')).toBe(true);
    const answer = (pixels: Uint8Array) => {
      const p = service.handle('model:predict', { pixels, saliency: false }).probabilities;
      return p.indexOf(Math.max(...p));
    };
    for (let i = 0; i < test.count; i++) expect(answer(preprocessDigit(onPad(digit(i)))!.pixels)).toBe(answer(digit(i)));
  });

  it('gives null for an empty drawing and reads ink from the alpha channel', () => {
    expect(preprocessDigit({ width: 10, height: 10, data: new Uint8Array(100) })).toBeNull();
    expect(Array.from(alphaToInk([9, 9, 9, 0, 9, 9, 9, 200]))).toEqual([0, 200]);
    expect(() => preprocessDigit({ width: 10, height: 10, data: new Uint8Array(99) })).toThrow('an 10x10 image needs 100 values, got 99');
  });
});
