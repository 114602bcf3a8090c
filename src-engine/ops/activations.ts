import { Tensor } from '../tensor';
import { unary } from './unary';

// NOTE: at exactly x = 0 relu's derivative is taken as 0 (as PyTorch does); the subgradient
// set is [0, 1] and any choice is valid, 0 keeps dead units dead.
/** max(x, 0) */
export function relu(x: Tensor): Tensor {
  return unary('relu', x, (v) => (v > 0 ? v : 0), (v) => (v > 0 ? 1 : 0));
}

/** x for x > 0, slope·x otherwise. */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  return unary('leaky_relu', x, (v) => (v > 0 ? v : slope * v), (v) => (v > 0 ? 1 : slope));
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
