import { describe, expect, it } from 'vitest';
import { Batcher, epochOrder, sequentialOrder } from '../../../src-engine/data/batcher';
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
