import { describe, expect, it } from 'vitest';
import type { LossName } from '../../../src-engine/architecture';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { evaluateExamples, gallery, hiddenActivations } from '../../../src-engine/train/evaluation-report';
import type { Dataset } from '../../../src-engine/data/dataset';
import type { Model } from '../../../src-engine/nn/model';
import { Trainer, prepareData } from '../../../src-engine/train/trainer';
import { trainedService } from '../service/trained-service';

const dataset = { kind: 'idx' as const, dir: 'test/fixtures/mnist-500' };
const fixture = loadDataset(dataset);

function trainedModel(loss: LossName, extra: Partial<TrainConfig> = {}): { model: Model; test: Dataset } {
  const config: TrainConfig = { ...DEFAULT_CONFIG, dataset, hidden: [16], loss, epochs: 1, batch: 50, lr: 0.1, ...extra };
  const data = prepareData(config, fixture.train, fixture.test);
  const t = new Trainer(config, data, () => 0);
  while (!t.trainBatch().epochEnded);
  t.finishEpoch();
  return { model: t.model, test: data.test! };
}

/** The reference: one example at a time through Model.infer, counted by hand. */
function independentCount(model: Model, ds: Dataset) {
  const k = model.architecture.classes.length;
  const size = ds.rows * ds.cols;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const preds: number[] = [];
  const conf: number[] = [];
  for (let i = 0; i < ds.count; i++) {
    const x = Float64Array.from(ds.images.subarray(i * size, (i + 1) * size), (p) => p * model.architecture.input.scale);
    const out = model.infer(x);
    const p = model.outputSize === 1 ? (out[0] > 0 ? 1 : 0) : out.indexOf(Math.max(...out));
    counts[ds.labels[i]][p]++;
    preds.push(p);
    conf.push(model.architecture.loss === 'mse' ? out[p] : model.probabilities(out)[p]);
  }
  return { counts, preds, conf };
}

describe('evaluation report', () => {
  it('matches an independent per-example count: confusion, accuracy, precision, recall, confidences', () => {
    const { model, test } = trainedModel('cross_entropy');
    const { summary, examples } = evaluateExamples(model, test, 'test');
    const ref = independentCount(model, test);
    const k = 10;
    expect(Array.from(summary.confusion)).toEqual(ref.counts.flat());
    const right = ref.counts.reduce((s, row, c) => s + row[c], 0);
    expect(summary.accuracy).toBe(right / test.count);
    expect(summary.accuracy).toBeGreaterThan(0.2); // better than chance: a matrix with structure
    for (let c = 0; c < k; c++) {
      const predictedAsC = ref.counts.reduce((s, row) => s + row[c], 0);
      const ofC = ref.counts[c].reduce((s, v) => s + v, 0);
      if (predictedAsC) expect(summary.precision[c]).toBeCloseTo(ref.counts[c][c] / predictedAsC, 12);
      else expect(summary.precision[c]).toBeNaN();
      expect(summary.recall[c]).toBeCloseTo(ref.counts[c][c] / ofC, 12);
    }
    expect(Array.from(examples.predicted)).toEqual(ref.preds);
    ref.conf.forEach((c, i) => expect(examples.confidence[i]).toBeCloseTo(c, 10));
    expect(summary.confidence).toBe('probability');
  });

  it('orders galleries: a cell most confident first, wrong most confident first, right least confident first', () => {
    const { model, test } = trainedModel('cross_entropy');
    const { summary, examples } = evaluateExamples(model, test, 'test');
    // the biggest off-diagonal cell
    let cell = { truth: 0, predicted: 1, n: -1 };
    for (let t = 0; t < 10; t++) for (let p = 0; p < 10; p++) if (t !== p && summary.confusion[t * 10 + p] > cell.n) cell = { truth: t, predicted: p, n: summary.confusion[t * 10 + p] };
    const g = gallery(examples, { kind: 'cell', truth: cell.truth, predicted: cell.predicted }, 200);
    expect(g.total).toBe(cell.n);
    expect(g.items.every((it) => it.label === cell.truth && it.predicted === cell.predicted)).toBe(true);
    for (let i = 1; i < g.items.length; i++) expect(g.items[i - 1].confidence).toBeGreaterThanOrEqual(g.items[i].confidence);
    const size = 784;
    g.items.forEach((it, j) => expect(Array.from(g.pixels.subarray(j * size, (j + 1) * size))).toEqual(Array.from(test.images.subarray(it.index * size, (it.index + 1) * size))));

    const wrong = gallery(examples, { kind: 'wrong' }, 5);
    expect(wrong.total).toBe(test.count - Math.round(summary.accuracy * test.count));
    expect(wrong.items).toHaveLength(5);
    const allWrongConf = Array.from(examples.confidence).filter((_, i) => examples.predicted[i] !== test.labels[i]);
    expect(wrong.items[0].confidence).toBe(Math.max(...allWrongConf));
    const unsure = gallery(examples, { kind: 'unsure' }, 5);
    const allRightConf = Array.from(examples.confidence).filter((_, i) => examples.predicted[i] === test.labels[i]);
    expect(unsure.items[0].confidence).toBe(Math.min(...allRightConf));
    expect(unsure.items.every((it) => it.label === it.predicted)).toBe(true);
  });

  it('calls an MSE model\'s confidence a score and uses a binary model\'s two classes', () => {
    const mse = trainedModel('mse');
    const r = evaluateExamples(mse.model, mse.test, 'test');
    expect(r.summary.confidence).toBe('score');
    const ref = independentCount(mse.model, mse.test);
    expect(Array.from(r.summary.confusion)).toEqual(ref.counts.flat());
    ref.conf.forEach((c, i) => expect(r.examples.confidence[i]).toBeCloseTo(c, 10));

    const bce = trainedModel('bce', { classes: [3, 7] });
    const b = evaluateExamples(bce.model, bce.test, 'test');
    expect(b.summary.classes).toEqual(['3', '7']);
    expect(b.summary.confusion).toHaveLength(4);
    const bref = independentCount(bce.model, bce.test);
    expect(Array.from(b.summary.confusion)).toEqual(bref.counts.flat());
    bref.conf.forEach((c, i) => expect(b.examples.confidence[i]).toBeCloseTo(c, 10));
    expect(Math.min(...b.examples.confidence)).toBeGreaterThanOrEqual(0.5);
  });

  it('gives a hidden layer\'s activations as a forward pass of each digit does', () => {
    const { model, test } = trainedModel('cross_entropy');
    const h = hiddenActivations(model, test, 1, 30); // layer 1: the relu after 784-16
    expect(h.units).toBe(16);
    expect(h.count).toBe(30);
    expect(Array.from(h.labels)).toEqual(Array.from(test.labels.subarray(0, 30)));
    for (const i of [0, 17, 29]) {
      const x = Float64Array.from(test.images.subarray(i * 784, (i + 1) * 784), (p) => p * model.architecture.input.scale);
      const w = model.linears[0];
      for (const u of [0, 5, 15]) {
        let z = w.bias.data[u];
        for (let j = 0; j < 784; j++) z += x[j] * w.weight.data[j * 16 + u];
        expect(h.activations[i * 16 + u]).toBeCloseTo(Math.fround(Math.max(0, z)), 5);
      }
    }
    // each digit's answer, as evaluating the whole set gives it (a map's hover says it beside the truth)
    const all = evaluateExamples(model, test, 'test');
    expect(Array.from(h.predicted)).toEqual(Array.from(all.examples.predicted.subarray(0, 30)));
  });
});

describe('evaluation calls in the engine service', () => {
  // NOTE: the default learning rate, as these calls were first tested with
  const service = (config: Partial<TrainConfig>) => trainedService({ hidden: [8], epochs: 1, lr: DEFAULT_CONFIG.lr, ...config }).service;

  it('evaluates the validation split, serves galleries of it, and refuses bad requests with one clear message', () => {
    const s = service({ validation: 0.2 });
    const v = s.handle('model:evaluate', { split: 'validation' });
    expect(v.split).toBe('validation');
    expect(v.count).toBe(100); // 20% of the fixture's 500 training digits
    expect(v.weights).toEqual({ epoch: 1, step: 8, stepsPerEpoch: 8 }); // after its one epoch of 400 digits in batches of 50
    expect(Array.from(v.confusion).reduce((a, b) => a + b, 0)).toBe(100);
    const g = s.handle('model:gallery', { split: 'validation', query: { kind: 'wrong' }, limit: 3 });
    expect(g.items.length).toBeLessThanOrEqual(3);
    expect(() => s.handle('model:gallery', { split: 'test', query: { kind: 'wrong' } })).toThrow('evaluate the model on the test images first');
    expect(() => s.handle('model:gallery', { split: 'validation', query: { kind: 'cell', truth: 10, predicted: 0 } })).toThrow("a confusion cell's classes must be 0 to 9");
    expect(() => s.handle('model:hidden', { split: 'test', layer: 2, count: 10 })).toThrow('the hidden layer must be one of 0, 1 (got 2)');
    expect(() => s.handle('model:hidden', { split: 'test', layer: 1, count: 0 })).toThrow('the number of digits must be 1 to 10000 (got 0)');
    expect(s.handle('model:hidden', { split: 'test', layer: 1, count: 20 }).activations).toHaveLength(20 * 8);
  });

  it('says so when the run held out no validation split', () => {
    const s = service({});
    expect(() => s.handle('model:evaluate', { split: 'validation' })).toThrow('this model was trained without a validation split');
    expect(s.handle('model:evaluate', { split: 'test' }).count).toBe(fixture.test!.count);
  });
});
