import { empty } from '../kernels/kernels';
import { formatShape, result, Tensor } from '../tensor';
import { stableSigmoid } from './activations';
import { softmaxRow } from './reductions';

function checkLabels(logits: Tensor, labels: Uint8Array, classes: number, op: string): number {
  if (logits.shape.length !== 2 || logits.shape[1] !== classes) {
    throw new Error(`${op} expects logits [batch, ${classes}], got ${formatShape(logits.shape)}`);
  }
  const batch = logits.shape[0];
  if (labels.length !== batch) throw new Error(`${op}: ${labels.length} labels for a batch of ${batch}`);
  for (let i = 0; i < batch; i++) {
    if (labels[i] >= classes) throw new Error(`${op}: label ${labels[i]} is out of range for ${classes} classes`);
  }
  return batch;
}

/**
 * Mean softmax cross-entropy of logits against integer labels, fused and log-sum-exp stable
 * (logits of ±1000 give a finite loss and gradient).
 * @param logits [batch, classes] @param labels [batch] values 0..classes-1 @returns shape []
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Uint8Array): Tensor {
  const classes = logits.shape[1];
  const batch = checkLabels(logits, labels, classes, 'softmaxCrossEntropy');
  const X = logits.data;
  const probs = empty(X.length);
  let total = 0;
  for (let r = 0; r < batch; r++) {
    total += softmaxRow(X, probs, r, classes) - X[r * classes + labels[r]]; // -log softmax[label] = lse - x[label]
  }
  return result(Float64Array.of(total / batch), [], [logits], 'softmax_cross_entropy', (dy, dx) => {
    const g = dy[0] / batch;
    // dlogits = (softmax - onehot) / batch
    for (let r = 0; r < batch; r++) {
      const o = r * classes;
      for (let j = 0; j < classes; j++) dx[o + j] = g * (probs[o + j] - (j === labels[r] ? 1 : 0));
    }
  });
}

/**
 * Mean squared error of outputs against one-hot targets (the seeds' MSE classifier), averaged
 * over all batch·classes elements as torch.nn.MSELoss does.
 * @param out [batch, classes] @param labels [batch]
 */
export function mseOneHot(out: Tensor, labels: Uint8Array): Tensor {
  const classes = out.shape[1];
  const batch = checkLabels(out, labels, classes, 'mseOneHot');
  const X = out.data;
  const n = X.length;
  let total = 0;
  for (let r = 0; r < batch; r++) {
    for (let j = 0; j < classes; j++) {
      const d = X[r * classes + j] - (j === labels[r] ? 1 : 0);
      total += d * d;
    }
  }
  return result(Float64Array.of(total / n), [], [out], 'mse', (dy, dx) => {
    const g = (2 * dy[0]) / n; // d(d²)/dx = 2d
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < classes; j++) dx[r * classes + j] = g * (X[r * classes + j] - (j === labels[r] ? 1 : 0));
    }
  });
}

/** Mean squared error between two tensors of the same shape. */
export function mse(a: Tensor, target: Tensor): Tensor {
  if (a.size !== target.size) throw new Error(`mse: shapes ${formatShape(a.shape)} and ${formatShape(target.shape)} differ`);
  const A = a.data;
  const T = target.data;
  let total = 0;
  for (let i = 0; i < A.length; i++) total += (A[i] - T[i]) ** 2;
  return result(Float64Array.of(total / A.length), [], [a, target], 'mse', (dy, da, dt) => {
    const g = (2 * dy[0]) / A.length; // d(a-t)²/da = 2(a-t) = -d(a-t)²/dt
    if (da) for (let i = 0; i < A.length; i++) da[i] = g * (A[i] - T[i]);
    if (dt) for (let i = 0; i < A.length; i++) dt[i] = -(g * (A[i] - T[i]));
  });
}

/**
 * Mean binary cross-entropy from logits, stable for any logit:
 * loss = max(z, 0) - z·y + log(1 + e^-|z|), gradient σ(z) - y.
 * @param logits [batch, 1] @param labels [batch] of 0 (negative) / 1 (positive)
 */
export function bceWithLogits(logits: Tensor, labels: Uint8Array): Tensor {
  if (logits.shape.length !== 2 || logits.shape[1] !== 1) {
    throw new Error(`bceWithLogits expects logits [batch, 1], got ${formatShape(logits.shape)}`);
  }
  const batch = logits.shape[0];
  if (labels.length !== batch) throw new Error(`bceWithLogits: ${labels.length} labels for a batch of ${batch}`);
  for (let i = 0; i < batch; i++) if (labels[i] > 1) throw new Error(`bceWithLogits: label ${labels[i]} is not 0 or 1`);
  const Z = logits.data;
  let total = 0;
  for (let i = 0; i < batch; i++) {
    const z = Z[i];
    const y = labels[i] ? 1 : 0;
    total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
  }
  return result(Float64Array.of(total / batch), [], [logits], 'bce', (dy, dz) => {
    const g = dy[0] / batch;
    for (let i = 0; i < batch; i++) dz[i] = g * (stableSigmoid(Z[i]) - (labels[i] ? 1 : 0));
  });
}
