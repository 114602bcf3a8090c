/**
 * Between the engine's layout and the checkpoint's (PyTorch's): the engine stores a linear
 * layer's weight [in, out] (so that y = x·W reads rows, see ops/matmul.ts), a state_dict stores
 * it [out, in]; biases and everything else are the same in both.
 */
import type { DatasetMeta } from '../data/dataset-source';
import { Model } from '../nn/model';
import type { Optimizer } from '../optim/optimizer';
import { Random } from '../random';
import { Tensor } from '../tensor';
import type { EpochMetrics } from '../train/metrics';
import type { TrainingState } from '../train/training-state';
import type { Checkpoint } from './codec';

/** A checkpoint from a model (and optionally its optimizer and run state). */
export function modelCheckpoint(
  model: Model,
  optimizer: Optimizer | null,
  training: TrainingState | null,
  history: EpochMetrics[],
  dataset: DatasetMeta | null,
  created: string,
  appVersion: string,
): Checkpoint {
  const params = new Map<string, { shape: number[]; data: Float64Array }>();
  for (const p of model.parameters()) params.set(p.name, toFileLayout(p.tensor));
  const optim = new Map<string, { shape: number[]; data: Float64Array }>();
  if (optimizer) {
    for (const p of model.parameters()) {
      for (const slot of optimizer.slotNames()) {
        const buf = optimizer.slots.get(`${p.name}.${slot}`)!;
        optim.set(`${p.name}.${slot}`, toFileLayout(new Tensor(buf, p.tensor.shape)));
      }
    }
  }
  return { architecture: model.architecture, params, optimizer: optim, training, history: [...history], dataset, created, appVersion };
}

/**
 * A parameter in PyTorch layout: weights [in, out] become [out, in]; biases are unchanged.
 */
export function toFileLayout(t: Tensor): { shape: number[]; data: Float64Array } {
  if (t.shape.length !== 2) return { shape: [...t.shape], data: t.data.slice() };
  const [inF, outF] = t.shape;
  const out = new Float64Array(t.size);
  for (let i = 0; i < inF; i++) for (let o = 0; o < outF; o++) out[o * inF + i] = t.data[i * outF + o];
  return { shape: [outF, inF], data: out };
}

/** Copy a PyTorch-layout buffer into an internal parameter (the inverse of toFileLayout). */
export function copyFromFileLayout(file: Float64Array, t: Tensor): void {
  if (t.shape.length !== 2) {
    t.data.set(file);
    return;
  }
  const [inF, outF] = t.shape;
  for (let o = 0; o < outF; o++) for (let i = 0; i < inF; i++) t.data[i * outF + o] = file[o * inF + i];
}

/** Optimizer slots in PyTorch layout, as the internal buffers of `model`'s parameters. */
export function slotsFromFileLayout(optim: Map<string, { shape: number[]; data: Float64Array }>, model: Model): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  const byName = new Map(model.parameters().map((p) => [p.name, p.tensor]));
  for (const [name, t] of optim) {
    const param = byName.get(name.slice(0, name.lastIndexOf('.')));
    if (!param) continue;
    const internal = new Tensor(new Float64Array(param.size), param.shape);
    copyFromFileLayout(t.data, internal);
    out.set(name, internal.data);
  }
  return out;
}

/** Load a checkpoint's weights into a fresh model (for inference and viewing). */
export function modelFromCheckpoint(c: Checkpoint): Model {
  const model = new Model(c.architecture, new Random(0));
  for (const p of model.parameters()) copyFromFileLayout(c.params.get(p.name)!.data, p.tensor);
  return model;
}
