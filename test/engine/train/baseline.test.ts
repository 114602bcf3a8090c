import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src-engine/data/dataset';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import { baselineAccuracy, baselinePredict, meanImageBytes, meanImages } from '../../../src-engine/train/baseline';

function set(images: number[][], labels: number[], classes = 3): Dataset {
  return {
    name: 's',
    images: Uint8Array.from(images.flat()),
    labels: Uint8Array.from(labels),
    count: labels.length,
    rows: 1,
    cols: images[0].length,
    classes: Array.from({ length: classes }, (_, i) => String(i)),
  };
}

describe('meanImages', () => {
  it('averages the images of each class; an empty class is NaN', () => {
    const ds = set([[0, 10], [2, 20], [100, 0], [255, 255]], [0, 0, 1, 0]);
    const m = meanImages(ds);
    expect([...m.subarray(0, 4)]).toEqual([257 / 3, 285 / 3, 100, 0]);
    expect(m.subarray(4).every(Number.isNaN)).toBe(true);
    expect([...meanImageBytes(m)]).toEqual([86, 95, 100, 0, 0, 0]);
  });
});

describe('baselinePredict / baselineAccuracy', () => {
  it('picks the nearest mean in Euclidean distance', () => {
    const train = set([[0, 0], [10, 0], [0, 100], [0, 90]], [0, 0, 1, 1], 2); // means [5, 0] and [0, 95]
    const means = meanImages(train);
    const test = set([[6, 1], [0, 60], [40, 40], [60, 60]], [0, 1, 0, 1], 2);
    // [40, 40]: d² to [5,0] = 35²+40² = 2825, to [0,95] = 40²+55² = 4625 -> 0
    // [60, 60]: 55²+60² = 6625 vs 60²+35² = 4825 -> 1
    expect([...baselinePredict(means, test)]).toEqual([0, 1, 0, 1]);
    expect(baselineAccuracy(means, test)).toBe(1);
    expect(baselineAccuracy(means, set([[6, 1], [6, 1]], [1, 0], 2))).toBe(0.5);
  });

  it('never picks a class without training images', () => {
    const means = meanImages(set([[200, 200], [0, 0]], [0, 2]));
    expect([...baselinePredict(means, set([[201, 201], [1, 1]], [0, 2]))]).toEqual([0, 2]);
  });

  it('skipping zero pixels picks exactly what the whole distance picks', () => {
    // random sparse images (some all zero) and a class without images
    let seed = 7;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const image = (): number[] => Array.from({ length: 16 }, () => (rand() < 0.7 ? 0 : Math.floor(rand() * 256)));
    const train = set(Array.from({ length: 40 }, image), Array.from({ length: 40 }, (_, i) => i % 3), 4);
    const test = set([...Array.from({ length: 60 }, image), new Array<number>(16).fill(0)], Array.from({ length: 61 }, () => 0), 4);
    const means = meanImages(train);
    const full = Array.from({ length: test.count }, (_, i) => {
      const x = test.images.subarray(i * 16, i * 16 + 16);
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < 4; c++) {
        let d = 0;
        for (let j = 0; j < 16; j++) d += (x[j] - means[c * 16 + j]) ** 2;
        if (d < bestD) [best, bestD] = [c, d];
      }
      return best;
    });
    expect([...baselinePredict(means, test)]).toEqual(full);
  });

  it('refuses means that do not fit the images', () => {
    expect(() => baselinePredict(new Float64Array(5), set([[1, 2]], [0]))).toThrow('mean images of 5 values do not fit 1x2 images');
  });

  it('gets about 82% on MNIST, well under a second', () => {
    const { train, test } = loadDataset({ kind: 'mnist' });
    const t = performance.now();
    const means = meanImages(train);
    const acc = baselineAccuracy(means, test as Dataset);
    const ms = performance.now() - t;
    expect(acc).toBeCloseTo(0.8203, 4); // measured: 8203 of 10000
    expect(acc).toBeGreaterThan(0.8);
    expect(acc).toBeLessThan(0.84);
    expect(ms).toBeLessThan(3000); // ~0.15 s measured; generous for a loaded CI machine
  });

  it('beats chance on the mnist-500 fixture', () => {
    const { train, test } = loadDataset({ kind: 'idx', dir: join(__dirname, '..', '..', 'fixtures', 'mnist-500') });
    const acc = baselineAccuracy(meanImages(train), test as Dataset);
    expect(acc).toBeGreaterThan(0.6);
  });
});
