import { describe, expect, it } from 'vitest';
import type { ModelInfo, TrainConfig } from '../../../src-engine/protocol';
import type { ApiEvent, DatasetChoice } from '../../../src-main/host/api-contract';
import { ApiServer, type PlatformHandlers } from '../../../src-main/host/api-server';
import { EngineHost } from '../../../src-main/host/engine-host';
import { fakeSpawner } from './fake-spawner';

const config: TrainConfig = {
  dataset: { kind: 'mnist' }, hidden: [16], activation: 'relu', loss: 'cross_entropy', optimizer: 'sgd', lr: 0.1,
  momentum: 0, nesterov: false, weightDecay: 0, schedule: 'constant', batch: 32, epochs: 2, seed: 1,
};

const chosen: DatasetChoice = { source: { kind: 'idx', dir: '/data/fashion' }, label: 'fashion' };

function setup() {
  const { spawn, workers } = fakeSpawner();
  const host = new EngineHost(spawn, { log: () => {} });
  const platform: PlatformHandlers = {
    'app:info': async () => ({ mode: 'browser', version: '0.1.0', platform: 'linux', modelsDir: '/m', dark: false }),
    'app:set-theme': async () => ({ dark: true }),
    'dataset:choose': async () => chosen,
    'dataset:open-path': async () => chosen,
    'dataset:upload': async () => chosen,
  };
  const server = new ApiServer(host, platform);
  const events: ApiEvent[] = [];
  server.onEvent((e) => events.push(e));
  host.start();
  /** Answer the worker's latest request. */
  const answer = (result: unknown) => {
    const w = workers.at(-1)!;
    w.emit({ kind: 'reply', id: w.sent.at(-1)!.id, ok: true, result });
  };
  return { server, workers, events, answer };
}

describe('ApiServer', () => {
  it('refuses a malformed call with its reason and sends nothing to the engine', async () => {
    const { server, workers } = setup();
    expect(await server.handle('training:start', { config: { ...config, lr: -1 } })).toEqual({
      ok: false,
      error: 'learning rate must be a positive number (got -1)',
    });
    expect(await server.handle('shell:exec', { cmd: 'rm -rf /' })).toEqual({ ok: false, error: 'unknown call "shell:exec"' });
    expect(workers[0].sent).toEqual([]);
  });

  it('forwards a sound call to the engine under its engine name and returns the reply', async () => {
    const { server, workers, answer } = setup();
    const reply = server.handle('training:pause', {});
    await Promise.resolve();
    expect(workers[0].sent[0]).toMatchObject({ kind: 'request', call: 'train:pause', args: {} });
    answer({ state: 'paused' });
    expect(await reply).toEqual({ ok: true, result: { state: 'paused' } });
  });

  it('training:cancel restarts an engine stuck in a start, which then fails as cancelled; with nothing waiting it says so', async () => {
    const { server, workers, events } = setup();
    expect(await server.handle('training:cancel', {})).toEqual({ ok: false, error: 'The engine is not busy with anything to cancel.' });
    const start = server.handle('training:start', { config: { ...config, hidden: [4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096] } });
    await Promise.resolve();
    expect(workers[0].sent[0].call).toBe('train:start');
    expect(await server.handle('training:cancel', {})).toEqual({ ok: true, result: { cancelled: true } });
    expect(await start).toEqual({ ok: false, error: 'Cancelled: the engine was restarted before it answered train:start.' });
    expect(workers[0].killed).toBe(true);
    expect(workers).toHaveLength(2);
    expect(events.at(-1)).toEqual({
      type: 'engine:stopped',
      message: 'The engine was restarted to cancel what it was doing. Your last saved epoch is safe.',
      restarted: true,
      recoverable: false,
    });
  });

  it('lets the engine read only datasets chosen in this session', async () => {
    const { server, workers, answer } = setup();
    const refused = await server.handle('dataset:info', { source: { kind: 'idx', dir: '/etc' } });
    expect(refused).toEqual({ ok: false, error: 'That dataset was not chosen in this session; choose it again with the dataset picker.' });
    expect(workers[0].sent).toEqual([]);

    expect(await server.handle('dataset:choose', { kind: 'idx' })).toEqual({ ok: true, result: chosen });
    const reply = server.handle('training:start', { config: { ...config, dataset: chosen.source } });
    await Promise.resolve();
    expect(workers[0].sent[0].call).toBe('train:start');
    answer({ runId: 1, info: { history: [] } });
    expect((await reply).ok).toBe(true);
  });

  it('keeps checkpoint bytes to itself, tells the renderer, and resumes from them after a crash', async () => {
    const { server, workers, events, answer } = setup();
    const bytes = new Uint8Array([1, 2, 3]);
    const info = { config, epoch: 1, step: 10, history: [] } as unknown as ModelInfo;
    workers[0].emit({ kind: 'event', event: { type: 'state', runId: 1, state: 'training' } });
    workers[0].emit({ kind: 'event', event: { type: 'checkpoint', runId: 1, reason: 'epoch', bytes, info } });
    expect(events[1]).toEqual({ type: 'checkpoint', runId: 1, reason: 'epoch', info });

    workers[0].die({ code: null, signal: 'SIGKILL' });
    expect(events[2]).toMatchObject({ type: 'engine:stopped', restarted: true, recoverable: true });
    expect((events[2] as { message: string }).message).toContain('killed by signal SIGKILL');

    const reply = server.handle('training:recover', {});
    await Promise.resolve();
    expect(workers[1].sent[0]).toMatchObject({ call: 'train:start', args: { config, resume: bytes } });
    answer({ runId: 1, info });
    expect(await reply).toEqual({ ok: true, result: { runId: 1, info } });
  });

  it('never resumes an earlier run: a run that crashes before its first checkpoint is not recoverable', async () => {
    const { server, workers, events } = setup();
    const info = { config, epoch: 1, step: 10, history: [] } as unknown as ModelInfo;
    const event = (event: unknown) => workers.at(-1)!.emit({ kind: 'event', event });
    // run A saves an epoch, the engine crashes, and the person starts run B instead of resuming A
    event({ type: 'state', runId: 1, state: 'training' });
    event({ type: 'checkpoint', runId: 1, reason: 'epoch', bytes: new Uint8Array([1]), info });
    workers[0].die({ code: null, signal: 'SIGKILL' });
    expect(events.at(-1)).toMatchObject({ type: 'engine:stopped', recoverable: true });
    // the fresh worker numbers B from 1 again; B crashes before it saves anything
    event({ type: 'state', runId: 1, state: 'training' });
    workers[1].die({ code: null, signal: 'SIGKILL' });
    expect(events.at(-1)).toMatchObject({ type: 'engine:stopped', recoverable: false });
    expect(await server.handle('training:recover', {})).toEqual({ ok: false, error: 'There is no saved epoch to resume from yet.' });
    expect(workers[2].sent).toEqual([]);
  });

  it('does not resume a run that had already stopped when the engine crashed', async () => {
    const { server, workers, events } = setup();
    const info = { config, epoch: 1, step: 10, history: [] } as unknown as ModelInfo;
    const event = (event: unknown) => workers.at(-1)!.emit({ kind: 'event', event });
    event({ type: 'state', runId: 1, state: 'training' });
    event({ type: 'checkpoint', runId: 1, reason: 'stop', bytes: new Uint8Array([1]), info });
    event({ type: 'state', runId: 1, state: 'stopped' });
    workers[0].die({ code: null, signal: 'SIGKILL' });
    expect(events.at(-1)).toMatchObject({ type: 'engine:stopped', recoverable: false });
    expect((await server.handle('training:recover', {})).ok).toBe(false);
  });

  it('forgets the crashed run once another model is loaded into the engine', async () => {
    const { server, workers, answer } = setup();
    const info = { config, epoch: 1, step: 10, history: [] } as unknown as ModelInfo;
    workers[0].emit({ kind: 'event', event: { type: 'state', runId: 1, state: 'training' } });
    workers[0].emit({ kind: 'event', event: { type: 'checkpoint', runId: 1, reason: 'epoch', bytes: new Uint8Array([1]), info } });
    workers[0].die({ code: null, signal: 'SIGKILL' });
    const loading = server.handle('model:load', { bytes: new Uint8Array([2]), fileName: 'Other.SAFETENSORS' });
    await new Promise((r) => setTimeout(r, 0));
    answer(info);
    expect((await loading).ok).toBe(true);
    expect(await server.handle('training:opened', {})).toMatchObject({ ok: true, result: { name: 'Other' } }); // the extension goes in any case, as the library's names do
    expect(await server.handle('training:recover', {})).toEqual({ ok: false, error: 'There is no saved epoch to resume from yet.' });
  });

  it('says so when there is nothing to recover', async () => {
    const { server } = setup();
    expect(await server.handle('training:recover', {})).toEqual({ ok: false, error: 'There is no saved epoch to resume from yet.' });
  });
});
