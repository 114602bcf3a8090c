/**
 * Continuing for fewer epochs than planned can keep the learning-rate schedule (issue 14 #11): the
 * run stops after the asked epoch, its rates are the planned schedule's, and continuing it later
 * to the planned end gives bit for bit the weights of a run that was never stopped. Without it
 * the schedule is squeezed into the shorter run (what the Models view says before continuing).
 */
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { EngineEvent, TrainConfig } from '../../../src-engine/protocol';
import { EngineService } from '../../../src-engine/service/engine-service';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';

const config: TrainConfig = { ...DEFAULT_CONFIG, dataset: { kind: 'idx', dir: 'test/fixtures/mnist-500' }, hidden: [16], epochs: 4, batch: 50, schedule: 'cosine' };

function run(args: { config: TrainConfig; resume?: Uint8Array; stopAfter?: number }) {
  const events: EngineEvent[] = [];
  const queue: (() => void)[] = [];
  let now = 0;
  const service = new EngineService({
    loadDataset, clock: () => (now += 5), now: () => '2026-12-01T12:00:00.000Z', defer: (fn) => queue.push(fn), emit: (e) => events.push(e), appVersion: 'test',
  });
  service.handle('train:start', args);
  for (let i = 0; i < 100_000 && queue.length; i++) queue.shift()!();
  const done = events.find((e): e is Extract<EngineEvent, { type: 'done' }> => e.type === 'done')!;
  const checkpoint = events.filter((e): e is Extract<EngineEvent, { type: 'checkpoint' }> => e.type === 'checkpoint').at(-1)!;
  return { done, bytes: checkpoint.bytes, service };
}

const weights = (bytes: Uint8Array) => [...decodeCheckpoint(bytes, 'm').params.values()].map((p) => [...p.data]);

describe('engine: stop after an epoch, schedule kept', () => {
  it('stops after the asked epoch with the planned schedule, and resuming to the end matches an unbroken run', () => {
    const unbroken = run({ config });
    const first = run({ config: { ...config, epochs: 4 }, stopAfter: 1 });
    expect(first.done.state).toBe('stopped');
    expect(first.done.history.map((m) => m.epoch)).toEqual([1]);

    // one more epoch, keeping the plan of 4: the rate at its end is the unbroken run's at epoch 2
    const second = run({ config, resume: first.bytes, stopAfter: 2 });
    expect(second.done.state).toBe('stopped');
    expect(second.done.history.map((m) => m.lr)).toEqual(unbroken.done.history.slice(0, 2).map((m) => m.lr));
    expect(decodeCheckpoint(second.bytes, 'm').training!.config.epochs).toBe(4);

    const rest = run({ config, resume: second.bytes });
    expect(rest.done.state).toBe('done');
    expect(weights(rest.bytes)).toEqual(weights(unbroken.bytes));
  });

  it('squeezing the schedule into fewer epochs drops the rate (what keeping it avoids)', () => {
    const first = run({ config, stopAfter: 1 });
    const squeezed = run({ config: { ...config, epochs: 2 }, resume: first.bytes });
    const kept = run({ config, resume: first.bytes, stopAfter: 2 });
    expect(squeezed.done.history[1].lr).toBeLessThan(kept.done.history[1].lr / 10);
  });

  it('refuses a stop that is not between the epochs done and the planned end', () => {
    const first = run({ config, stopAfter: 1 });
    const { service } = run({ config, stopAfter: 3 });
    expect(() => service.handle('train:start', { config, resume: first.bytes, stopAfter: 1 })).toThrow('stop after must be an epoch after 1 and before 4 (got 1)');
    expect(() => service.handle('train:start', { config, resume: first.bytes, stopAfter: 4 })).toThrow('stop after must be an epoch after 1 and before 4 (got 4)');
  });
});
