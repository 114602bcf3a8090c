/**
 * Augmentation: the same distortion for a seed whatever the batching and the thread count, labels
 * kept, and a distorted digit still a plausible digit (its ink and centre stay close).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AUGMENT_LIMITS, Augmenter, augmentProblems, DEFAULT_AUGMENT, type AugmentSettings } from '../../../src-engine/data/augment';
import { Batcher, sequentialOrder } from '../../../src-engine/data/batcher';
import { useBackend } from '../../../src-engine/node/backend';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { prepareData, Trainer } from '../../../src-engine/train/trainer';

const fixture = loadDataset({ kind: 'idx', dir: 'test/fixtures/mnist-500' });
const ds = fixture.train;
const P = 784;
const affine: AugmentSettings = { ...DEFAULT_AUGMENT, kind: 'affine' };
const elastic: AugmentSettings = { ...DEFAULT_AUGMENT, kind: 'elastic' };

function image(i: number): Uint8Array {
  return ds.images.subarray(i * P, (i + 1) * P);
}

function distorted(settings: AugmentSettings, seed: number, epoch: number, index: number): Uint8Array {
  const out = new Uint8Array(P);
  new Augmenter(settings, 28, 28, seed).apply(image(index), out, epoch, index);
  return out;
}

/** Total ink and centre of mass (x, y) of a 28x28 image. */
function ink(img: Uint8Array): { mass: number; cx: number; cy: number } {
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = img[y * 28 + x];
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  return { mass, cx: cx / mass, cy: cy / mass };
}

describe('augmentation', () => {
  it('is deterministic for (seed, epoch, index), and differs across epochs and seeds', () => {
    for (const s of [affine, elastic]) {
      const a = distorted(s, 1, 3, 7);
      expect(distorted(s, 1, 3, 7)).toEqual(a);
      expect(distorted(s, 1, 4, 7)).not.toEqual(a);
      expect(distorted(s, 2, 3, 7)).not.toEqual(a);
      expect(a).not.toEqual(image(7));
    }
  });

  it('a batch holds the same distortions whatever the batch size or the order of the images', () => {
    const order = sequentialOrder(64);
    const big = new Batcher(ds, 1 / 255, 64);
    big.augmenter = new Augmenter(elastic, 28, 28, 5);
    big.epoch = 2;
    const whole = Float64Array.from(big.fill(order, 0, 64).x);
    const small = new Batcher(ds, 1 / 255, 16);
    small.augmenter = new Augmenter(elastic, 28, 28, 5);
    small.epoch = 2;
    for (let start = 0; start < 64; start += 16) {
      expect(Array.from(small.fill(order, start, 16).x)).toEqual(Array.from(whole.subarray(start * P, (start + 16) * P)));
    }
    const reversed = Uint32Array.from(order).reverse();
    const back = new Batcher(ds, 1 / 255, 64);
    back.augmenter = new Augmenter(elastic, 28, 28, 5);
    back.epoch = 2;
    const r = back.fill(reversed, 0, 64);
    expect(Array.from(r.x.subarray(0, P))).toEqual(Array.from(whole.subarray(63 * P, 64 * P)));
  });

  it('keeps every label', () => {
    const order = sequentialOrder(100);
    const b = new Batcher(ds, 1 / 255, 100);
    b.augmenter = new Augmenter(affine, 28, 28, 1);
    expect(Array.from(b.fill(order, 0, 100).labels)).toEqual(Array.from(ds.labels.subarray(0, 100)));
  });

  it('maps a digit to a plausible digit: ink within 50% and centre of mass within 5 pixels, 2 on average', () => {
    for (const s of [affine, elastic]) {
      let moved = 0;
      for (let i = 0; i < 200; i++) {
        const before = ink(image(i));
        const after = ink(distorted(s, 1, 0, i));
        const d = Math.hypot(after.cx - before.cx, after.cy - before.cy);
        expect(Math.abs(after.mass / before.mass - 1)).toBeLessThan(0.5);
        expect(d).toBeLessThan(5);
        moved += d / 200;
      }
      expect(moved).toBeLessThan(2);
    }
  });

  it('at zero strength is the identity', () => {
    const none: AugmentSettings = { kind: 'affine', shift: 0, rotation: 0, scale: 0, shear: 0, sigma: 4, alpha: 0 };
    expect(distorted(none, 1, 0, 3)).toEqual(image(3));
  });

  it('refuses settings beyond its limits with a sentence naming the setting', () => {
    expect(augmentProblems({ ...affine, kind: 'blur' })).toEqual(['augmentation must be none, affine or elastic (got "blur")']);
    expect(augmentProblems({ ...affine, rotation: 90 })).toEqual([`augmentation rotation must be a number from 0 to ${AUGMENT_LIMITS.rotation} (got 90)`]);
    expect(augmentProblems({ ...elastic, sigma: 0.1 })).toEqual(['elastic augmentation needs a σ of at least 0.5 pixels']);
    expect(() => new Augmenter({ ...affine, shift: -1 }, 28, 28, 1)).toThrow('augmentation shift must be a number from 0 to 8 (got -1)');
  });
});

describe('training with augmentation and dropout', () => {
  const config = (over: Partial<TrainConfig> = {}): TrainConfig => ({
    ...DEFAULT_CONFIG,
    dataset: { kind: 'idx', dir: 'test/fixtures/mnist-500' },
    hidden: [32],
    epochs: 2,
    batch: 50,
    augment: elastic,
    dropout: [0.3],
    ...over,
  });
  const run = (c: TrainConfig) => {
    const t = new Trainer(c, prepareData(c, fixture.train, fixture.test), () => 0);
    const losses: number[] = [];
    while (!t.finished) {
      const r = t.trainBatch();
      losses.push(r.loss);
      if (r.epochEnded) t.finishEpoch();
    }
    return { losses, weights: t.model.parameters().flatMap((p) => Array.from(p.tensor.data)) };
  };

  afterAll(() => useBackend(undefined, undefined));

  it('gives bit-identical runs with 1 and 2 kernel threads', async () => {
    await useBackend(undefined, 1);
    const one = run(config());
    await useBackend(undefined, 2);
    const two = run(config());
    expect(two.losses).toEqual(one.losses);
    expect(two.weights).toEqual(one.weights);
    expect(run(config({ augment: undefined, dropout: undefined })).losses).not.toEqual(one.losses);
  });
});
