/**
 * Real runs driven into each ending through the real engine service (on the 500-image fixture):
 * the outcome in the done event and in the saved checkpoint, the health it measured, and what the
 * coach says about it.
 */
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { EngineEvent, HealthSample, TrainConfig } from '../../../src-engine/protocol';
import { EngineService } from '../../../src-engine/service/engine-service';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { diagnose, type DiagnosisId } from '../../../src-renderer/lib/coach';

const dataset = { kind: 'idx' as const, dir: 'test/fixtures/mnist-500' };

/** Run a config to its end in a service on a manual clock; everything it emitted. */
function run(over: Partial<TrainConfig>, stopAfterEpochs?: number) {
  const events: EngineEvent[] = [];
  const queue: (() => void)[] = [];
  let now = 0;
  const service = new EngineService({
    loadDataset,
    clock: () => (now += 5),
    now: () => '2026-12-01T12:00:00.000Z',
    defer: (fn) => queue.push(fn),
    emit: (e) => events.push(e),
    appVersion: 'test',
  });
  const config: TrainConfig = { ...DEFAULT_CONFIG, dataset, epochs: 3, ...over };
  service.handle('train:start', { config });
  for (let i = 0; i < 100_000 && queue.length; i++) {
    queue.shift()!();
    if (stopAfterEpochs !== undefined && events.filter((e) => e.type === 'epoch').length >= stopAfterEpochs) {
      service.handle('train:stop', {});
      break;
    }
  }
  const of = <T extends EngineEvent['type']>(type: T) => events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  const done = of('done').at(-1)!;
  const saved = decodeCheckpoint(of('checkpoint').at(-1)!.bytes, 'run.safetensors');
  const health: HealthSample[] = of('health').flatMap((e) => e.samples);
  const losses = of('batch').flatMap((e) => Array.from(e.losses, (y, i) => ({ x: e.firstStep + i + 1, y })));
  const coach = diagnose({ config, classes: 10, losses, history: done.history, health: health.at(-1) ?? null, outcome: done.outcome ?? null });
  return { done, saved, health, coach, ids: coach.map((d) => d.id) as DiagnosisId[] };
}

describe('runs end with the truth', () => {
  it('learning rate 10 with ReLU kills the units: not learning, most units dead, and the coach says so', () => {
    const r = run({ lr: 10 });
    expect(r.done.state).toBe('done');
    expect(r.done.outcome?.kind).toBe('not_learning');
    expect(r.done.outcome?.message).toMatch(/chance level/);
    expect(r.saved.outcome?.kind).toBe('not_learning'); // stored in the file's metadata
    const layer0 = r.health.at(-1)!.layers[0];
    expect(layer0.dead_fraction).toBeGreaterThan(0.9);
    expect(Array.from(layer0.unitFlags).filter((f) => f === 1).length / layer0.units).toBeCloseTo(layer0.dead_fraction!, 10);
    // the loss shot up to 1e5 and came back to 8 on a dead network: the dead units are the story
    expect(r.ids[0]).toBe('dead_relu');
    expect(r.coach[0].title).toBe('Most ReLU units are dead');
    expect(r.coach[0].evidence).toMatch(/^9\d% of the units of layer 0 \(hidden layer 1\) gave no positive output/);
    expect(r.coach[0].tryThis).toBe('Lower the learning rate (10 is high; try 1).');
  });

  it('learning rate 10 with leaky ReLU and MSE: diverged, with the epoch and the step, and the coach blames the rate', () => {
    const r = run({ lr: 10, activation: 'leaky_relu', loss: 'mse' });
    expect(r.done.state).toBe('failed');
    expect(r.done.outcome).toMatchObject({ kind: 'diverged', epoch: 1, step: expect.any(Number) });
    expect(r.done.outcome!.message).toMatch(/^loss became (NaN|infinite) at epoch 1, step \d+/);
    expect(r.saved.outcome?.kind).toBe('diverged');
    expect(r.ids).toContain('diverging');
    expect(r.coach.find((d) => d.id === 'diverging')!.tryThis).toMatch(/a tenth \(1\)/);
  });

  it('a learning rate of 1e-6: the loss never falls, not learning, and the coach suggests a larger rate', () => {
    const r = run({ lr: 1e-6, momentum: 0, schedule: 'constant', batch: 16, epochs: 4 });
    expect(r.done.outcome?.kind).toBe('not_learning');
    expect(r.health.at(-1)!.layers[0].update_ratio).toBeLessThan(1e-6);
    expect(r.ids).toContain('flat_loss');
    const flat = r.coach.find((d) => d.id === 'flat_loss')!;
    expect(flat.title).toMatch(/too small/);
    expect(flat.tryThis).toMatch(/1e-6 is far below SGD's usual 0.01 to 0.1: try 0.05/); // not "ten times larger (1e-5)", still far too small
  });

  it('tanh at learning rate 10 saturates its units', () => {
    const r = run({ lr: 10, activation: 'tanh', momentum: 0 });
    expect(r.done.outcome?.kind).toBe('not_learning');
    expect(r.health.at(-1)!.layers[0].saturated_fraction).toBeGreaterThan(0.5);
    expect(r.ids).toContain('saturated');
  });

  it('500 images for many epochs: done, but overfitting, and the coach names the gap', () => {
    const r = run({ epochs: 25, schedule: 'constant' });
    expect(r.done.outcome?.kind).toBe('done');
    const last = r.done.history.at(-1)!;
    expect(last.train_accuracy).toBeGreaterThan(0.99);
    expect(last.test_accuracy).toBeLessThan(0.95);
    expect(r.ids).toEqual(['overfitting']);
    expect(r.coach[0].evidence).toMatch(/training accuracy is 100% but test accuracy is \d+%/);
  });

  it('a healthy run is done, with no problems diagnosed, and its update ratio near the healthy band', () => {
    const r = run({ epochs: 2 });
    expect(r.done.outcome?.kind).toBe('done');
    expect(r.coach.filter((d) => d.severity === 'problem')).toEqual([]);
    const ratio = r.health.at(-1)!.layers[0].update_ratio;
    expect(ratio).toBeGreaterThan(1e-4);
    expect(ratio).toBeLessThan(1e-1);
  });

  it('stopped by the person: stopped, in the event and the file', () => {
    const r = run({ epochs: 5 }, 1);
    expect(r.done.state).toBe('stopped');
    expect(r.done.outcome).toMatchObject({ kind: 'stopped', message: 'stopped after 1 of 5 epochs' });
    expect(r.saved.outcome?.kind).toBe('stopped');
  });
});
