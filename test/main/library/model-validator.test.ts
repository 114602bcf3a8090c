/**
 * One validator for a model file (issue 15, item 8): the Models list, Open, Duplicate and Export
 * refuse the same broken files with the same message, naming the file.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { Autosaver } from '../../../src-main/library/autosave';
import { CheckpointStore } from '../../../src-main/library/checkpoint-store';
import { ModelApi } from '../../../src-main/library/model-api';
import { tempDir, trainedModel } from './model-fixtures';

let tmp: { dir: string; cleanup: () => void };
let store: CheckpointStore;
let dir: string;
beforeEach(async () => {
  tmp = tempDir();
  dir = path.join(tmp.dir, 'models');
  store = new CheckpointStore(dir);
  await store.init();
});
afterEach(() => tmp.cleanup());

const model = trainedModel(); // 784-8-10, sgd with momentum: every tensor has an optim.*.momentum twin

type Header = Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & { __metadata__: Record<string, string> };

/** The model's bytes with its JSON header edited (the tensor bytes kept as they are). */
function withHeader(edit: (h: Header) => void, bytes: Uint8Array = model): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as Header;
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - len);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + len), 8 + json.length);
  return out;
}

/** The model's bytes with one stored double replaced. */
function withValue(tensor: string, value: number): Uint8Array {
  let begin = 0;
  withHeader((h) => (begin = h[tensor].data_offsets[0]));
  const out = new Uint8Array(model);
  const len = new DataView(out.buffer).getUint32(0, true);
  new DataView(out.buffer).setFloat64(8 + len + begin, value, true);
  return out;
}

/** Edit one JSON metadata entry. */
const meta = (key: string, edit: (v: Record<string, unknown> & unknown[]) => void) =>
  withHeader((h) => {
    const v = JSON.parse(h.__metadata__[key]);
    edit(v);
    h.__metadata__[key] = JSON.stringify(v);
  });

const BROKEN: Record<string, () => Uint8Array> = {
  'nan-weight': () => withValue('0.weight', NaN),
  'infinite-optimizer-state': () => withValue('optim.2.bias.momentum', Infinity),
  'overlapping-offsets': () => withHeader((h) => (h['optim.0.bias.momentum'].data_offsets = [...h['0.bias'].data_offsets])),
  'path-like-optimizer-name': () =>
    withHeader((h) => {
      h['optim.../../../etc/passwd'] = h['optim.0.bias.momentum'];
      delete (h as Record<string, unknown>)['optim.0.bias.momentum'];
    }),
  'path-like-tensor-name': () => withHeader((h) => (h['../../model'] = { dtype: 'F64', shape: [0], data_offsets: [0, 0] })),
  'impossible-settings': () => meta('training', (t) => ((t as unknown as { config: { batch: number } }).config.batch = 0)),
  'bad-history': () => meta('history', (h) => ((h[1] as { epoch: number }).epoch = -3)),
  'bad-dataset': () => meta('dataset', (d) => (d.train = 'many')),
};

describe('one validator for the Models list, Open, Duplicate and Export', () => {
  for (const [name, make] of Object.entries(BROKEN)) {
    it(`${name}: listed as a problem with the message Open gives; Duplicate and Export refuse it`, async () => {
      const bytes = make();
      const fileName = `${name}.safetensors`;
      writeFileSync(path.join(dir, fileName), bytes);
      let openMessage = '';
      try {
        decodeCheckpoint(bytes, fileName);
      } catch (e) {
        openMessage = (e as Error).message;
      }
      expect(openMessage).toMatch(new RegExp(`^${name}\\.safetensors: `));

      const list = await store.list();
      expect(list.models).toEqual([]);
      expect(list.problems.map((p) => [p.fileName, p.error])).toEqual([[fileName, openMessage]]);

      await expect(store.load(name)).rejects.toThrow(openMessage);
      await expect(store.duplicate(name)).rejects.toThrow(openMessage);
      const api = new ModelApi({ store, autosave: new Autosaver(store), engine: { call: () => Promise.reject(new Error('unused')) }, platform: {}, checkDataset: () => undefined });
      await expect(api.handle('models:export', { name })).rejects.toThrow(openMessage);
      expect(readdirSync(dir)).toEqual([fileName]); // nothing was copied
    });
  }

  it('lists a model with 200,000 history entries (no "Maximum call stack size exceeded")', async () => {
    const bytes = meta('history', (h) => {
      const first = h[0] as Record<string, number>;
      h.length = 0;
      for (let i = 0; i < 200_000; i++) h.push({ ...first, epoch: i + 1, test_accuracy: i === 123_456 ? 0.99 : 0.5 });
    });
    writeFileSync(path.join(dir, 'long.safetensors'), bytes);
    const { models, problems } = await store.list();
    expect(problems).toEqual([]);
    expect(models[0]).toMatchObject({ name: 'long', bestTestAccuracy: 0.99, epochs: 2 });
    expect(models[0].accuracy).toHaveLength(200_000);
  });

  it('names the file when something unexpected goes wrong reading it', async () => {
    writeFileSync(path.join(dir, 'empty.safetensors'), '');
    const { problems } = await store.list();
    expect(problems.map((p) => p.error)).toEqual(['empty.safetensors: is not a safetensors file (only 0 bytes)']);
  });
});
