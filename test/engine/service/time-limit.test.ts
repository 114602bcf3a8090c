/**
 * The app's runs obey a time limit as the CLI's do: training stops at the limit, and the run keeps
 * (sends, saves and holds) the epoch with the best validation accuracy, its file saying so.
 */
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { EngineEvent, TrainConfig } from '../../../src-engine/protocol';
import { EngineService } from '../../../src-engine/service/engine-service';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';

const config: TrainConfig = {
  ...DEFAULT_CONFIG, dataset: { kind: 'idx', dir: 'test/fixtures/mnist-500' }, hidden: [16], epochs: 100, batch: 50, lr: 0.3, validation: 0.2, timeLimit: 0.05,
};

describe('engine: time limit', () => {
  it('stops at the limit and keeps the epoch with the best validation accuracy', () => {
    const events: EngineEvent[] = [];
    const queue: (() => void)[] = [];
    let now = 0;
    const service = new EngineService({
      loadDataset, clock: () => (now += 5), now: () => '2026-12-01T12:00:00.000Z', defer: (fn) => queue.push(fn), emit: (e) => events.push(e), appVersion: 'test',
    });
    service.handle('train:start', { config });
    for (let i = 0; i < 100_000 && queue.length; i++) queue.shift()!();
    const done = events.find((e): e is Extract<EngineEvent, { type: 'done' }> => e.type === 'done')!;
    expect(done.state).toBe('stopped');
    expect(done.outcome?.message).toMatch(/^time limit of 0.05 min reached after \d+ of 100 epochs .*; kept the weights of epoch \d+, the best validation accuracy so far/);
    const epochs = events.filter((e): e is Extract<EngineEvent, { type: 'epoch' }> => e.type === 'epoch').map((e) => e.metrics);
    expect(epochs.length).toBeLessThan(100);
    const val = epochs.map((m) => m.val_accuracy!);
    const best = val.indexOf(Math.max(...val)) + 1;
    const last = events.filter((e): e is Extract<EngineEvent, { type: 'checkpoint' }> => e.type === 'checkpoint').at(-1)!;
    const kept = decodeCheckpoint(last.bytes, 'kept.safetensors');
    expect(kept.training!.epoch).toBe(best);
    expect(kept.outcome).toEqual(done.outcome);
    expect(last.info.epoch).toBe(best);
    // its info says the kept epoch's seconds, as the file does; the done event, the run's own
    expect(last.info.trainedSeconds).toBe(kept.training!.seconds + kept.training!.partial.seconds);
    expect(done.seconds).toBeGreaterThanOrEqual(last.info.trainedSeconds!);
    // the engine's model is now the kept one: saving gives the same weights
    const saved = decodeCheckpoint(service.handle('model:save', {}).bytes, 'saved.safetensors');
    expect([...saved.params.values()].map((p) => [...p.data])).toEqual([...kept.params.values()].map((p) => [...p.data]));
  });

  it('a pause does not count against the limit (nor in samples/s)', () => {
    const events: EngineEvent[] = [];
    const queue: (() => void)[] = [];
    let now = 0;
    const service = new EngineService({
      loadDataset, clock: () => (now += 5), now: () => '2026-12-01T12:00:00.000Z', defer: (fn) => queue.push(fn), emit: (e) => events.push(e), appVersion: 'test',
    });
    service.handle('train:start', { config: { ...config, batch: 10, timeLimit: 0.5 } });
    queue.shift()!(); // one slice: a few batches into the first epoch
    service.handle('train:pause', {});
    const paused = decodeCheckpoint(events.filter((e): e is Extract<EngineEvent, { type: 'checkpoint' }> => e.type === 'checkpoint').at(-1)!.bytes, 'p').training!.seconds;
    now += 3_600_000; // an hour away
    service.handle('train:resume', {});
    queue.length = 0;
    service.handle('train:pause', {});
    const after = decodeCheckpoint(events.filter((e): e is Extract<EngineEvent, { type: 'checkpoint' }> => e.type === 'checkpoint').at(-1)!.bytes, 'p');
    expect(after.training!.stepInEpoch).toBeGreaterThan(0);
    expect(after.training!.seconds + after.training!.partial.seconds).toBeLessThan(paused + 60);
    expect(events.some((e) => e.type === 'done')).toBe(false); // the limit of 30 s was not reached by the hour away
  });
});
