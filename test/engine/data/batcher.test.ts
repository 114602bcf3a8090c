import { afterEach, describe, expect, it, vi } from 'vitest';
import { Batcher, epochOrder, sequentialOrder } from '../../../src-engine/data/batcher';
import { placedBytes, setKernels } from '../../../src-engine/kernels/kernels';
import { jsKernels } from '../../../src-engine/kernels/js-kernels';
import { createThreadedWasmKernels } from '../../../src-engine/kernels/threads/threaded-kernels';
import { createWasmKernels } from '../../../src-engine/kernels/wasm/wasm-kernels';
import type { Dataset } from '../../../src-engine/data/dataset';
import { Random } from '../../../src-engine/random';

/** 5 images of 2x2; image i has pixels [i, 2i, 255, 0], label i. */
function ds5(): Dataset {
  const images = new Uint8Array(5 * 4);
  for (let i = 0; i < 5; i++) images.set([i, 2 * i, 255, 0], 4 * i);
  return { name: 'd', images, labels: Uint8Array.from([0, 1, 2, 3, 4]), count: 5, rows: 2, cols: 2, classes: ['0', '1', '2', '3', '4'] };
}

describe('Batcher', () => {
  it('fills normalised pixels and labels for the given indices', () => {
    const b = new Batcher(ds5(), 1 / 255, 2);
    const order = Uint32Array.from([4, 1, 3, 0, 2]);
    const batch = b.fill(order, 0, 2);
    expect(batch.n).toBe(2);
    expect([...batch.labels]).toEqual([4, 1]);
    expect([...batch.x]).toEqual([4 / 255, 8 / 255, 1, 0, 1 / 255, 2 / 255, 1, 0]);
  });

  it('reuses its buffers, and a short final batch is a view of them', () => {
    const b = new Batcher(ds5(), 0.5, 2);
    const order = sequentialOrder(5);
    const first = b.fill(order, 0, 2);
    const second = b.fill(order, 2, 2);
    expect(second.x).toBe(first.x);
    expect(second.labels).toBe(first.labels);
    expect([...first.x]).toEqual([1, 2, 127.5, 0, 1.5, 3, 127.5, 0]); // overwritten by the second fill
    const last = b.fill(order, 4, 1);
    expect(last.n).toBe(1);
    expect(last.x.length).toBe(4);
    expect(last.x.buffer).toBe(first.x.buffer);
    expect([...last.x]).toEqual([2, 4, 127.5, 0]);
    expect([...last.labels]).toEqual([4]);
  });

  it('refuses batches that do not fit', () => {
    const b = new Batcher(ds5(), 1, 2);
    expect(() => b.fill(sequentialOrder(5), 0, 3)).toThrow('batch of 3 does not fit batch size 2');
    expect(() => b.fill(sequentialOrder(5), 4, 2)).toThrow('batch [4, 6) is outside the 5 indices');
    expect(() => b.fill(Uint32Array.from([9]), 0, 1)).toThrow('image index 9 is outside the dataset (5 images)');
    expect(() => new Batcher(ds5(), 1, 0)).toThrow('batch size must be a positive integer, got 0');
  });
});

describe('Batcher with the wasm kernels', () => {
  afterEach(() => setKernels(jsKernels));

  /** 300 images of 28x28 with MNIST-like zero runs; label i % 10. */
  const digits = (): Dataset => {
    const images = new Uint8Array(300 * 784).map((_, i) => (i % 28 < 6 || i % 28 > 21 ? 0 : (i * 31) % 256));
    return { name: 'digits', images, labels: Uint8Array.from({ length: 300 }, (_, i) => i % 10), count: 300, rows: 28, cols: 28, classes: [...'0123456789'] };
  };

  /** Every batch of an epoch (x and labels copied), the last one short. */
  const epoch = (ds: Dataset): number[][] => {
    const b = new Batcher(ds, 1 / 255, 64);
    const order = epochOrder(ds.count, new Random(3));
    const out: number[][] = [];
    for (let start = 0; start < ds.count; start += 64) {
      const batch = b.fill(order, start, Math.min(64, ds.count - start));
      out.push([...batch.x], [...batch.labels]);
    }
    return out;
  };

  it('gathers the same batches as the TypeScript kernels, in wasm, on one thread and on two', async () => {
    const ds = digits();
    const expected = epoch(ds);
    // Spied before the backends are made, so that a fallback to the TypeScript twin would show.
    const twin = vi.spyOn(jsKernels, 'gatherScaled');
    const threaded = createThreadedWasmKernels({ threads: 2, minGather: 0, governor: { shouldSplit: () => true, record: () => undefined } })!;
    await threaded.ready();
    try {
      for (const k of [createWasmKernels()!, threaded]) {
        setKernels(k);
        const gather = vi.spyOn(k, 'gatherScaled');
        expect(epoch(ds), k.name).toEqual(expected);
        expect(gather, k.name).toHaveBeenCalledTimes(5);
      }
      expect(twin).not.toHaveBeenCalled();
    } finally {
      threaded.dispose();
      twin.mockRestore();
    }
  });

  it('copies a dataset into a backend\'s memory once, for each backend, and leaves it alone without one', () => {
    const ds = digits();
    expect(placedBytes(ds.images)).toBe(ds.images); // the TypeScript kernels read it where it is
    const [a, b] = [createWasmKernels()!, createWasmKernels()!];
    setKernels(a);
    const inA = placedBytes(ds.images);
    expect(inA).not.toBe(ds.images);
    expect(inA).toEqual(ds.images);
    expect(placedBytes(ds.images)).toBe(inA);
    setKernels(b); // another memory, another copy
    const inB = placedBytes(ds.images);
    expect(inB.buffer).not.toBe(inA.buffer);
    setKernels(a); // back: the first copy, not a third
    expect(placedBytes(ds.images)).toBe(inA);
  });

  it('places nothing for an augmented run (each image is distorted as it is copied)', () => {
    const a = createWasmKernels()!;
    setKernels(a);
    const ds = digits();
    const place = vi.spyOn(a, 'placeBytes');
    const batcher = new Batcher(ds, 1 / 255, 8);
    batcher.augmenter = { apply: (from: Uint8Array, to: Uint8Array) => to.set(from) } as unknown as Batcher['augmenter'];
    const batch = batcher.fill(sequentialOrder(300), 8, 8);
    expect(place).not.toHaveBeenCalled();
    const pixel = 8 * 784 + 6 * 28 + 10; // image 8, the batch's first
    expect(ds.images[pixel]).toBeGreaterThan(0);
    expect(batch.x[pixel - 8 * 784]).toBe(ds.images[pixel]! / 255);
  });

  it('still refuses an image outside the dataset, before it changes the batch', () => {
    setKernels(createWasmKernels()!);
    const b = new Batcher(ds5(), 1, 2);
    const first = b.fill(sequentialOrder(5), 0, 2);
    const before = [...first.x, ...first.labels];
    expect(() => b.fill(Uint32Array.from([3, 9]), 0, 2)).toThrow('image index 9 is outside the dataset (5 images)');
    expect([...first.x, ...first.labels]).toEqual(before);
  });
});

describe('epochOrder', () => {
  it('is a seeded permutation', () => {
    const a = epochOrder(1000, new Random(1));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...epochOrder(1000, new Random(1))]).toEqual([...a]);
    expect([...epochOrder(1000, new Random(2))]).not.toEqual([...a]);
    const reference = sequentialOrder(1000);
    new Random(1).shuffle(reference);
    expect([...reference]).toEqual([...a]);
  });
});
