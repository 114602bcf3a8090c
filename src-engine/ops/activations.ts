import { kernels, scratch } from '../kernels/kernels';
import { result, Tensor } from '../tensor';
import { unary } from './unary';

// NOTE: at exactly x = 0 relu's derivative is taken as 0 (as PyTorch does); the subgradient
// set is [0, 1] and any choice is valid, 0 keeps dead units dead.
// NOTE: relu is a kernel and leaky relu a plain loop rather than unary()'s closures: they run
// on every hidden layer of every batch.

/** max(x, 0) */
export function relu(x: Tensor): Tensor {
  const X = x.data;
  const out = scratch(X.length, false);
  kernels().relu(X, out);
  return result(out, x.shape, [x], 'relu', (y) => {
    const dx = x.gradSink();
    kernels().reluBackward(X, y.grad!, dx.buf, dx.accumulate); // dx = dy · [x > 0]
  });
}

/** x for x > 0, slope·x otherwise. */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  const X = x.data;
  const out = scratch(X.length, false);
  for (let i = 0; i < X.length; i++) out[i] = X[i] > 0 ? X[i] : slope * X[i];
  return result(out, x.shape, [x], 'leaky_relu', (y) => {
    const dy = y.grad!;
    const dx = x.gradBuffer();
    for (let i = 0; i < dy.length; i++) dx[i] += X[i] > 0 ? dy[i] : slope * dy[i];
  });
}

/** 1 / (1 + e⁻ˣ), computed without overflow for large |x|. */
export function sigmoid(x: Tensor): Tensor {
  return unary('sigmoid', x, stableSigmoid, (_v, y) => y * (1 - y)); // σ' = σ(1-σ)
}

/** tanh(x) */
export function tanh(x: Tensor): Tensor {
  return unary('tanh', x, Math.tanh, (_v, y) => 1 - y * y); // tanh' = 1 - tanh²
}

/** σ(v) evaluated on the side where exp cannot overflow. */
export function stableSigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}
