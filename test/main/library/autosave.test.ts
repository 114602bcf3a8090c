import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import type { ModelInfo } from '../../../src-engine/protocol';
import { Autosaver, stopAndSave } from '../../../src-main/library/autosave';
import { CheckpointStore } from '../../../src-main/library/checkpoint-store';
import type { HostEvent } from '../../../src-main/host/engine-host';
import { tempDir, trainedModel } from './model-fixtures';

let tmp: { dir: string; cleanup: () => void };
let store: CheckpointStore;
beforeEach(async () => {
  tmp = tempDir();
  store = new CheckpointStore(tmp.dir);
  await store.init();
});
afterEach(() => tmp.cleanup());

const bytes = trainedModel();
const info = (epoch: number): ModelInfo => {
  const c = decodeCheckpoint(bytes, 'm');
  return { architecture: c.architecture, config: c.training!.config, history: c.history, epoch, step: 10 * epoch, datasetName: 'MNIST', baselineAccuracy: null, stepsPerEpoch: 10, trainedSeconds: null, parameters: 6370 };
};
const state = (runId: number, s: 'training' | 'paused' | 'stopped' | 'done'): HostEvent => ({ type: 'state', runId, state: s });
const checkpoint = (runId: number, reason: 'epoch' | 'pause' | 'stop' | 'done', epoch = 1, b = bytes): HostEvent => ({ type: 'checkpoint', runId, reason, bytes: b, info: info(epoch) });
const at = new Date(2026, 10, 22, 14, 5);

describe('autosave', () => {
  it('writes every checkpoint of a run into one model named after its dataset, sizes and start', async () => {
    const saved: string[] = [];
    const a = new Autosaver(store, { now: () => at, onSaved: (s) => saved.push(`${s.name} ${s.reason} ${s.info.epoch}`) });
    a.handle(state(1, 'training'));
    expect(a.running).toBe(true);
    a.handle(checkpoint(1, 'epoch', 1));
    a.handle(state(1, 'paused'));
    a.handle(checkpoint(1, 'pause', 1));
    expect(a.running).toBe(true);
    a.handle(state(1, 'training'));
    a.handle(checkpoint(1, 'epoch', 2));
    a.handle(checkpoint(1, 'done', 2));
    a.handle(state(1, 'done'));
    await a.flush();
    expect(a.running).toBe(false);
    expect(saved).toEqual([
      'mnist-784-8-10-2026-11-22-1405 epoch 1',
      'mnist-784-8-10-2026-11-22-1405 pause 1',
      'mnist-784-8-10-2026-11-22-1405 epoch 2',
      'mnist-784-8-10-2026-11-22-1405 done 2',
    ]);
    expect(readdirSync(tmp.dir)).toEqual(['mnist-784-8-10-2026-11-22-1405.safetensors']);
    expect(Buffer.from(readFileSync(path.join(tmp.dir, 'mnist-784-8-10-2026-11-22-1405.safetensors'))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('never overwrites another model: a second run in the same minute gets its own name', async () => {
    const a = new Autosaver(store, { now: () => at });
    a.handle(state(1, 'training'));
    a.handle(checkpoint(1, 'done'));
    a.handle(state(1, 'done'));
    a.handle(state(2, 'training'));
    a.handle(checkpoint(2, 'stop'));
    a.handle(state(2, 'stopped'));
    await a.flush();
    expect(readdirSync(tmp.dir).sort()).toEqual(['mnist-784-8-10-2026-11-22-1405-2.safetensors', 'mnist-784-8-10-2026-11-22-1405.safetensors']);
  });

  it('continues writing the chosen model when a run resumes it, and knows which model the run writes', async () => {
    store.save('my net', bytes);
    const a = new Autosaver(store, { now: () => at });
    await a.startRun('my net', async () => {
      a.handle(state(3, 'training')); // the engine announces the run before it replies
      return { runId: 3 };
    });
    a.handle(checkpoint(3, 'epoch', 3));
    await a.flush();
    expect(a.activeName).toBe('my net');
    a.handle(state(3, 'stopped'));
    expect(a.activeName).toBeNull();
    expect(a.lastName).toBe('my net');
    expect(readdirSync(tmp.dir)).toEqual(['my net.safetensors']);
  });

  it('gives each run the model its own start asked for, when a plain start and a continue overlap', async () => {
    store.save('my net', bytes);
    const before = readFileSync(path.join(tmp.dir, 'my net.safetensors'));
    const a = new Autosaver(store, { now: () => at });
    // the engine: one run at a time, numbered from 1, announced before the reply
    let runs = 0;
    let busy = false;
    const engineStart = async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (busy) throw new Error('a run is already going; stop it first');
      busy = true;
      a.handle(state(++runs, 'training'));
      return { runId: runs };
    };
    const plain = a.startRun(null, engineStart);
    const resumed = a.startRun('my net', engineStart);
    expect(await plain).toEqual({ runId: 1 });
    await expect(resumed).rejects.toThrow('a run is already going');
    a.handle(checkpoint(1, 'epoch', 1, trainedModel({ seed: 2 })));
    await a.flush();
    expect(readdirSync(tmp.dir).sort()).toEqual(['mnist-784-8-10-2026-11-22-1405.safetensors', 'my net.safetensors']);
    expect(readFileSync(path.join(tmp.dir, 'my net.safetensors')).equals(before)).toBe(true);
  });

  it('knows which model the run a crash ended was writing, and forgets it when another run starts', async () => {
    const a = new Autosaver(store, { now: () => at });
    const crash: HostEvent = { type: 'worker:crashed', message: 'gone', exit: { code: null, signal: 'SIGKILL' }, restarted: true };
    a.handle(state(1, 'training'));
    a.handle(checkpoint(1, 'epoch'));
    a.handle(state(1, 'stopped'));
    a.handle(state(2, 'training'));
    a.handle(crash);
    expect(await a.crashedName()).toBeNull(); // run 2 had written nothing; run 1 was over
    a.handle(state(1, 'training'));
    a.handle(checkpoint(1, 'epoch'));
    a.handle(crash);
    expect(await a.crashedName()).toBe('mnist-784-8-10-2026-11-22-1405-2');
    a.renamed('mnist-784-8-10-2026-11-22-1405-2', 'kept');
    expect(await a.crashedName()).toBe('kept');
    a.handle(state(1, 'training'));
    expect(await a.crashedName()).toBeNull();
  });

  it('forgets run numbers when the engine restarts after a crash (a fresh worker counts from 1 again)', async () => {
    const a = new Autosaver(store, { now: () => at });
    a.handle(state(1, 'training'));
    a.handle(checkpoint(1, 'epoch'));
    a.handle({ type: 'worker:crashed', message: 'gone', exit: { code: null, signal: 'SIGKILL' }, restarted: true });
    expect(a.running).toBe(false);
    a.handle(state(1, 'training'));
    a.handle(checkpoint(1, 'epoch'));
    await a.flush();
    expect(readdirSync(tmp.dir)).toHaveLength(2);
  });

  it('says plainly when a checkpoint cannot be written, and keeps going', async () => {
    const errors: string[] = [];
    const a = new Autosaver(store, { now: () => at, onError: (m) => errors.push(m) });
    a.handle(state(1, 'training'));
    a.handle(checkpoint(1, 'epoch', 1));
    await a.flush();
    // the models folder disappears (an external disk unplugged, say) and a file takes its place
    rmSync(tmp.dir, { recursive: true });
    writeFileSync(tmp.dir, 'in the way');
    a.handle(checkpoint(1, 'epoch', 2));
    await a.flush();
    expect(errors).toEqual([expect.stringMatching(/^Could not save "mnist-784-8-10-2026-11-22-1405" after epoch 2: ENOTDIR/)]);
    rmSync(tmp.dir);
    mkdirSync(tmp.dir);
    a.handle(checkpoint(1, 'pause', 2));
    await a.flush();
    expect(readdirSync(tmp.dir)).toEqual(['mnist-784-8-10-2026-11-22-1405.safetensors']);
    expect(errors).toHaveLength(1);
  });

  it('before quitting, stops the run and returns once its stop checkpoint is on disk', async () => {
    const a = new Autosaver(store, { now: () => at });
    a.handle(state(1, 'training'));
    const engine = {
      async call() {
        // the worker sends the stop checkpoint and the new state before it replies
        a.handle(checkpoint(1, 'stop', 1));
        a.handle(state(1, 'stopped'));
        return { state: 'stopped' };
      },
    };
    expect(await stopAndSave(engine, a)).toEqual({ name: 'mnist-784-8-10-2026-11-22-1405', epoch: 1, step: expect.any(Number) });
    expect(readdirSync(tmp.dir)).toEqual(['mnist-784-8-10-2026-11-22-1405.safetensors']);
    expect(a.running).toBe(false);
  });

  it('never reports the last epoch\'s file as the stopped run when the engine died before saving the stop', async () => {
    const a = new Autosaver(store, { now: () => at });
    a.handle(state(1, 'training'));
    a.handle(checkpoint(1, 'epoch', 1));
    const dead = { call: () => Promise.reject(new Error('The engine stopped unexpectedly (killed by signal SIGINT)')) };
    expect(await stopAndSave(dead, a)).toBeNull();
    expect(a.lastName).toBe('mnist-784-8-10-2026-11-22-1405');
  });

  it('a hung engine does not keep the app from quitting', async () => {
    const a = new Autosaver(store, { now: () => at });
    a.handle(state(1, 'training'));
    const started = Date.now();
    expect(await stopAndSave({ call: () => new Promise(() => {}) }, a, 200)).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
