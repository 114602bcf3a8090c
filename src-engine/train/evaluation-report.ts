/**
 * The Evaluate view's numbers: one pass over a dataset that keeps every example's prediction and
 * confidence, from which come the confusion matrix, per-class precision and recall, and the
 * galleries (a confusion cell's digits, the most confidently wrong, the least confident right).
 * Also a chosen hidden layer's activations for the hidden-layer map.
 */
import { Batcher } from '../data/batcher';
import type { Dataset } from '../data/dataset';
import { scratchScope } from '../kernels/kernels';
import type { Model } from '../nn/model';
import { noGrad, Tensor } from '../tensor';
import { evaluate } from './evaluate';

/** Which held-out images: the test set, or the run's validation split. */
export type EvalSplit = 'test' | 'validation';

/**
 * What "confidence" means for the model: a softmax or sigmoid probability (cross-entropy, bce),
 * or, for an MSE model, its raw output for the predicted class (a score, not a probability).
 */
export type ConfidenceKind = 'probability' | 'score';

/** The report the Evaluate view shows (no per-example data: galleries are asked for apart). */
export interface EvaluationSummary {
  split: EvalSplit;
  count: number;
  accuracy: number;
  loss: number;
  classes: string[];
  /** confusion[true · classes + predicted] counts. */
  confusion: Uint32Array;
  /** Per predicted class: right / predicted as it (NaN when nothing was predicted as it). */
  precision: Float64Array;
  /** Per true class: right / examples of it (NaN for a class with no examples). */
  recall: Float64Array;
  confidence: ConfidenceKind;
}

/** Every example's prediction and confidence, kept by the engine for galleries. */
export interface ExampleResults {
  dataset: Dataset;
  predicted: Uint8Array;
  confidence: Float64Array;
}

/** Which digits a gallery shows. */
export type GalleryQuery =
  /** One confusion cell, most confident first. */
  | { kind: 'cell'; truth: number; predicted: number }
  /** Wrong answers, most confident first. */
  | { kind: 'wrong' }
  /** Right answers, least confident first. */
  | { kind: 'unsure' };

export interface GalleryItem {
  /** Index in the split's dataset. */
  index: number;
  label: number;
  predicted: number;
  confidence: number;
}

export interface Gallery {
  /** How many examples match (items holds at most the limit asked for). */
  total: number;
  items: GalleryItem[];
  /** items.length × rows·cols bytes, the digits in item order. */
  pixels: Uint8Array;
  rows: number;
  cols: number;
}

/** A hidden layer's outputs for the first `count` examples of a dataset. */
export interface HiddenActivations {
  /** Index in architecture.layers. */
  layer: number;
  units: number;
  count: number;
  /** [count, units] */
  activations: Float32Array;
  labels: Uint8Array;
  /** [count] the class the model answers for each digit (a map's hover says it beside the truth). */
  predicted: Uint8Array;
  /** [count, rows·cols] bytes, for hovering. */
  pixels: Uint8Array;
  rows: number;
  cols: number;
}

/**
 * Evaluate a model on a dataset keeping each example's prediction and confidence.
 * @returns the summary to send and the per-example results to keep
 */
export function evaluateExamples(model: Model, ds: Dataset, split: EvalSplit): { summary: EvaluationSummary; examples: ExampleResults } {
  const predicted = new Uint8Array(ds.count);
  const confidence = new Float64Array(ds.count);
  const outputs = model.outputSize;
  const loss = model.architecture.loss;
  const e = evaluate(model, ds, 1000, undefined, (start, n, out, pred) => {
    predicted.set(pred, start);
    for (let r = 0; r < n; r++) {
      const p = pred[r];
      if (outputs === 1) {
        const s = 1 / (1 + Math.exp(-out[r])); // σ(logit) = P(class 1)
        confidence[start + r] = p === 1 ? s : 1 - s;
      } else if (loss === 'mse') {
        confidence[start + r] = out[r * outputs + p];
      } else {
        // softmax of the predicted class: 1 / Σ_j exp(o_j − o_p)
        const top = out[r * outputs + p];
        let sum = 0;
        for (let j = 0; j < outputs; j++) sum += Math.exp(out[r * outputs + j] - top);
        confidence[start + r] = 1 / sum;
      }
    }
  });
  const k = model.architecture.classes.length;
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let asC = 0;
    let ofC = 0;
    for (let o = 0; o < k; o++) {
      asC += e.confusion[o * k + c];
      ofC += e.confusion[c * k + o];
    }
    const right = e.confusion[c * k + c];
    precision[c] = asC ? right / asC : NaN;
    recall[c] = ofC ? right / ofC : NaN;
  }
  return {
    summary: {
      split,
      count: e.count,
      accuracy: e.accuracy,
      loss: e.loss,
      classes: model.architecture.classes,
      confusion: e.confusion,
      precision,
      recall,
      confidence: loss === 'mse' ? 'score' : 'probability',
    },
    examples: { dataset: ds, predicted, confidence },
  };
}

/**
 * The digits of one gallery, in its order, at most `limit` of them.
 * @param limit 1 or more
 */
export function gallery(r: ExampleResults, query: GalleryQuery, limit: number): Gallery {
  const { dataset: ds, predicted, confidence } = r;
  const labels = ds.labels;
  const chosen: number[] = [];
  for (let i = 0; i < ds.count; i++) {
    const right = predicted[i] === labels[i];
    if (query.kind === 'cell' ? labels[i] === query.truth && predicted[i] === query.predicted : query.kind === 'wrong' ? !right : right) chosen.push(i);
  }
  const sign = query.kind === 'unsure' ? 1 : -1;
  chosen.sort((a, b) => sign * (confidence[a] - confidence[b]) || a - b);
  const shown = chosen.slice(0, limit);
  const size = ds.rows * ds.cols;
  const pixels = new Uint8Array(shown.length * size);
  shown.forEach((index, j) => pixels.set(ds.images.subarray(index * size, (index + 1) * size), j * size));
  return {
    total: chosen.length,
    items: shown.map((index) => ({ index, label: labels[index], predicted: predicted[index], confidence: confidence[index] })),
    pixels,
    rows: ds.rows,
    cols: ds.cols,
  };
}

/** Layers whose outputs the hidden-layer map can show: every layer but the output. */
export function hiddenLayerChoices(model: Model): number[] {
  return model.architecture.layers.map((_, i) => i).slice(0, -1);
}

/**
 * The outputs of layer `layer` (an index in architecture.layers) for the first `count` examples.
 * @returns activations [count, units] as float32
 */
export function hiddenActivations(model: Model, ds: Dataset, layer: number, count: number): HiddenActivations {
  const n = Math.min(count, ds.count);
  const units = unitsOf(model, layer);
  const activations = new Float32Array(n * units);
  const predicted = new Uint8Array(n);
  const batchSize = Math.max(1, Math.min(500, n));
  const batcher = new Batcher(ds, model.architecture.input.scale, batchSize);
  const order = new Uint32Array(n).map((_, i) => i);
  noGrad(() => {
    for (let start = 0; start < n; start += batchSize) {
      const b = batcher.fill(order, start, Math.min(batchSize, n - start));
      scratchScope(() => {
        const { layerOutputs } = model.forwardLayers(new Tensor(b.x, [b.n, model.inputSize]));
        activations.set(layerOutputs[layer].data.subarray(0, b.n * units), start * units);
        predicted.set(model.predictClasses(layerOutputs[layerOutputs.length - 1].data, b.n), start);
      });
    }
  });
  const size = ds.rows * ds.cols;
  return {
    layer,
    units,
    count: n,
    activations,
    labels: ds.labels.slice(0, n),
    predicted,
    pixels: ds.images.slice(0, n * size),
    rows: ds.rows,
    cols: ds.cols,
  };
}

/** The width of a layer's output: its own `out`, or for an activation the linear before it. */
function unitsOf(model: Model, layer: number): number {
  const layers = model.architecture.layers;
  for (let i = layer; i >= 0; i--) {
    const l = layers[i];
    if (l.type === 'linear') return l.out;
  }
  return model.inputSize;
}
