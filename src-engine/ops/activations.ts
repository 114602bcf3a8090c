import * as K from '../kernels/kernels';
import { result, Tensor } from '../tensor';
import { unary } from './unary';

/** max(x, 0) */
export function relu(x: Tensor): Tensor {
  const y = K.empty(x.size);
  K.relu(x.data, y); // y[i] = x[i] > 0 ? x[i] : 0
  return result(y, x.shape, [x], 'relu', (dy, dx) => {
    // relu'(x) = 1 for x > 0, else 0. NOTE: at exactly x = 0 it is taken as 0 (as PyTorch
    // does); any value in [0, 1] is a valid subgradient, and 0 keeps dead units dead.
    K.reluBackward(x.data, dy, dx); // dx[i] = x[i] > 0 ? dy[i] : 0, i.e. dx = dy · (x > 0)
  });
}

// NOTE: relu runs on every hidden layer of every batch, so it is a named kernel, which the fast
// backends run about 4x faster than a TypeScript loop; the other activations are plain loops.

/** x for x > 0, slope·x otherwise. */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  const X = x.data;
  const y = K.empty(X.length);
  for (let i = 0; i < X.length; i++) y[i] = X[i] > 0 ? X[i] : slope * X[i];
  return result(y, x.shape, [x], 'leaky_relu', (dy, dx) => {
    for (let i = 0; i < dy.length; i++) dx[i] = X[i] > 0 ? dy[i] : slope * dy[i]; // leaky'(x) = 1 or slope
  });
}

/** 1 / (1 + e⁻ˣ), computed without overflow for large |x|. */
export function sigmoid(x: Tensor): Tensor {
  return unary('sigmoid', x, stableSigmoid, (_x, y) => y * (1 - y)); // σ' = σ(1-σ)
}

/** tanh(x) */
export function tanh(x: Tensor): Tensor {
  return unary('tanh', x, Math.tanh, (_x, y) => 1 - y * y); // tanh' = 1 - tanh²
}

/** σ(v) evaluated on the side where exp cannot overflow. */
export function stableSigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}
