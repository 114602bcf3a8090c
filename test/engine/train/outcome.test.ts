import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { EpochMetrics } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { checkOutcome, finishedOutcome, stoppedOutcome } from '../../../src-engine/train/outcome';
import { prepareData, Trainer } from '../../../src-engine/train/trainer';

const epoch = (acc: number, loss = 0.5, over: Partial<EpochMetrics> = {}): EpochMetrics => ({
  epoch: 1, train_loss: loss, train_accuracy: acc, test_loss: loss, test_accuracy: acc, lr: 0.1, seconds: 1, samples_per_second: 1, ...over,
});

describe('run outcomes', () => {
  it('done when it learned; not learning at chance (1/classes + 5 points) or with a loss no lower than at the start', () => {
    expect(finishedOutcome({ history: [epoch(0.97)], classes: 10, startLoss: 2.3 })).toEqual({ kind: 'done', message: 'test accuracy 97.00%' });
    expect(finishedOutcome({ history: [epoch(0.1135)], classes: 10, startLoss: 2.3 })).toEqual({
      kind: 'not_learning',
      message: 'test accuracy 11.35% is at chance level (10.00% for 10 classes): the network did not learn',
    });
    expect(finishedOutcome({ history: [epoch(0.16)], classes: 10, startLoss: 2.3 }).kind).toBe('done');
    expect(finishedOutcome({ history: [epoch(0.54)], classes: 2, startLoss: 0.7 }).kind).toBe('not_learning');
    expect(finishedOutcome({ history: [epoch(0.4, 475)], classes: 10, startLoss: 2.35 })).toEqual({
      kind: 'not_learning',
      message: 'the training loss 475.0000 after epoch 1 is no lower than at the start (2.3500)',
    });
    expect(finishedOutcome({ history: [epoch(0.4, 3.5e15)], classes: 10, startLoss: 2.35 }).message).toMatch(/3\.50e\+15/);
    // no test set: validation, else training accuracy
    expect(finishedOutcome({ history: [epoch(0.9, 0.5, { test_accuracy: NaN, val_accuracy: 0.1 })], classes: 10, startLoss: null }).message).toMatch(/^validation accuracy 10\.00%/);
  });

  it('is stored in the checkpoint and read back; a malformed one is refused with the file name', () => {
    const { train, test } = loadDataset({ kind: 'idx', dir: 'test/fixtures/mnist-500' });
    const config = { ...DEFAULT_CONFIG, dataset: { kind: 'idx' as const, dir: 'test/fixtures/mnist-500' }, hidden: [8], epochs: 1 };
    const t = new Trainer(config, prepareData(config, train, test), () => 0);
    const c = t.checkpoint('2026-12-01T00:00:00.000Z', 'test');
    expect(decodeCheckpoint(encodeCheckpoint(c), 'a.safetensors').outcome).toBeUndefined();
    c.outcome = { kind: 'diverged', message: 'loss became NaN at epoch 1, step 3', epoch: 1, step: 3 };
    expect(decodeCheckpoint(encodeCheckpoint(c), 'a.safetensors').outcome).toEqual(c.outcome);
    c.outcome = { kind: 'exploded' as never, message: 'x' };
    expect(() => decodeCheckpoint(encodeCheckpoint(c), 'b.safetensors')).toThrow('b.safetensors: outcome.kind must be one of done, diverged, not_learning, stopped');
    expect(() => checkOutcome({ kind: 'done', message: 'ok', step: -1 })).toThrow('outcome.step must be a whole number');
  });
});

describe('run outcomes of resumed runs', () => {
  it('a converged model trained on is not "not learning" because its loss no longer falls', () => {
    const { train, test } = loadDataset({ kind: 'idx', dir: 'test/fixtures/mnist-500' });
    const config = { ...DEFAULT_CONFIG, dataset: { kind: 'idx' as const, dir: 'test/fixtures/mnist-500' }, hidden: [32], epochs: 15, schedule: 'constant' as const };
    const data = prepareData(config, train, test);
    const first = new Trainer(config, data, () => 0);
    while (!first.finished) if (first.trainBatch().epochEnded) first.finishEpoch();
    expect(first.finishedOutcome().kind).toBe('done');
    const bytes = encodeCheckpoint(first.checkpoint('2026-12-01T00:00:00.000Z', 'test'));
    const more = new Trainer({ ...config, epochs: 16 }, data, () => 0, decodeCheckpoint(bytes, 'm.safetensors'));
    const firstLoss = more.trainBatch().loss;
    while (!more.finished) if (more.trainBatch().epochEnded) more.finishEpoch();
    // on the plateau the epoch's loss is no lower than its first batch's: judged against that, it would be "not learning"
    expect(more.history.at(-1)!.train_loss).toBeGreaterThanOrEqual(0.99 * firstLoss);
    expect(more.finishedOutcome().kind).toBe('done');
  });
});

describe('stoppedOutcome', () => {
  it('says where a stopped run stood: after whole epochs, or part-way into one', () => {
    expect(stoppedOutcome(2, 4).message).toBe('stopped after 2 of 4 epochs');
    expect(stoppedOutcome(0, 2, 688, 844).message).toBe('stopped at epoch 1, step 688 of 844 (0 of 2 epochs done)');
  });
});
