/**
 * Step inside: one example through the current model, op by op (the tape), a closer look at one
 * unit, a finite-difference check of one weight, and one SGD step applied to a scratch copy.
 * Every trace runs on a copy of the model's parameters, so a run that trains meanwhile, and any
 * file, are never touched.
 */
import { describeArchitecture } from '../architecture';
import type { Model } from '../nn/model';
import type { GradientCheck, NeuronDetail, StepExample, StepTrace } from '../inspect/step-types';
import { copyModel, lossOf, traceExample, type TraceResult } from '../inspect/tape';
import type { HeldModel } from './held-model';

/** The central difference's step: small enough for its truncation error, large enough for rounding. */
export const FD_STEP = 1e-5;

interface Traced {
  model: Model;
  x: Float64Array;
  label: number;
  lr: number;
  result: TraceResult;
  example: StepExample;
}

/** The engine's side of the Step inside view: the last trace, and the scratch copy updates go to. */
export class StepInside {
  /** The copy that applied updates change; null until the first one (then traces read it). */
  private scratch: { model: Model; origin: Model; applied: number } | null = null;
  private last: Traced | null = null;
  /** A model the update preview runs on, reused from call to call. */
  private preview: Model | null = null;
  /** The model of the trace before the last, reused for the next trace. */
  private spare: Model | null = null;

  constructor(private readonly held: () => HeldModel) {}

  /** Trace one example: a test image by index, or given pixels with the true label. */
  trace(example: unknown, label: unknown, lr: unknown, weights: unknown): StepTrace {
    const held = this.held();
    if (weights === 'model' || (this.scratch && this.scratch.origin !== held.model)) this.scratch = null;
    const source = this.scratch?.model ?? held.model;
    const { pixels, truth, described } = this.exampleOf(held, example, label);
    const rate = typeof lr === 'number' && Number.isFinite(lr) && lr > 0 && lr <= 10 ? lr : (held.config?.lr ?? 0.1);
    const scale = source.architecture.input.scale;
    const x = Float64Array.from(pixels, (p) => p * scale);
    const model = this.nextModel(source);
    const result = traceExample(model, x, truth);
    this.last = { model, x, label: truth, lr: rate, result, example: described };
    return this.reply();
  }

  /** Apply the last trace's SGD step to the scratch copy, and trace the same example again on it. */
  apply(): StepTrace {
    const last = this.requireTrace();
    const held = this.held();
    if (!this.scratch || this.scratch.origin !== held.model) this.scratch = { model: copyModel(last.model), origin: held.model, applied: 0 };
    const scratch = this.scratch;
    sgdStep(scratch.model, last.result.grads, last.lr);
    scratch.applied++;
    const model = this.nextModel(scratch.model);
    this.last = { ...last, model, result: traceExample(model, last.x, last.label) };
    return this.reply();
  }

  /** One unit of a linear layer up close, for the last traced example. */
  neuron(layer: unknown, unit: unknown): NeuronDetail {
    const { model, result } = this.requireTrace();
    const lin = model.linears.find((l) => l.index === layer);
    if (!lin) throw new Error(`layer ${String(layer)} is not a linear layer of this model (${describeArchitecture(model.architecture)})`);
    if (typeof unit !== 'number' || !Number.isInteger(unit) || unit < 0 || unit >= lin.out) {
      throw new Error(`layer ${lin.index} has units 0 to ${lin.out - 1} (got ${String(unit)})`);
    }
    const opIndex = result.tape.ops.findIndex((o) => o.layer === lin.index);
    const op = result.tape.ops[opIndex];
    const inputs = result.tape.ops[op.inputs[0].from!].output.values;
    const weights = new Float64Array(lin.in);
    const weightGrad = new Float64Array(lin.in);
    const dW = result.grads.get(`${lin.index}.weight`)!;
    for (let i = 0; i < lin.in; i++) {
      weights[i] = lin.weight.data[i * lin.out + unit];
      weightGrad[i] = dW[i * lin.out + unit];
    }
    const next = result.tape.ops.find((o) => o.layer === lin.index + 1 && o.inputs[0]?.from === opIndex);
    return {
      layer: lin.index,
      unit,
      inputs,
      weights,
      bias: lin.bias.data[unit],
      preActivation: op.output.values[unit],
      activation: next ? { op: next.op, value: next.output.values[unit] } : null,
      weightGrad,
      biasGrad: result.grads.get(`${lin.index}.bias`)![unit],
      outputGrad: op.output.grad?.[unit] ?? 0,
    };
  }

  /**
   * The autograd's ∂loss/∂w beside a central difference (L(w + h) − L(w − h)) / 2h computed here.
   * @param param "0.weight" or "0.bias" @param row, col in PyTorch's layout: weight [out, in], bias [out] (col 0)
   */
  gradcheck(param: unknown, row: unknown, col: unknown): GradientCheck {
    const { model, x, label, result } = this.requireTrace();
    const p = model.parameters().find((q) => q.name === param);
    if (!p) throw new Error(`this model has no parameter "${String(param)}"; it has ${model.parameters().map((q) => q.name).join(', ')}`);
    const isWeight = p.tensor.shape.length === 2;
    const [inF, outF] = isWeight ? p.tensor.shape : [1, p.tensor.shape[0]];
    const c = isWeight ? col : 0;
    if (!isWholeBelow(row, outF) || !isWholeBelow(c, inF)) throw new Error(`${String(param)} has ${isWeight ? `rows 0 to ${outF - 1} and columns 0 to ${inF - 1}` : `entries 0 to ${outF - 1}`}`);
    const i = isWeight ? (c as number) * outF + (row as number) : (row as number);
    const autograd = result.grads.get(p.name)![i];
    const w = p.tensor.data[i];
    p.tensor.data[i] = w + FD_STEP;
    const up = lossOf(model, x, label).loss;
    p.tensor.data[i] = w - FD_STEP;
    const down = lossOf(model, x, label).loss;
    p.tensor.data[i] = w;
    const numeric = (up - down) / (2 * FD_STEP);
    const scale = Math.max(Math.abs(autograd), Math.abs(numeric));
    return { param: p.name, row: row as number, col: c as number, value: w, autograd, numeric, h: FD_STEP, relativeError: scale === 0 ? 0 : Math.abs(autograd - numeric) / scale };
  }

  /** A copy of `source` for a new trace: the previous trace's model is kept until this one replaces it. */
  private nextModel(source: Model): Model {
    const reuse = this.spare;
    this.spare = this.last?.model ?? null;
    return copyModel(source, reuse);
  }

  private requireTrace(): Traced {
    if (!this.last) throw new Error('step inside an example first');
    return this.last;
  }

  private reply(): StepTrace {
    const { model, x, label, lr, result, example } = this.last!;
    const after = (this.preview = copyModel(model, this.preview));
    sgdStep(after, result.grads, lr);
    const next = lossOf(after, x, label);
    const tape = result.tape;
    // NOTE: an mse model's outputs are scores: their softmax is nothing it was trained to give.
    const mse = model.architecture.loss === 'mse';
    return {
      example,
      tape,
      classes: model.architecture.classes,
      loss: model.architecture.loss,
      inputShape: [...model.architecture.input.shape],
      update: {
        lr,
        lossBefore: tape.loss,
        lossAfter: next.loss,
        trueBefore: mse ? tape.outputs[label]! : tape.probabilities[label]!,
        trueAfter: mse ? next.outputs[label]! : next.probabilities[label]!,
        probabilitiesAfter: next.probabilities,
      },
      applied: this.scratch?.applied ?? 0,
    };
  }

  private exampleOf(held: HeldModel, example: unknown, label: unknown): { pixels: Uint8Array; truth: number; described: StepExample } {
    const model = held.model;
    const e = (typeof example === 'object' && example !== null ? example : {}) as Record<string, unknown>;
    if (e.pixels !== undefined) {
      if (!(e.pixels instanceof Uint8Array) || e.pixels.length !== model.inputSize) {
        throw new Error(`the model (${describeArchitecture(model.architecture)}) takes ${model.inputSize} pixels per image`);
      }
      if (!e.pixels.some((p) => p > 0)) throw new Error('the pad is empty: draw a digit first');
      const classes = model.architecture.classes.length;
      if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= classes) {
        throw new Error(`pick the digit's true label: one of ${model.architecture.classes.join(', ')}`);
      }
      return { pixels: e.pixels, truth: label, described: { kind: 'drawn', pixels: e.pixels, label } };
    }
    const test = held.test;
    if (!test) throw new Error('no test images are known for this model: draw a digit on the Digit pad instead');
    const index = e.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= test.count) {
      throw new Error(`test image index must be 0 to ${test.count - 1}`);
    }
    const n = test.rows * test.cols;
    if (n !== model.inputSize) throw new Error(`the model takes ${model.inputSize} pixels but this dataset's images have ${n}`);
    const pixels = test.images.slice(index * n, (index + 1) * n);
    return { pixels, truth: test.labels[index], described: { kind: 'test', index, pixels, label: test.labels[index] } };
  }
}

/** w ← w − lr·g for every parameter (plain SGD: no momentum, no weight decay). */
function sgdStep(model: Model, grads: Map<string, Float64Array>, lr: number): void {
  for (const p of model.parameters()) {
    const w = p.tensor.data;
    const g = grads.get(p.name)!;
    for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
  }
}

function isWholeBelow(v: unknown, n: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < n;
}
