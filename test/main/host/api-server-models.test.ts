/**
 * The model library through the shared API server (what IPC and the browser-mode WebSocket
 * call): arguments refused before anything is touched, autosave of the engine's checkpoints,
 * and a recovery after a crash that keeps writing the same model.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../src-main/host/api-contract';
import { ApiServer, type PlatformHandlers } from '../../../src-main/host/api-server';
import { CheckpointStore } from '../../../src-main/library/checkpoint-store';
import { EngineHost } from '../../../src-main/host/engine-host';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { fakeSpawner } from './fake-spawner';
import { tempDir, trainedModel } from '../library/model-fixtures';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const bytes = trainedModel();
const info = (() => {
  const c = decodeCheckpoint(bytes, 'm');
  return { architecture: c.architecture, config: c.training!.config, history: c.history, epoch: 2, step: 20, datasetName: 'MNIST', parameters: 6370 };
})();

async function setup(platform = {} as PlatformHandlers) {
  const { spawn, workers } = fakeSpawner();
  const host = new EngineHost(spawn, { log: () => {} });
  const store = new CheckpointStore(path.join(tmp.dir, 'models'));
  await store.init();
  const server = new ApiServer(host, platform, { store, platform: {} });
  const events: ApiEvent[] = [];
  server.onEvent((e) => events.push(e));
  host.start();
  const emit = (event: unknown) => workers.at(-1)!.emit({ kind: 'event', event });
  return { server, store, events, emit, workers };
}

describe('model library through the API server', () => {
  it('refuses path-like names before the store or the engine sees them', async () => {
    const { server, workers, store } = await setup();
    store.save('mine', bytes);
    for (const [call, args] of [
      ['models:delete', { name: '../../x' }],
      ['models:open', { name: '/etc/passwd' }],
      ['models:rename', { name: 'mine', to: '../mine' }],
      ['models:export', { name: '..' }],
    ] as const) {
      const reply = await server.handle(call, args);
      expect(reply.ok).toBe(false);
      expect(reply.ok ? '' : reply.error).toMatch(/cannot be a model name/);
    }
    expect(await server.handle('models:delete', { name: 'mine', extra: 1 })).toEqual({ ok: false, error: 'models:delete has an unknown field "extra"' });
    expect(await server.handle('models:continue', { name: 'mine', epochs: 0 })).toEqual({ ok: false, error: 'epochs must be a whole number from 1 to 1000 (got 0)' });
    expect(await server.handle('models:upload', { fileName: 'x.safetensors', bytes: [1, 2] })).toEqual({ ok: false, error: 'model bytes must be bytes (Uint8Array), got a list' });
    expect(workers[0].sent).toEqual([]);
    expect(await store.names()).toEqual(['mine']);
  });

  it('writes each checkpoint the engine sends into the library and tells the page', async () => {
    const { server, events, emit, store } = await setup();
    emit({ type: 'state', runId: 1, state: 'training' });
    emit({ type: 'checkpoint', runId: 1, reason: 'epoch', bytes, info });
    await server.autosave!.flush();
    const saved = events.find((e) => e.type === 'models:saved');
    expect(saved).toMatchObject({ type: 'models:saved', reason: 'epoch', epoch: 2 });
    const name = (saved as { name: string }).name;
    expect(name).toMatch(/^mnist-784-8-10-\d{4}-\d\d-\d\d-\d{4}$/);
    const reply = await server.handle('models:list', {});
    expect(reply.ok && (reply.result as { models: { name: string; training: boolean }[] }).models).toEqual([expect.objectContaining({ name, training: true })]);
    expect(readdirSync(store.dir)).toEqual([`${name}.safetensors`]);
  });

  it('remembers a file opened in the engine after a run, for a page that reloads, until the next run', async () => {
    const { server, emit, workers, store, events } = await setup();
    emit({ type: 'state', runId: 1, state: 'training' });
    emit({ type: 'done', runId: 1, state: 'done', history: [], seconds: 1 });
    expect(await server.handle('training:opened', {})).toEqual({ ok: true, result: null }); // the run's own model
    store.save('mine', bytes);
    const opening = server.handle('models:open', { name: 'mine' });
    await new Promise((r) => setTimeout(r, 10));
    const load = workers[0].sent.at(-1)!;
    expect(load).toMatchObject({ call: 'model:load' });
    workers[0].emit({ kind: 'reply', id: load.id, ok: true, result: info });
    expect((await opening).ok).toBe(true);
    expect(await server.handle('training:opened', {})).toEqual({ ok: true, result: { name: 'mine', info } });
    expect(events.filter((e) => e.type === 'models:opened')).toEqual([{ type: 'models:opened', name: 'mine', info }]); // every page is told
    expect((await server.handle('models:rename', { name: 'mine', to: 'ours' })).ok).toBe(true);
    expect(await server.handle('training:opened', {})).toEqual({ ok: true, result: { name: 'ours', info } });
    emit({ type: 'state', runId: 2, state: 'training' }); // a new run: the engine's model is the run's again
    expect(await server.handle('training:opened', {})).toEqual({ ok: true, result: null });
  });

  it('after a crash, "resume from the last saved epoch" goes on writing the same model', async () => {
    const { server, emit, workers, store } = await setup();
    emit({ type: 'state', runId: 1, state: 'training' });
    emit({ type: 'checkpoint', runId: 1, reason: 'epoch', bytes, info });
    await server.autosave!.flush();
    const [file] = readdirSync(store.dir);
    workers[0].die({ code: null, signal: 'SIGKILL' });
    const recovering = server.handle('training:recover', {});
    await new Promise((r) => setTimeout(r, 0));
    const fresh = workers.at(-1)!;
    expect(fresh.sent.at(-1)).toMatchObject({ call: 'train:start' });
    fresh.emit({ kind: 'event', event: { type: 'state', runId: 1, state: 'training' } });
    fresh.emit({ kind: 'reply', id: fresh.sent.at(-1)!.id, ok: true, result: { runId: 1, info } });
    expect((await recovering).ok).toBe(true);
    fresh.emit({ kind: 'event', event: { type: 'checkpoint', runId: 1, reason: 'epoch', bytes, info: { ...info, epoch: 3 } } });
    await server.autosave!.flush();
    expect(readdirSync(store.dir)).toEqual([file]);
  });

  it('a plain start that overlaps "Continue training" never writes into the continued model', async () => {
    const fixture = { source: info.config.dataset, label: 'fixture' };
    const { server, emit, workers, store } = await setup({ 'dataset:open-path': async () => fixture } as unknown as PlatformHandlers);
    expect(await server.handle('dataset:open-path', { kind: 'idx', path: 'fixture' })).toEqual({ ok: true, result: fixture });
    store.save('mine', bytes);
    const before = await store.read('mine');
    const plain = server.handle('training:start', { config: { ...info.config, dataset: { kind: 'mnist' } } });
    const resumed = server.handle('models:continue', { name: 'mine', epochs: 5 });
    // let the continue load its file and get as far as it can before the engine answers anything
    await new Promise((r) => setTimeout(r, 50));
    const worker = workers[0];
    const first = worker.sent[0];
    expect(first.call).toBe('train:start');
    expect(first.args).not.toHaveProperty('resume');
    emit({ type: 'state', runId: 1, state: 'training' });
    worker.emit({ kind: 'reply', id: first.id, ok: true, result: { runId: 1, info } });
    expect((await plain).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    const second = worker.sent[1];
    worker.emit({ kind: 'reply', id: second.id, ok: false, error: 'a run is already going; stop it first' });
    expect(await resumed).toEqual({ ok: false, error: 'a run is already going; stop it first' });
    emit({ type: 'checkpoint', runId: 1, reason: 'epoch', bytes: trainedModel({ seed: 2 }), info });
    await server.autosave!.flush();
    expect(readdirSync(store.dir).sort()).toEqual(['mine.safetensors', expect.stringMatching(/^mnist-784-8-10-/)]);
    expect(Buffer.from(await store.read('mine')).equals(Buffer.from(before))).toBe(true);
  });

  it('says when a checkpoint could not be saved', async () => {
    const { server, events, emit, store } = await setup();
    const { rmSync, writeFileSync } = await import('node:fs');
    rmSync(store.dir, { recursive: true });
    writeFileSync(store.dir, 'not a folder');
    emit({ type: 'state', runId: 1, state: 'training' });
    emit({ type: 'checkpoint', runId: 1, reason: 'pause', bytes, info });
    await server.autosave!.flush();
    expect(events.find((e) => e.type === 'error')).toMatchObject({ message: expect.stringMatching(/^Could not save the model after pausing: /) });
  });

  it('a page opened after a stop is told the step the saved file holds, not the step of a save that failed', async () => {
    const { server, events, emit, store } = await setup();
    const { rmSync, writeFileSync } = await import('node:fs');
    emit({ type: 'state', runId: 1, state: 'training' });
    emit({ type: 'checkpoint', runId: 1, reason: 'epoch', bytes, info });
    await server.autosave!.flush();
    const name = (events.find((e) => e.type === 'models:saved') as { name: string }).name;
    // the stop's save fails (the folder is gone): the file still holds epoch 2, step 20
    rmSync(store.dir, { recursive: true });
    writeFileSync(store.dir, 'not a folder');
    emit({ type: 'checkpoint', runId: 1, reason: 'stop', bytes, info: { ...info, step: 25 } });
    emit({ type: 'done', runId: 1, state: 'stopped', history: [] });
    await server.autosave!.flush();
    expect(events.find((e) => e.type === 'error')).toMatchObject({ message: expect.stringMatching(new RegExp(`^Could not save "${name}" after stopping: `)) });
    const reply = await server.handle('training:status', {});
    expect(reply.ok && reply.result).toMatchObject({ state: 'stopped', info: { step: 25 }, savedName: name, savedEpoch: 2, savedStep: 20 });
  });
});
