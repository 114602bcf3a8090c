/**
 * The engine host with the real engine worker (src-engine/worker.ts) in a real child process:
 * a short run on 1,000 images with pause, resume and stop; a kill -9 mid-run and the recovery.
 */
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, TrainConfig } from '../../../src-engine/protocol';
import { EngineHost, type HostEvent } from '../../../src-main/host/engine-host';
import { childSpawner } from '../../../src-main/web/spawn-child';

const WORKER = path.resolve(import.meta.dirname, '../../../src-engine/worker.ts');

const config = (epochs: number): TrainConfig => ({ ...DEFAULT_CONFIG, limit: 1000, hidden: [32], lr: 0.1, schedule: 'constant', batch: 16, epochs });

let host: EngineHost | null = null;
afterEach(() => host?.dispose());

function start(): { host: EngineHost; events: HostEvent[]; next: (test: (e: HostEvent) => boolean, ms?: number) => Promise<HostEvent> } {
  const h = new EngineHost(childSpawner(WORKER, { execArgv: ['--import', 'tsx'] }), { log: () => {} });
  host = h;
  const events: HostEvent[] = [];
  const waiters: { test: (e: HostEvent) => boolean; resolve: (e: HostEvent) => void }[] = [];
  h.onEvent((e) => {
    events.push(e);
    for (const w of [...waiters]) if (w.test(e)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  });
  const next = (test: (e: HostEvent) => boolean, ms = 30_000) =>
    new Promise<HostEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${ms} ms; saw ${events.map((e) => e.type).join(',')}`)), ms);
      waiters.push({ test, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  h.start();
  return { host: h, events, next };
}

const is = <T extends HostEvent['type']>(type: T) => (e: HostEvent): e is Extract<HostEvent, { type: T }> => e.type === type;

describe('EngineHost with the real worker', () => {
  it('runs on 1,000 images: batch and epoch events, pause, resume, stop', async () => {
    const { host, events, next } = start();
    const firstBatch = next(is('batch'));
    const { runId, info } = await host.call('train:start', { config: config(40) });
    expect(info.parameters).toBe(784 * 32 + 32 + 32 * 10 + 10);

    const batch = (await firstBatch) as Extract<EngineEvent, { type: 'batch' }>;
    expect(batch.runId).toBe(runId);
    expect(batch.losses).toBeInstanceOf(Float64Array);
    expect(batch.losses[0]).toBeGreaterThan(1.5); // about ln 10 = 2.30 before learning
    expect(batch.stepsPerEpoch).toBe(Math.ceil(1000 / 16));

    expect(await host.call('train:pause', {})).toEqual({ state: 'paused' });
    const pausedAt = events.filter(is('batch')).length;
    await new Promise((r) => setTimeout(r, 400));
    expect(events.filter(is('batch')).length).toBe(pausedAt);

    const epoch = next(is('epoch'));
    expect(await host.call('train:resume', {})).toEqual({ state: 'training' });
    const metrics = ((await epoch) as Extract<EngineEvent, { type: 'epoch' }>).metrics;
    expect(metrics.train_loss).toBeLessThan(2.3);
    expect(metrics.test_accuracy).toBeGreaterThan(0.5);

    const done = next(is('done'));
    expect(await host.call('train:stop', {})).toEqual({ state: 'stopped' });
    expect(await done).toMatchObject({ type: 'done', runId, state: 'stopped' });
    expect(events.some((e) => e.type === 'checkpoint' && e.reason === 'stop')).toBe(true);
  });

  it('refuses malformed requests with the engine\'s own message and keeps working', async () => {
    const { host } = start();
    await expect(host.call('train:start', { config: { ...config(1), lr: -1 } })).rejects.toThrow(
      'learning rate must be a positive number (got -1)',
    );
    await expect(host.call('nonsense' as never, {} as never)).rejects.toThrow('unknown engine call "nonsense"');
    await expect(host.call('train:pause', {})).rejects.toThrow('nothing is training');
  });

  it('when the worker is killed with SIGKILL mid-run, reports it and recovers with a fresh worker', async () => {
    const { host, next } = start();
    const firstBatch = next(is('batch'));
    await host.call('train:start', { config: config(200) });
    await firstBatch;
    const oldPid = host.pid!;
    const crash = next(is('worker:crashed'));
    process.kill(oldPid, 'SIGKILL');
    expect(await crash).toMatchObject({
      message: 'The engine stopped unexpectedly (killed by signal SIGKILL). Your last saved epoch is safe; a fresh engine has been started.',
      restarted: true,
    });
    expect(host.pid).not.toBe(oldPid);

    const epoch = next(is('epoch'));
    const { runId } = await host.call('train:start', { config: config(1) });
    expect(runId).toBe(1);
    expect(((await epoch) as Extract<EngineEvent, { type: 'epoch' }>).metrics.epoch).toBe(1);
  });

  it('runs its kernels on the thread count the app sets, trains on it, and keeps it through a crash', async () => {
    const { host, next } = start();
    const initial = await host.call('engine:kernels', {});
    expect(initial.name).toMatch(/^wasm-/);
    expect(initial.maxThreads).toBeGreaterThanOrEqual(1);
    expect(await host.call('engine:set-threads', { threads: 1 })).toEqual({ name: 'wasm-relaxed-simd', threads: 1, maxThreads: initial.maxThreads });
    await expect(host.call('engine:set-threads', { threads: initial.maxThreads + 1 })).rejects.toThrow(
      `the thread count must be a whole number from 1 to ${initial.maxThreads} on this machine (got ${initial.maxThreads + 1})`,
    );
    const epoch = next(is('epoch'));
    await host.call('train:start', { config: config(50) });
    await expect(host.call('engine:set-threads', { threads: 1 })).rejects.toThrow('stop the run before changing the thread count');
    await epoch; // it trains on one thread
    const done = next(is('done'));
    await host.call('train:stop', {});
    await done;

    const crash = next(is('worker:crashed'));
    process.kill(host.pid!, 'SIGKILL');
    await crash;
    expect(await host.call('engine:kernels', {})).toMatchObject({ threads: 1, name: 'wasm-relaxed-simd' });
  });
});
