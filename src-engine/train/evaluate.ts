import { Batcher, sequentialOrder } from '../data/batcher';
import type { Dataset } from '../data/dataset';
import type { Kernels } from '../kernels/interface';
import { kernels, scratchScope } from '../kernels/kernels';
import type { Model } from '../nn/model';
import { noGrad, Tensor } from '../tensor';

export interface Evaluation {
  loss: number;
  accuracy: number;
  /** confusion[true · classes + predicted] counts. */
  confusion: Uint32Array;
  /** Accuracy of each true class (NaN for a class with no samples). */
  perClass: number[];
  count: number;
}

/**
 * One Batcher per dataset evaluated, reused: its buffers live in the kernels' memory, which a
 * synchronous loop (the CLI's epochs) would otherwise fill with a new 7 MB pair per evaluation
 * until the garbage collector's finalizers get a turn.
 */
const batchers = new WeakMap<Dataset, { batcher: Batcher; kernels: Kernels }>();

function batcherFor(ds: Dataset, scale: number, batchSize: number): Batcher {
  const size = Math.min(batchSize, Math.max(ds.count, 1));
  const kept = batchers.get(ds);
  // NOTE: a batcher made under other kernels (before a thread-count switch) has its buffers in their memory.
  if (kept && kept.kernels === kernels() && kept.batcher.scale === scale && kept.batcher.batchSize === size) return kept.batcher;
  const batcher = new Batcher(ds, scale, size);
  batchers.set(ds, { batcher, kernels: kernels() });
  return batcher;
}

/** One batch's outputs: `output` [n, outputSize] is only valid during the call. */
export type OnBatchOutput = (start: number, n: number, output: Float64Array, predicted: Uint8Array) => void;

/**
 * Loss, accuracy and confusion matrix of a model on a whole dataset, in batches without grad.
 * @param onPredict called with each sample's index and predicted class (for "misclassified").
 * @param onBatch called with each batch's raw outputs (for per-example confidences).
 */
export function evaluate(
  model: Model,
  ds: Dataset,
  batchSize = 1000,
  onPredict?: (index: number, predicted: number) => void,
  onBatch?: OnBatchOutput,
): Evaluation {
  const classes = model.outputSize === 1 ? 2 : model.outputSize;
  const confusion = new Uint32Array(classes * classes);
  const batcher = batcherFor(ds, model.architecture.input.scale, batchSize);
  const order = sequentialOrder(ds.count);
  let lossSum = 0;
  let correct = 0;
  noGrad(() => {
    for (let start = 0; start < ds.count; start += batchSize) {
      const count = Math.min(batchSize, ds.count - start);
      const { x, labels, n } = batcher.fill(order, start, count);
      const pred = scratchScope(() => {
        const out = model.forward(new Tensor(x, [n, model.inputSize]));
        lossSum += model.loss(out, labels).item() * n;
        const predicted = model.predictClasses(out.data, n);
        onBatch?.(start, n, out.data, predicted);
        return predicted;
      });
      for (let i = 0; i < n; i++) {
        confusion[labels[i] * classes + pred[i]]++;
        if (pred[i] === labels[i]) correct++;
        onPredict?.(start + i, pred[i]);
      }
    }
  });
  const perClass: number[] = [];
  for (let c = 0; c < classes; c++) {
    let total = 0;
    for (let p = 0; p < classes; p++) total += confusion[c * classes + p];
    perClass.push(total ? confusion[c * classes + c] / total : NaN);
  }
  const count = ds.count;
  return { loss: count ? lossSum / count : NaN, accuracy: count ? correct / count : NaN, confusion, perClass, count };
}
