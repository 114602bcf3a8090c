/**
 * The engine refuses a run that will not fit in the memory that is free (issue 15, item 4):
 * the largest network the form allows used to hang the engine at about 10 GB.
 */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { EngineEvent, TrainConfig } from '../../../src-engine/protocol';
import { EngineService } from '../../../src-engine/service/engine-service';
import { DEFAULT_CONFIG, MAX_HIDDEN_LAYERS, MAX_HIDDEN_UNITS } from '../../../src-engine/train/config';

const dataset = { kind: 'idx' as const, dir: 'test/fixtures/mnist-500' };
const largest: TrainConfig = { ...DEFAULT_CONFIG, dataset, hidden: Array(MAX_HIDDEN_LAYERS).fill(MAX_HIDDEN_UNITS), batch: 64 };

function service(freeMemory: number) {
  const events: EngineEvent[] = [];
  const s = new EngineService({
    loadDataset,
    clock: () => 0,
    now: () => '2026-12-01T00:00:00.000Z',
    defer: () => undefined,
    emit: (e) => events.push(e),
    appVersion: 'test',
    freeMemory: () => freeMemory,
  });
  return { s, events };
}

describe('engine service: memory check before a run starts', () => {
  it('refuses the largest network the form allows when 8 GB are free, with the estimate, and starts nothing', () => {
    const { s, events } = service(8 * 2 ** 30);
    expect(() => s.handle('train:start', { config: largest })).toThrow(
      'This network (784-4096-4096-4096-4096-4096-4096-4096-4096-10 relu, 120.7 million parameters) needs about 13.3 GB of memory ' +
        'to train with SGD and batch size 64 (weights, gradients and optimizer state 4.5 GB, checkpoints 8.1 GB, activations 762 MB), ' +
        'but only 8.0 GB is free on this machine. Use fewer or smaller hidden layers.',
    );
    expect(events).toEqual([]);
  });

  it('refuses a mid-sized network when little is free, and starts it when enough is', () => {
    const mid: TrainConfig = { ...DEFAULT_CONFIG, dataset, hidden: [256], optimizer: 'adam', epochs: 1 };
    expect(() => service(10 * 2 ** 20).s.handle('train:start', { config: mid })).toThrow(/^This network \(784-256-10 relu, 203,530 parameters\) needs about \d+ MB of memory to train with Adam and batch size 64 .* but only 10 MB is free on this machine\./);
    const { s, events } = service(2 ** 30);
    expect(s.handle('train:start', { config: mid }).runId).toBe(1);
    expect(events.some((e) => e.type === 'state' && e.state === 'training')).toBe(true);
  });
});
