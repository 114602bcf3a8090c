import { describe, expect, it } from 'vitest';
import { DatasetState } from '../../../src-renderer/state/dataset.svelte';
import { MAX_UPLOAD_BYTES } from '../../../src-main/host/upload-limits';
import { fakeApi } from '../fake-api';

const CHOICE = { source: { kind: 'csv', train: '/up/train.csv' }, label: 'digits.csv' };
const INFO = { name: 'digits', train: 2, test: 0, rows: 1, cols: 3, classes: ['3', '5'], meanImages: new Uint8Array(6), baselineAccuracy: NaN };

/** A picked file that says it is `size` bytes (without holding them). */
function pickedFile(name: string, size: number): File {
  const file = new File(['5,0,0,255\n'], name);
  Object.defineProperty(file, 'size', { value: size });
  return file;
}

describe('DatasetState.upload (browser mode)', () => {
  it('refuses a file over the upload cap with a sentence, before sending anything', async () => {
    const api = fakeApi({ 'dataset:upload': CHOICE, 'dataset:info': INFO });
    const sent: Blob[] = [];
    api.upload = async (file) => (sent.push(file), 'A'.repeat(22));
    const dataset = new DatasetState(api);
    await dataset.upload('csv', [pickedFile('huge.csv', 300 * 2 ** 20 + MAX_UPLOAD_BYTES)]);
    expect(dataset.error).toBe('huge.csv is 1.3 GiB; an upload can be at most 1 GiB. Type its path on this machine instead.');
    expect(sent).toEqual([]);
    expect(api.calls).toEqual([]);
    expect(dataset.loading).toBe(false);
  });

  it('streams each file, then names the uploads (never their bytes) in dataset:upload', async () => {
    const api = fakeApi({ 'dataset:upload': CHOICE, 'dataset:info': INFO });
    const ids = ['a'.repeat(22), 'b'.repeat(22)];
    const sent: string[] = [];
    api.upload = async (file) => (sent.push((file as File).name), ids[sent.length - 1]);
    const dataset = new DatasetState(api);
    await dataset.upload('csv', [pickedFile('digits.csv', 10), pickedFile('digits-test.csv', 10)]);
    expect(sent).toEqual(['digits.csv', 'digits-test.csv']);
    expect(api.calls[0]).toEqual({
      name: 'dataset:upload',
      args: { kind: 'csv', files: [{ name: 'digits.csv', upload: ids[0] }, { name: 'digits-test.csv', upload: ids[1] }] },
    });
    expect(dataset.error).toBeNull();
    expect(dataset.label).toBe('digits.csv');
  });

  it("names the learner's file in a message about it, not the host's temporary copy", async () => {
    const copy = '/data/uploads/host-1/upload-x/train.csv';
    const api = fakeApi({
      'dataset:upload': { source: { kind: 'csv', train: copy }, label: 'oneclass.csv', uploads: [{ path: copy, name: 'oneclass.csv' }] },
      'dataset:info': new Error(`${copy}: every row has label 5 (line 2): a dataset needs at least two classes`),
    });
    api.upload = async () => 'a'.repeat(22);
    const dataset = new DatasetState(api);
    await dataset.upload('csv', [pickedFile('oneclass.csv', 10)]);
    expect(dataset.error).toBe('"oneclass.csv": every row has label 5 (line 2): a dataset needs at least two classes');
  });

  it("shows the host's refusal of an upload", async () => {
    const api = fakeApi({});
    api.upload = async () => {
      throw new Error('The file is larger than 1 GiB, the most an upload may be. Type its path on this machine instead.');
    };
    const dataset = new DatasetState(api);
    await dataset.upload('csv', [pickedFile('digits.csv', 10)]);
    expect(dataset.error).toBe('The file is larger than 1 GiB, the most an upload may be. Type its path on this machine instead.');
  });
});

describe('ModelLibrary.upload (browser mode)', () => {
  it('refuses a model file larger than a socket message can carry, before reading it', async () => {
    const { ModelLibrary } = await import('../../../src-renderer/state/models.svelte');
    const api = fakeApi({ 'models:list': { models: [], folder: '/m' } });
    const library = new ModelLibrary(api);
    const file = pickedFile('huge.safetensors', 300 * 2 ** 20);
    file.arrayBuffer = () => Promise.reject(new Error('the file was read'));
    await library.upload(file);
    expect(library.error).toBe('huge.safetensors is 300 MiB; a model uploaded from the page can be at most 255 MiB. Copy it into the models folder on this machine instead.');
    expect(api.calls.map((c) => c.name)).not.toContain('models:upload');
  });
});
