/**
 * Small models trained by the real engine on the bundled MNIST, for the export tests, and the
 * engine's own outputs on the 10,000 test digits to compare exports against.
 */
import type { Activation, LossName } from '../../src-engine/architecture';
import type { Checkpoint } from '../../src-engine/checkpoint/codec';
import type { Dataset } from '../../src-engine/data/dataset';
import { useBackend } from '../../src-engine/node/backend';
import { loadDataset } from '../../src-engine/node/dataset-files';
import { DEFAULT_CONFIG } from '../../src-engine/train/config';
import { modelFromCheckpoint } from '../../src-engine/checkpoint/layout';
import { prepareData, Trainer } from '../../src-engine/train/trainer';
import { noGrad, Tensor } from '../../src-engine/tensor';

export interface Recipe {
  hidden: number[];
  activation?: Activation;
  loss?: LossName;
  classes?: number[];
  limit?: number;
  optimizer?: 'sgd' | 'adam';
  dropout?: number[];
}

/** The single-threaded wasm kernels (the same numbers as TypeScript's, several times faster): call in beforeAll. */
export async function fastKernels(): Promise<void> {
  await useBackend('wasm-simd', 1);
}

let mnist: ReturnType<typeof loadDataset> | null = null;

/** The bundled MNIST, read once. */
export function bundledMnist(): { train: Dataset; test: Dataset } {
  mnist ??= loadDataset({ kind: 'mnist' });
  return { train: mnist.train, test: mnist.test! };
}

/** One epoch of the engine on the first `limit` training digits. */
export function trainModel(r: Recipe): Checkpoint {
  const config = {
    ...DEFAULT_CONFIG,
    hidden: r.hidden,
    activation: r.activation ?? 'relu',
    loss: r.loss ?? 'cross_entropy',
    optimizer: r.optimizer ?? 'sgd',
    momentum: r.optimizer === 'adam' ? 0 : DEFAULT_CONFIG.momentum,
    lr: r.optimizer === 'adam' ? 0.002 : DEFAULT_CONFIG.lr,
    limit: r.limit ?? 3000,
    epochs: 1,
    seed: 4,
    ...(r.classes ? { classes: r.classes } : {}),
    ...(r.dropout ? { dropout: r.dropout } : {}),
  };
  const { train, test } = bundledMnist();
  const trainer = new Trainer(config, prepareData(config, train, test), () => 0);
  while (!trainer.finished) if (trainer.trainBatch().epochEnded) trainer.finishEpoch();
  return trainer.checkpoint('2026-12-01T00:00:00.000Z', 'test');
}

/** The engine's outputs [count × outputs] for `count` images of a dataset, row-major. */
export function engineOutputs(c: Checkpoint, images: Uint8Array, count: number): Float64Array {
  const model = modelFromCheckpoint(c);
  const scale = c.architecture.input.scale;
  const x = Float64Array.from(images.subarray(0, count * model.inputSize), (b) => b * scale);
  return noGrad(() => model.forward(new Tensor(x, [count, model.inputSize])).data.slice());
}

/** The predicted class of each row of outputs with `width` columns (one column: logit > 0). */
export function argmaxRows(outputs: ArrayLike<number>, width: number): number[] {
  const n = outputs.length / width;
  return Array.from({ length: n }, (_, r) => {
    if (width === 1) return outputs[r] > 0 ? 1 : 0;
    let best = 0;
    for (let j = 1; j < width; j++) if (outputs[r * width + j] > outputs[r * width + best]) best = j;
    return best;
  });
}
