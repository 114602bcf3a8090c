import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { Autosaver } from '../../../src-main/library/autosave';
import { ModelApi } from '../../../src-main/library/model-api';
import { checkApiCall } from '../../../src-main/host/validate-api';
import { trainedModel, useTempStore } from './model-fixtures';

const lib = useTempStore();

const api = () =>
  new ModelApi({ store: lib.store, autosave: new Autosaver(lib.store), engine: { call: async () => ({}) as never }, platform: {}, checkDataset: () => {} });

describe('models:compare', () => {
  it('reads each run\'s history, settings and images per epoch from its file, in the order asked', async () => {
    const bytes = trainedModel();
    const c = decodeCheckpoint(bytes, 'x');
    lib.store.save('a', bytes);
    lib.store.save('b', bytes);
    const { runs } = await api().handle('models:compare', { names: ['b', 'a'] });
    expect(runs.map((r) => r.name)).toEqual(['b', 'a']);
    expect(runs[0].history).toEqual(c.history);
    expect(runs[0].config).toEqual(c.training!.config);
    expect(runs[0].trainImages).toBe(c.dataset!.train);
    expect(runs[0].architecture).toMatch(/^784-\d+-10 /);
  });

  it('refuses too few, too many, repeated or missing models with one clear message', async () => {
    lib.store.save('a', trainedModel());
    await expect(api().handle('models:compare', { names: ['a'] })).rejects.toThrow('Select 2 to 6 models to compare (got 1).');
    await expect(api().handle('models:compare', { names: ['a', 'a'] })).rejects.toThrow('Each model can be compared once.');
    await expect(api().handle('models:compare', { names: ['a', 'gone'] })).rejects.toThrow('gone');
    expect(() => checkApiCall('models:compare', { names: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] })).toThrow('Select 2 to 6 models to compare.');
    expect(() => checkApiCall('models:compare', { names: ['a', '../../x'] })).toThrow('cannot be a model name');
  });
});

describe('evaluation calls from the renderer', () => {
  it('are shape-checked before they reach the engine', () => {
    expect(() => checkApiCall('model:evaluate', { split: 'train' })).toThrow('split must be one of test, validation (got "train")');
    expect(() => checkApiCall('model:gallery', { split: 'test', query: { kind: 'cell', truth: 1.5, predicted: 0 } })).toThrow('query.truth must be a whole number from 0 to 255 (got 1.5)');
    expect(() => checkApiCall('model:gallery', { split: 'test', query: { kind: 'all' } })).toThrow('gallery must be one of cell, wrong, unsure');
    expect(() => checkApiCall('model:hidden', { split: 'test', layer: 1, count: 0 })).toThrow('count must be a whole number from 1 to 100000 (got 0)');
    expect(checkApiCall('model:gallery', { split: 'validation', query: { kind: 'wrong' }, limit: 10 }).name).toBe('model:gallery');
  });
});
