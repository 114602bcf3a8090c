import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { DEFAULT_AUGMENT } from '../../../src-engine/data/augment';
import { modelFromCheckpoint } from '../../../src-engine/checkpoint/layout';
import { DivergenceError, prepareData, Trainer } from '../../../src-engine/train/trainer';

const fixture = loadDataset({ kind: 'idx', dir: 'test/fixtures/mnist-500' });
const clock = () => 0;

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return { ...DEFAULT_CONFIG, dataset: { kind: 'idx', dir: 'test/fixtures/mnist-500' }, hidden: [16], epochs: 3, batch: 32, lr: 0.05, schedule: 'constant', ...over };
}

function trainer(c: TrainConfig, resume?: Uint8Array): Trainer {
  const data = prepareData(c, fixture.train, fixture.test);
  return new Trainer(c, data, clock, resume ? decodeCheckpoint(resume, 'resume.safetensors') : undefined);
}

/** Train to the end (or for `batches` batches) and return every batch loss. */
function trainAll(t: Trainer, batches = Infinity): number[] {
  const losses: number[] = [];
  while (!t.finished && losses.length < batches) {
    const r = t.trainBatch();
    losses.push(r.loss);
    if (r.epochEnded) t.finishEpoch();
  }
  return losses;
}

function weights(t: Trainer): number[] {
  return t.model.parameters().flatMap((p) => Array.from(p.tensor.data));
}

describe('trainer', () => {
  it('is deterministic: the same seed gives bit-identical losses and weights', () => {
    const a = trainer(config());
    const b = trainer(config());
    expect(trainAll(a)).toEqual(trainAll(b));
    expect(weights(a)).toEqual(weights(b));
    const c = trainer(config({ seed: 2 }));
    expect(trainAll(c)).not.toEqual(trainAll(trainer(config())));
  });

  for (const optimizer of ['sgd', 'adam'] as const) {
    it(`resumes bit-identically at an epoch boundary (${optimizer}): 2 epochs + 1 = 3 epochs`, () => {
      const c = config({ optimizer, lr: optimizer === 'adam' ? 0.001 : 0.05 });
      const full = trainer(c);
      const fullLosses = trainAll(full);
      const first = trainer({ ...c, epochs: 2 });
      const firstLosses = trainAll(first);
      const bytes = encodeCheckpoint(first.checkpoint('2026-01-01T00:00:00.000Z', 'test'));
      const second = trainer(c, bytes);
      const secondLosses = trainAll(second);
      expect([...firstLosses, ...secondLosses]).toEqual(fullLosses);
      expect(weights(second)).toEqual(weights(full));
      expect(second.history).toEqual(full.history);
    });
  }

  it('resumes bit-identically from the middle of an epoch (a pause or stop)', () => {
    const c = config({ momentum: 0.9 });
    const full = trainer(c);
    const fullLosses = trainAll(full);
    const first = trainer(c);
    const firstLosses = trainAll(first, 23); // epoch 2, batch 7 of 16
    const second = trainer(c, encodeCheckpoint(first.checkpoint('2026-01-01T00:00:00.000Z', 'test')));
    expect(second.state.stepInEpoch).toBe(7);
    expect([...firstLosses, ...trainAll(second)]).toEqual(fullLosses);
    expect(weights(second)).toEqual(weights(full));
    expect(second.history.map((m) => m.train_loss)).toEqual(full.history.map((m) => m.train_loss));
  });

  it('resumes bit-identically from the middle of an epoch with augmentation and dropout', () => {
    const c = config({ momentum: 0.9, dropout: [0.3], augment: { ...DEFAULT_AUGMENT, kind: 'elastic' } });
    const full = trainer(c);
    const fullLosses = trainAll(full);
    const first = trainer(c);
    const firstLosses = trainAll(first, 23);
    const saved = decodeCheckpoint(encodeCheckpoint(first.checkpoint('2026-01-01T00:00:00.000Z', 'test')), 'resume.safetensors');
    expect(saved.training?.config.augment).toEqual(c.augment); // the recipe is in the file
    expect(saved.architecture.layers.map((l) => l.type)).toEqual(['linear', 'relu', 'dropout', 'linear']);
    const second = trainer(c, encodeCheckpoint(first.checkpoint('2026-01-01T00:00:00.000Z', 'test')));
    expect([...firstLosses, ...trainAll(second)]).toEqual(fullLosses);
    expect(weights(second)).toEqual(weights(full));
    expect(trainAll(trainer(config({ momentum: 0.9 })))).not.toEqual(fullLosses);
  });

  it('counts training time only while it trains: a checkpoint (pause, stop, save) stops the clock until the next step', () => {
    let now = 0;
    const c = config({ epochs: 2 });
    const t = new Trainer(c, prepareData(c, fixture.train, fixture.test), () => now);
    for (let i = 0; i < 3; i++) {
      t.trainBatch();
      now += 1000;
    }
    expect(t.trainingSeconds).toBe(3);
    const paused = t.checkpoint('2026-01-01T00:00:00.000Z', 'test');
    expect(paused.training!.partial.seconds).toBe(3);
    now += 60_000; // a minute's pause, or a stopped run left open
    expect(t.trainingSeconds).toBe(3);
    t.trainBatch();
    now += 1000;
    expect(t.trainingSeconds).toBe(4);
  });

  it('a time limit stops training and keeps the epoch with the best validation accuracy, saying so', () => {
    let now = 0;
    const c = config({ validation: 0.2, epochs: 50, lr: 0.3, timeLimit: 0.5 }); // 30 s; each batch below takes 1 s
    const t = new Trainer(c, prepareData(c, fixture.train, fixture.test), () => now);
    const atEpochEnd: number[][] = [];
    while (!t.timeUp) {
      const r = t.trainBatch();
      now += 1000;
      if (r.epochEnded) {
        t.finishEpoch();
        atEpochEnd.push(weights(t));
      }
    }
    expect(t.trainingSeconds).toBe(30);
    const val = t.history.map((m) => m.val_accuracy!);
    const best = val.indexOf(Math.max(...val)) + 1;
    const kept = decodeCheckpoint(encodeCheckpoint(t.timeLimitCheckpoint('2026-01-01T00:00:00.000Z', 'test')), 'kept.safetensors');
    expect(kept.training!.epoch).toBe(best);
    expect(kept.history).toHaveLength(best);
    expect(modelFromCheckpoint(kept).parameters().flatMap((p) => Array.from(p.tensor.data))).toEqual(atEpochEnd[best - 1]);
    expect(kept.outcome).toEqual({
      kind: 'stopped',
      epoch: best,
      message: `time limit of 0.5 min reached after ${t.state.epoch} of 50 epochs (0.5 min of training); kept the weights of epoch ${best}, the best validation accuracy so far (${(val[best - 1] * 100).toFixed(2)}%)`,
    });
  });

  it('a time limit without a validation split keeps the latest weights, and says why', () => {
    let now = 0;
    const c = config({ epochs: 50, timeLimit: 0.1 });
    const t = new Trainer(c, prepareData(c, fixture.train, fixture.test), () => now);
    while (!t.timeUp) {
      if (t.trainBatch().epochEnded) t.finishEpoch();
      now += 1000;
    }
    const kept = t.timeLimitCheckpoint('2026-01-01T00:00:00.000Z', 'test');
    expect(kept.training!.step).toBe(6);
    expect(kept.outcome!.message).toContain('kept the latest weights (there is no validation split to pick the best epoch by)');
  });

  it('a non-finite loss stops training with a clear message and keeps the last good weights', () => {
    const t = trainer(config({ lr: 10, loss: 'mse', activation: 'leaky_relu', hidden: [64], momentum: 0.9 }));
    let error: unknown = null;
    try {
      trainAll(t);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as Error).message).toMatch(/^loss became (NaN|infinite) at epoch \d+, step \d+ — the learning rate 10 is probably too high$/);
    expect(weights(t).every(Number.isFinite)).toBe(true);
  });

  it('learns: 784-64-10 on 3,000 MNIST digits passes 85% test accuracy in 2 epochs', () => {
    const mnist = loadDataset({ kind: 'mnist' });
    const c = { ...config({ hidden: [64], epochs: 2, batch: 32, lr: 0.05, momentum: 0.9 }), dataset: { kind: 'mnist' as const }, limit: 3000 };
    const t = new Trainer(c, prepareData(c, mnist.train, mnist.test), clock);
    trainAll(t);
    expect(t.history).toHaveLength(2);
    expect(t.history[1].test_accuracy).toBeGreaterThan(0.85);
    expect(t.history[1].train_loss).toBeLessThan(t.history[0].train_loss);
  });

  it('trains the 3-vs-7 binary classifier with bce', () => {
    const c = config({ loss: 'bce', classes: [3, 7], hidden: [8], epochs: 4 });
    const t = trainer(c);
    expect(t.model.outputSize).toBe(1);
    expect(t.model.architecture.classes).toEqual(['3', '7']);
    trainAll(t);
    expect(t.history[3].test_accuracy).toBeGreaterThan(0.9);
  });

  it('refuses absurd hyperparameters before training, with a specific message', () => {
    expect(() => trainer(config({ lr: -1 }))).toThrow('learning rate must be a positive number (got -1)');
    expect(() => trainer(config({ lr: NaN }))).toThrow('learning rate must be a positive number (got NaN)');
    expect(() => trainer(config({ batch: 0 }))).toThrow('batch size must be a whole number from 1 to 60000 (got 0)');
    expect(() => trainer(config({ epochs: 0 }))).toThrow('epochs must be a whole number from 1 to 1000 (got 0)');
    expect(() => trainer(config({ hidden: [0] }))).toThrow('hidden layer 1 must have 1 to 4096 units (got 0)');
    expect(() => trainer(config({ loss: 'bce' }))).toThrow('the bce loss is for two classes: pick exactly two, e.g. 3 and 7');
  });

  it('refuses to resume with another batch size', () => {
    const first = trainer(config({ epochs: 1 }));
    trainAll(first);
    const bytes = encodeCheckpoint(first.checkpoint('2026-01-01T00:00:00.000Z', 'test'));
    expect(() => trainer(config({ batch: 16 }), bytes)).toThrow('this run was trained with batch size 32; resume it with the same batch size');
  });

  it('a weight turned NaN by a step whose loss was finite is caught before it is evaluated or saved', () => {
    const t = trainer(config({ epochs: 1 }));
    trainAll(t, t.stepsPerEpoch - 1);
    const before = weights(t);
    const stepsBefore = t.state.step;
    t.trainBatch(); // the epoch's last batch
    t.model.parameters()[0].tensor.data[5] = NaN; // as if that step had overflowed
    expect(() => t.finishEpoch()).toThrow(/^weights of layer 0 became NaN at epoch 1, step \d+ — the learning rate 0.05 is probably too high$/);
    expect(weights(t)).toEqual(before); // back to the weights before that step
    expect(t.state.step).toBe(stepsBefore); // and the step is not counted: a resume redoes it
    expect(t.state.stepInEpoch).toBe(t.stepsPerEpoch - 1);
    expect(t.optimizer.t).toBe(t.state.step);
    expect(() => encodeCheckpoint(t.checkpoint('2026-01-01T00:00:00.000Z', 'test'))).not.toThrow();
  });

  it('after a divergence the saved state resumes consistently (no step skipped)', () => {
    const t = trainer(config({ lr: 10, loss: 'mse', activation: 'leaky_relu', hidden: [64], momentum: 0.9 }));
    expect(() => trainAll(t)).toThrow(DivergenceError);
    expect(t.optimizer.t).toBe(t.state.step);
    expect(t.state.partial.count).toBe(t.state.stepInEpoch * 32);
  });

  it('refuses to resume on data with other classes or too few batches, saying why', () => {
    const first = trainer(config({ epochs: 2 }));
    trainAll(first, 20); // epoch 2, batch 4 of 16
    const bytes = encodeCheckpoint(first.checkpoint('2026-01-01T00:00:00.000Z', 'test'));
    expect(() => trainer(config({ epochs: 2, classes: [3, 7] }), bytes)).toThrow('the model tells apart classes 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 but this data has classes 3, 7');
    expect(() => trainer(config({ epochs: 2, limit: 64 }), bytes)).toThrow(
      'the model stopped after batch 4 of an epoch, but this data makes only 2 batches an epoch: resume it on the data it was trained on',
    );
  });
});


describe('the baseline a checkpoint carries', () => {
  it('is measured on the test images; data without any saves none', () => {
    const c = config({ epochs: 1 });
    const withTest = new Trainer(c, prepareData(c, fixture.train, fixture.test), clock);
    expect(withTest.checkpoint('2026-12-02T00:00:00.000Z', 'test').dataset!.baseline).toBeGreaterThan(0.5);
    const noTest = new Trainer(c, prepareData(c, fixture.train, null), clock);
    expect(noTest.baselineAccuracy()).toBeNull();
    const saved = decodeCheckpoint(encodeCheckpoint(noTest.checkpoint('2026-12-02T00:00:00.000Z', 'test')), 'x');
    expect(saved.dataset).not.toHaveProperty('baseline');
  });
});

describe('when a model was created', () => {
  it('stays the time of its first save, through later saves and a resumed run', () => {
    const c = config({ epochs: 2 });
    const t = trainer(c);
    trainAll(t, 16); // one epoch of the 500-digit fixture at batch 32
    const first = t.checkpoint('2026-12-02T09:00:00.000Z', 'test');
    trainAll(t);
    expect(t.checkpoint('2026-12-02T09:05:00.000Z', 'test').created).toBe('2026-12-02T09:00:00.000Z');
    const resumed = trainer(config({ epochs: 3 }), encodeCheckpoint(first));
    trainAll(resumed);
    expect(resumed.checkpoint('2026-12-02T10:00:00.000Z', 'test').created).toBe('2026-12-02T09:00:00.000Z');
  });
});
