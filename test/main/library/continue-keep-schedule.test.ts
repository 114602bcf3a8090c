/**
 * The host side of "keep the schedule" (issue 14 #11): for fewer epochs than planned, the model's
 * planned config goes to the engine with a stop after the asked epoch; otherwise the config's
 * epochs become the new total. Keeping a plan past its end is refused with why.
 */
import { describe, expect, it } from 'vitest';
import type { EngineCalls } from '../../../src-engine/protocol';
import { Autosaver } from '../../../src-main/library/autosave';
import { ModelApi } from '../../../src-main/library/model-api';
import { checkApiCall } from '../../../src-main/host/validate-api';
import { trainedModel, useTempStore } from './model-fixtures';

const lib = useTempStore();

function setup() {
  const autosave = new Autosaver(lib.store);
  const calls: { name: string; args: EngineCalls['train:start']['args'] }[] = [];
  const engine = {
    async call<K extends 'model:load' | 'train:start'>(name: K, args: EngineCalls[K]['args']): Promise<EngineCalls[K]['result']> {
      calls.push({ name, args: args as EngineCalls['train:start']['args'] });
      if (name === 'train:start') autosave.handle({ type: 'state', runId: calls.length, state: 'training' });
      return { runId: calls.length, info: { epoch: 1 } } as never;
    },
  };
  return { api: new ModelApi({ store: lib.store, autosave, engine, platform: {}, checkDataset: () => undefined }), calls, autosave };
}

describe('continue: keep the schedule', () => {
  it('keeps the planned epochs and stops after the asked one; without it the plan is the new length', async () => {
    lib.store.save('net', trainedModel({ epochs: 1 }));
    const { api, calls, autosave } = setup();
    // the fixture finished its 1 planned epoch: keeping a plan of 1 for 2 epochs is refused
    await expect(api.handle('models:continue', { name: 'net', epochs: 2, keepSchedule: true })).rejects.toThrow(
      '"net" has a learning-rate schedule planned for 1 epochs; to train to epoch 2, let the schedule stretch over them.',
    );
    await api.handle('models:continue', { name: 'net', epochs: 2 });
    expect(calls[0].args.config.epochs).toBe(2);
    expect(calls[0].args.stopAfter).toBeUndefined();
    autosave.handle({ type: 'done', runId: 1, state: 'stopped', history: [], seconds: 1 });
  });

  it('for fewer epochs than planned, sends the plan and a stop', async () => {
    lib.store.save('long', await interrupted());
    const { api, calls } = setup();
    await api.handle('models:continue', { name: 'long', epochs: 2, keepSchedule: true });
    expect(calls[0].args.config.epochs).toBe(4);
    expect(calls[0].args.stopAfter).toBe(2);
  });

  it('the API accepts keepSchedule only as true or false', () => {
    expect(() => checkApiCall('models:continue', { name: 'net', epochs: 2, keepSchedule: 'yes' })).toThrow('keepSchedule must be true or false');
    expect(() => checkApiCall('models:continue', { name: 'net', epochs: 2, keepSchedule: true })).not.toThrow();
  });
});

/** A checkpoint of a run planned for 4 epochs, stopped after its first. */
async function interrupted(): Promise<Uint8Array> {
  const { EngineService } = await import('../../../src-engine/service/engine-service');
  const { loadDataset } = await import('../../../src-engine/node/dataset-files');
  const { fixtureConfig } = await import('./model-fixtures');
  const queue: (() => void)[] = [];
  let bytes: Uint8Array | null = null;
  let now = 0;
  const service = new EngineService({
    loadDataset, clock: () => (now += 5), now: () => '', defer: (fn) => queue.push(fn), appVersion: 'test',
    emit: (e) => {
      if (e.type === 'checkpoint') bytes = e.bytes;
    },
  });
  service.handle('train:start', { config: fixtureConfig({ epochs: 4 }), stopAfter: 1 });
  while (queue.length) queue.shift()!();
  return bytes!;
}
