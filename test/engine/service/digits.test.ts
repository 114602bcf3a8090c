/** dataset:digits: the Build it view's training data, bytes straight from the bundled MNIST. */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import { EngineService } from '../../../src-engine/service/engine-service';

const service = new EngineService({ loadDataset, clock: () => 0, now: () => '2026-12-01T00:00:00.000Z', defer: () => {}, emit: () => {}, appVersion: 'test' });

describe('dataset:digits', () => {
  it('hands out a slice of MNIST as bytes, the same as the files hold', () => {
    const { train, test } = loadDataset({ kind: 'mnist' });
    const d = service.handle('dataset:digits', { split: 'train', start: 100, count: 3 });
    expect(d.count).toBe(3);
    expect(d.images).toEqual(train.images.slice(100 * 784, 103 * 784));
    expect(d.labels).toEqual(train.labels.slice(100, 103));
    expect(service.handle('dataset:digits', { split: 'test', start: 0, count: 10000 }).labels).toEqual(test!.labels);
  });

  it('refuses a slice past the end', () => {
    expect(() => service.handle('dataset:digits', { split: 'test', start: 9999, count: 2 })).toThrow('digits must lie within the 10000 images of the test set');
  });
});
