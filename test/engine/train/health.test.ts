import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { HealthMonitor, healthEvery, UNIT_DEAD } from '../../../src-engine/train/health';
import { prepareData, Trainer } from '../../../src-engine/train/trainer';

const fixture = loadDataset({ kind: 'idx', dir: 'test/fixtures/mnist-500' });

function trainer(over: Partial<TrainConfig> = {}): Trainer {
  const c: TrainConfig = { ...DEFAULT_CONFIG, dataset: { kind: 'idx', dir: 'test/fixtures/mnist-500' }, hidden: [16], epochs: 1, batch: 32, lr: 0.1, momentum: 0, schedule: 'constant', ...over };
  return new Trainer(c, prepareData(c, fixture.train, fixture.test), () => 0);
}

const norm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));

describe('training health', () => {
  it('is measured about 10 times an epoch, at most once a step, and always on the last step', () => {
    expect(healthEvery(938)).toBe(94);
    expect(healthEvery(8)).toBe(1);
    expect(healthEvery(100_000)).toBe(100);
    const t = trainer();
    const h = t.health!;
    expect(h.due(0, t.totalSteps)).toBe(true);
    expect(h.due(t.totalSteps - 1, t.totalSteps)).toBe(true);
  });

  it('the gradient norm and the update ratio are those of the step (plain SGD: ‖ΔW‖ = lr·‖∂L/∂W‖)', () => {
    const t = trainer();
    t.health = new HealthMonitor(t.model, 1);
    t.trainBatch();
    const w0 = Float64Array.from(t.model.linears[0].weight.data);
    t.trainBatch();
    const w1 = t.model.linears[0].weight.data;
    const delta = norm(w1.map((v, i) => v - w0[i]));
    const layer = t.health.latest!.layers[0];
    expect(t.health.latest!.step).toBe(2);
    expect(layer.update_ratio).toBeCloseTo(delta / norm(w0), 12);
    expect(layer.grad_norm).toBeCloseTo(delta / 0.1, 10);
    expect(layer.activation).toBe('relu');
    expect(t.health.latest!.layers[1].activation).toBe('none');
    expect(t.health.latest!.layers[1].dead_fraction).toBeNull();
  });

  it('activation mean and spread are those of the layer\'s outputs', () => {
    const t = trainer({ activation: 'sigmoid' });
    t.health = new HealthMonitor(t.model, 1);
    t.trainBatch();
    const l = t.health.latest!.layers[0];
    expect(l.act_mean).toBeGreaterThan(0);
    expect(l.act_mean).toBeLessThan(1);
    expect(l.act_std).toBeGreaterThan(0);
    expect(l.saturated_fraction).not.toBeNull();
    expect(l.dead_fraction).toBeNull();
  });

  it('units whose bias keeps them below 0 on every example are dead, and flagged one by one', () => {
    const t = trainer();
    t.health = new HealthMonitor(t.model, 1);
    const bias = t.model.linears[0].bias.data;
    for (let u = 0; u < 8; u++) bias[u] = -1e6; // half of the 16 units can never fire
    for (let i = 0; i < 3; i++) t.trainBatch();
    const l = t.health.latest!.layers[0];
    expect(l.dead_fraction).toBe(0.5);
    expect(Array.from(l.unitFlags.slice(0, 8))).toEqual(Array(8).fill(UNIT_DEAD));
    expect(Array.from(l.unitFlags.slice(8))).toEqual(Array(8).fill(0));
  });

  it('measuring changes nothing in the training: the same losses and weights with and without it', () => {
    const a = trainer({ momentum: 0.9 });
    const b = trainer({ momentum: 0.9 });
    a.health = new HealthMonitor(a.model, 1);
    b.health = null;
    const la: number[] = [];
    const lb: number[] = [];
    for (let i = 0; i < 10; i++) {
      la.push(a.trainBatch().loss);
      lb.push(b.trainBatch().loss);
    }
    expect(la).toEqual(lb);
    expect(Array.from(a.model.linears[0].weight.data)).toEqual(Array.from(b.model.linears[0].weight.data));
    expect(a.health.take()).toHaveLength(10);
  });
});
