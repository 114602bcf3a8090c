/**
 * One example through the engine, as the exported notebook checks it: every layer's output, the
 * loss, every parameter's gradient (by the engine's autograd) and the parameters after one plain
 * SGD step (by the engine's optimizer), with the loss after it. Parameters are in the file's
 * PyTorch layout ([out, in]) so that numpy compares them as they are.
 */
import { backward } from '../autograd';
import type { Checkpoint } from '../checkpoint/codec';
import { Optimizer } from '../optim/optimizer';
import { modelFromCheckpoint, toFileLayout } from '../checkpoint/layout';
import { noGrad, Tensor } from '../tensor';

/** A tensor as the notebook embeds it: in full when small, else its norm, sum and a sample of entries. */
export interface TensorCheck {
  shape: number[];
  /** Every value (row-major), for tensors of at most FULL_VALUES values. */
  values?: number[];
  norm?: number;
  sum?: number;
  /** Flat indices of the sampled entries: the largest |gradient| and an even spread. */
  indices?: number[];
  sampled?: number[];
}

export interface ExampleStep {
  /** The image's bytes and its class index (in the model's classes). */
  image: Uint8Array;
  label: number;
  layerOutputs: number[][];
  loss: number;
  grads: Record<string, TensorCheck>;
  /** The learning rate of the SGD step. */
  lr: number;
  afterStep: Record<string, TensorCheck>;
  lossAfterStep: number;
}

/** Tensors up to this many values are embedded whole. */
export const FULL_VALUES = 2000;
const SAMPLES = 16;

function check(shape: number[], data: Float64Array, indices: number[]): TensorCheck {
  if (data.length <= FULL_VALUES) return { shape, values: Array.from(data) };
  let sq = 0;
  let sum = 0;
  for (const v of data) {
    sq += v * v;
    sum += v;
  }
  return { shape, norm: Math.sqrt(sq), sum, indices, sampled: indices.map((i) => data[i]) };
}

/** The entries the notebook compares one by one: the largest |g| (where the step moves most) and an even spread. */
function sampleIndices(grad: Float64Array): number[] {
  const largest = Array.from(grad.keys())
    .sort((a, b) => Math.abs(grad[b]) - Math.abs(grad[a]) || a - b)
    .slice(0, SAMPLES);
  const spread = Array.from({ length: SAMPLES }, (_, k) => Math.floor(((k + 0.5) * grad.length) / SAMPLES));
  return [...new Set([...largest, ...spread])].sort((a, b) => a - b);
}

/**
 * The engine's forward pass, backward pass and one SGD step (lr, no momentum, no weight decay)
 * on one example.
 * @param image the raw bytes (the model scales them) @param label class index
 */
export function exampleStep(c: Checkpoint, image: Uint8Array, label: number, lr: number): ExampleStep {
  const model = modelFromCheckpoint(c);
  const scale = c.architecture.input.scale;
  const x = new Tensor(Float64Array.from(image, (b) => b * scale), [1, model.inputSize]);
  const labels = Uint8Array.of(label);
  const { output, layerOutputs } = model.forwardLayers(x);
  const loss = model.loss(output, labels);
  backward(loss);
  const grads: Record<string, TensorCheck> = {};
  const samples = new Map<string, number[]>();
  for (const p of model.parameters()) {
    const g = toFileLayout(new Tensor(p.tensor.grad!, p.tensor.shape));
    samples.set(p.name, sampleIndices(g.data));
    grads[p.name] = check(g.shape, g.data, samples.get(p.name)!);
  }
  const optimizer = new Optimizer(model.parameters(), { name: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 });
  optimizer.step(lr);
  const afterStep: Record<string, TensorCheck> = {};
  for (const p of model.parameters()) {
    const w = toFileLayout(p.tensor);
    afterStep[p.name] = check(w.shape, w.data, samples.get(p.name)!);
  }
  const lossAfterStep = noGrad(() => model.loss(model.forward(x), labels).item());
  return {
    image: image.slice(),
    label,
    layerOutputs: layerOutputs.map((t) => Array.from(t.data)),
    loss: loss.item(),
    grads,
    lr,
    afterStep,
    lossAfterStep,
  };
}
