/**
 * The learning-rate range test on the full MNIST: its suggestion, used for one epoch of
 * 784-128-10 with plain SGD (no momentum, constant schedule, batch 64), reaches 96%.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import { useBackend } from '../../../src-engine/node/backend';
import type { TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { findLearningRate, LR_FIND_END, LR_FIND_START, suggest } from '../../../src-engine/train/lr-finder';
import { prepareData, Trainer } from '../../../src-engine/train/trainer';

const config: TrainConfig = { ...DEFAULT_CONFIG, hidden: [128], optimizer: 'sgd', momentum: 0, schedule: 'constant', batch: 64, epochs: 1, seed: 1 };

describe('learning-rate finder', () => {
  beforeAll(async () => {
    await useBackend(undefined, undefined); // the wasm kernels: an epoch of MNIST in a few seconds
  });

  it('its suggestion trains 784-128-10 plain SGD to at least 96% in one epoch, and it leaves the run alone', () => {
    const { train, test } = loadDataset({ kind: 'mnist' });
    const data = prepareData(config, train, test);
    const run = new Trainer(config, data, () => 0);
    const before = Float64Array.from(run.model.linears[0].weight.data);
    const r = findLearningRate(config, data);
    expect(Array.from(run.model.linears[0].weight.data)).toEqual(Array.from(before)); // a scratch copy trained, not the run
    expect(r.points[0].lr).toBeCloseTo(LR_FIND_START, 12);
    expect(r.points.at(-1)!.lr).toBeLessThanOrEqual(LR_FIND_END);
    for (let i = 1; i < r.points.length; i++) expect(r.points[i].lr).toBeGreaterThan(r.points[i - 1].lr);
    expect(r.suggested_lr).not.toBeNull();
    const trained = new Trainer({ ...config, lr: r.suggested_lr! }, data, () => 0);
    while (!trained.trainBatch().epochEnded);
    const m = trained.finishEpoch();
    console.log(`finder suggested ${r.suggested_lr}: ${(m.test_accuracy * 100).toFixed(2)}% after one epoch`);
    expect(m.test_accuracy).toBeGreaterThanOrEqual(0.96);
  }, 120_000);

  it('suggests nothing when the loss never falls, or blows up at once, and says why', () => {
    const flat = Array.from({ length: 50 }, (_, i) => ({ lr: 10 ** (i / 10 - 6), loss: 2.3, smooth: 2.3 }));
    expect(suggest(flat)).toEqual({ suggested_lr: null, reason: expect.stringMatching(/never fell much/) });
    expect(suggest(flat.slice(0, 5)).suggested_lr).toBeNull();
    const dip = flat.map((p, i) => ({ ...p, smooth: i === 30 ? 1 : 2.3 }));
    expect(suggest(dip).suggested_lr).toBe(Number((dip[30].lr / 2).toPrecision(2)));
  });
});
