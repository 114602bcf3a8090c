import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../../src-engine/checkpoint/safetensors';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import type { DatasetSource, EngineCalls } from '../../../src-engine/protocol';
import { Autosaver } from '../../../src-main/library/autosave';
import { ModelApi, type ModelPlatform } from '../../../src-main/library/model-api';
import { trainedModel, useTempStore } from './model-fixtures';

const lib = useTempStore();

const bytes = trainedModel();

function setup(platform: ModelPlatform = {}, approved: (s: DatasetSource) => boolean = () => true) {
  const autosave = new Autosaver(lib.store);
  const calls: { name: string; args: unknown }[] = [];
  const engine = {
    async call<K extends 'model:load' | 'train:start'>(name: K, args: EngineCalls[K]['args']): Promise<EngineCalls[K]['result']> {
      calls.push({ name, args });
      if (name === 'train:start') autosave.handle({ type: 'state', runId: 7, state: 'training' });
      return { runId: 7, info: { epoch: 2 } } as never;
    },
  };
  const api = new ModelApi({
    store: lib.store,
    autosave,
    engine,
    platform,
    checkDataset: (s) => {
      if (!approved(s)) throw new Error('That dataset was not chosen in this session; choose it again with the dataset picker.');
    },
  });
  return { api, calls, autosave };
}

describe('model library calls', () => {
  it('opens a model by loading its bytes into the engine under its file name', async () => {
    lib.store.save('net', bytes);
    const { api, calls } = setup();
    await api.handle('models:open', { name: 'net' });
    expect(calls).toEqual([{ name: 'model:load', args: { bytes: expect.any(Uint8Array), fileName: 'net.safetensors' } }]);
    expect(Buffer.from((calls[0].args as { bytes: Uint8Array }).bytes).equals(Buffer.from(bytes))).toBe(true);
    await expect(api.handle('models:open', { name: '../../etc/passwd' })).rejects.toThrow('cannot be a model name');
  });

  it('continues a model from its file, writing back into it, and protects it while it trains', async () => {
    lib.store.save('net', bytes);
    const { api, calls, autosave } = setup();
    await api.handle('models:continue', { name: 'net', epochs: 4 });
    const args = calls[0].args as { config: { epochs: number; seed: number }; resume: Uint8Array };
    expect(calls[0].name).toBe('train:start');
    expect(args.config).toEqual({ ...decodeCheckpoint(bytes, 'x').training!.config, epochs: 4 });
    expect(Buffer.from(args.resume).equals(Buffer.from(bytes))).toBe(true);
    expect(autosave.activeName).toBe('net');
    expect((await api.handle('models:list', {})).models[0].training).toBe(true);
    await expect(api.handle('models:rename', { name: 'net', to: 'other' })).rejects.toThrow('"net" is being trained right now; it can be renamed when the run has stopped.');
    await expect(api.handle('models:delete', { name: 'net' })).rejects.toThrow('"net" is being trained right now; it can be deleted when the run has stopped.');
    expect(await lib.store.names()).toEqual(['net']);
  });

  it('refuses to continue what cannot be continued, saying why', async () => {
    lib.store.save('net', bytes);
    const c = decodeCheckpoint(bytes, 'x');
    lib.store.save('foreign', encodeSafetensors(c.params, { architecture: JSON.stringify(c.architecture) }));
    const { api, calls } = setup({}, (s) => s.kind === 'mnist');
    await expect(api.handle('models:continue', { name: 'net', epochs: 2 })).rejects.toThrow('"net" has already trained 2 epochs; continue to at least epoch 3.');
    await expect(api.handle('models:continue', { name: 'foreign', epochs: 3 })).rejects.toThrow(
      'foreign.safetensors: has no training state (another tool wrote it), so it can be opened but not trained further.',
    );
    await expect(api.handle('models:continue', { name: 'net', epochs: 3 })).rejects.toThrow('That dataset was not chosen in this session');
    expect(calls).toEqual([]);
  });

  it('browser mode: exports as downloads, and explains that import and reveal work differently', async () => {
    lib.store.save('net', bytes);
    const { api } = setup();
    const model = await api.handle('models:export', { name: 'net' });
    expect(model.download?.fileName).toBe('net.safetensors');
    expect(Buffer.from(model.download!.bytes).equals(Buffer.from(bytes))).toBe(true);
    const csv = await api.handle('models:export-csv', { name: 'net' });
    expect(csv.download).toMatchObject({ fileName: 'net-metrics.csv', type: 'text/csv' });
    expect(new TextDecoder().decode(csv.download!.bytes).split('\n')[0]).toMatch(/^epoch,train_loss,/);
    await expect(api.handle('models:import', {})).rejects.toThrow('In browser mode, add a model with "Upload a model…".');
    await expect(api.handle('models:reveal', { name: 'net' })).rejects.toThrow(`There is no file manager to show in browser mode; the models folder is ${lib.store.dir}`);
    expect(await api.handle('models:upload', { fileName: 'colab run.safetensors', bytes })).toEqual({ name: 'colab run' });
  });

  it('desktop: exports through Save As, imports through Open, reveals the file', async () => {
    lib.store.save('net', bytes);
    const saved = path.join(lib.dir, 'exported.safetensors');
    const picked = path.join(lib.dir, 'picked.safetensors');
    writeFileSync(picked, bytes);
    let answer: string | null = saved;
    const revealed: string[] = [];
    const { api } = setup({ saveDialog: async () => answer, openDialog: async () => answer, reveal: (f) => revealed.push(f) });
    expect(await api.handle('models:export', { name: 'net' })).toEqual({ download: null, savedTo: saved });
    expect(Buffer.from(readFileSync(saved)).equals(Buffer.from(bytes))).toBe(true);
    answer = null;
    expect(await api.handle('models:export-csv', { name: 'net' })).toEqual({ download: null, savedTo: null });
    expect(await api.handle('models:import', {})).toBeNull();
    answer = picked;
    expect(await api.handle('models:import', {})).toEqual({ name: 'picked' });
    expect(await api.handle('models:reveal', { name: 'picked' })).toEqual({ shown: true });
    expect(revealed).toEqual([path.join(lib.store.dir, 'picked.safetensors')]);
    await expect(api.handle('models:reveal', { name: 'gone' })).rejects.toThrow('gone.safetensors: there is no such model');
  });
});
