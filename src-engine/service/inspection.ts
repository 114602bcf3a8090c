/**
 * Inspection: what the views ask of the engine's model without changing it: its weights, a
 * prediction with its saliency, test samples, and what a dataset holds.
 */
import { describeArchitecture } from '../architecture';
import { backward } from '../autograd';
import type { Dataset } from '../data/dataset';
import type { Model } from '../nn/model';
import type { DatasetInfo, DatasetSource, DigitBytes, Prediction, Sample, WeightsSnapshot } from '../protocol';
import { Random } from '../random';
import { noGrad, Tensor } from '../tensor';
import { baselineAccuracy, meanImageBytes, meanImages } from '../train/baseline';
import { evaluate } from '../train/evaluate';
import type { DatasetCache, HeldModel } from './held-model';

/** The held model's weights and biases, as the weights views draw them. */
export function weightsSnapshot(c: HeldModel): WeightsSnapshot {
  return {
    epoch: c.epoch,
    step: c.step,
    layers: c.model.linears.map((l) => ({
      name: String(l.index),
      in: l.in,
      out: l.out,
      weight: Float32Array.from(l.weight.data),
      bias: Float32Array.from(l.bias.data),
    })),
  };
}

export class Inspection {
  private readonly infos = new Map<string, DatasetInfo>();
  private readonly random = new Random(12345);

  /** `held` gives the engine's model now, or throws when there is none. */
  constructor(private readonly held: () => HeldModel, private readonly datasets: DatasetCache) {}

  weights(): WeightsSnapshot {
    return weightsSnapshot(this.held());
  }

  predict(pixels: unknown, saliency: boolean): Prediction {
    const { model } = this.held();
    if (!(pixels instanceof Uint8Array) || pixels.length !== model.inputSize) {
      throw new Error(`the model (${describeArchitecture(model.architecture)}) takes ${model.inputSize} pixels per image`);
    }
    const scale = model.architecture.input.scale;
    const x = new Tensor(Float64Array.from(pixels, (p) => p * scale), [1, model.inputSize], saliency);
    // NOTE: without saliency no graph is recorded (the parameters would otherwise pull one in);
    // with it, only the input's: the parameters' gradients (800 kB for 784-128-10) are not wanted.
    const params = model.parameters().map((p) => p.tensor);
    const wanted = params.map((p) => p.requiresGrad);
    for (const p of params) p.requiresGrad = false;
    try {
      return this.predictWith(model, x, saliency);
    } finally {
      params.forEach((p, i) => (p.requiresGrad = wanted[i]!));
    }
  }

  private predictWith(model: Model, x: Tensor, saliency: boolean): Prediction {
    const scale = model.architecture.input.scale;
    const { output, layerOutputs } = saliency ? model.forwardLayers(x) : noGrad(() => model.forwardLayers(x));
    const logits = output.data.slice();
    const predicted = model.predictClasses(logits, 1)[0];
    let sal: Float64Array | null = null;
    if (saliency && output.requiresGrad) {
      // ∂ logit[predicted] / ∂ pixel (for bce: of the single logit, signed toward the answer)
      const seed = new Float64Array(output.size);
      if (model.outputSize === 1) seed[0] = predicted === 1 ? 1 : -1;
      else seed[predicted] = 1;
      backward(output, seed);
      sal = Float64Array.from(x.grad!, (g) => g * scale); // per raw byte → per scaled input
    }
    const hidden = model.linears.length > 1 ? layerOutputs[1] : null;
    const topHidden = hidden
      ? Array.from(hidden.data, (activation, unit) => ({ unit, activation }))
          .sort((a, b) => b.activation - a.activation)
          .slice(0, 10)
      : [];
    return { classes: model.architecture.classes, probabilities: model.probabilities(logits), logits, saliency: sal, topHidden };
  }

  datasetInfo(source: DatasetSource): DatasetInfo {
    const key = JSON.stringify(source);
    const cached = this.infos.get(key);
    if (cached) return cached;
    const { train, test } = this.datasets.get(source);
    const means = meanImages(train);
    const info: DatasetInfo = {
      name: train.name,
      train: train.count,
      test: test?.count ?? 0,
      rows: train.rows,
      cols: train.cols,
      classes: train.classes,
      meanImages: meanImageBytes(means),
      baselineAccuracy: test ? baselineAccuracy(means, test) : NaN,
      examples: firstOfEachClass(train, 10),
    };
    this.infos.set(key, info);
    return info;
  }

  /** A slice of bundled MNIST, copied (the Build it view's training data). */
  digits(split: unknown, start: unknown, count: unknown): DigitBytes {
    const ds = this.datasets.get({ kind: 'mnist' })[split === 'train' ? 'train' : 'test'];
    if (!ds) throw new Error('the bundled MNIST has no test set here');
    if (typeof start !== 'number' || typeof count !== 'number' || !Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > ds.count) {
      throw new Error(`digits must lie within the ${ds.count} images of the ${split === 'train' ? 'training' : 'test'} set`);
    }
    const n = ds.rows * ds.cols;
    return { images: ds.images.slice(start * n, (start + count) * n), labels: ds.labels.slice(start, start + count), count };
  }

  sample(which: unknown, after?: unknown): Sample {
    const c = this.held();
    const test = c.test;
    if (!test) throw new Error('no test images are known for this model');
    let index: number;
    let wrong: Sample['wrong'];
    if (which === 'random') index = this.random.int(test.count);
    else if (which === 'misclassified') {
      if (!c.wrong) {
        const wrong: number[] = [];
        evaluate(c.model, test, 1000, (i, p) => {
          if (p !== test.labels[i]) wrong.push(i);
        });
        c.wrong = wrong;
      }
      if (!c.wrong.length) throw new Error('the model gets every test image right');
      const next = typeof after === 'number' ? c.wrong.findIndex((i) => i > after) : -1;
      const position = typeof after === 'number' ? Math.max(0, next) : this.random.int(c.wrong.length);
      index = c.wrong[position];
      wrong = { position, count: c.wrong.length };
    } else if (typeof which === 'number' && Number.isInteger(which) && which >= 0 && which < test.count) index = which;
    else throw new Error(`test image index must be 0 to ${test.count - 1}`);
    const n = test.rows * test.cols;
    const pixels = test.images.slice(index * n, (index + 1) * n);
    const prediction = c.model.predictClasses(this.predict(pixels, false).logits, 1)[0];
    return wrong ? { index, pixels, label: test.labels[index], prediction, wrong } : { index, pixels, label: test.labels[index], prediction };
  }
}

/** The first training image of each class, in class order, up to `max` of them. */
function firstOfEachClass(ds: Dataset, max: number): NonNullable<DatasetInfo['examples']> {
  const first = new Map<number, number>();
  for (let i = 0; i < ds.count && first.size < Math.min(max, ds.classes.length); i++) if (!first.has(ds.labels[i])) first.set(ds.labels[i], i);
  const picked = [...first.entries()].sort((a, b) => a[0] - b[0]).slice(0, max);
  const pixels = ds.rows * ds.cols;
  const images = new Uint8Array(picked.length * pixels);
  picked.forEach(([, i], k) => images.set(ds.images.subarray(i * pixels, (i + 1) * pixels), k * pixels));
  return { images, indices: picked.map(([, i]) => i), labels: picked.map(([label]) => ds.classes[label]) };
}
