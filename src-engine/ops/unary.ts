import { scratch } from '../kernels/kernels';
import { result, Tensor } from '../tensor';

/**
 * Shared wiring of elementwise unary ops.
 * @param df ∂f/∂x given the input x and the output y (whichever is cheaper).
 */
export function unary(name: string, x: Tensor, f: (x: number) => number, df: (x: number, y: number) => number): Tensor {
  const X = x.data;
  const out = scratch(X.length, false);
  for (let i = 0; i < X.length; i++) out[i] = f(X[i]);
  return result(out, x.shape, [x], name, (y) => {
    const dy = y.grad!;
    const dx = x.gradBuffer();
    for (let i = 0; i < dy.length; i++) dx[i] += dy[i] * df(X[i], out[i]);
  });
}

/** eˣ */
export function exp(x: Tensor): Tensor {
  return unary('exp', x, Math.exp, (_x, y) => y); // d eˣ = eˣ
}

/** Natural log. log(0) = -Infinity, as in numpy. */
export function log(x: Tensor): Tensor {
  return unary('log', x, Math.log, (v) => 1 / v);
}

/** x raised to a constant power. */
export function pow(x: Tensor, p: number): Tensor {
  return unary('pow', x, (v) => v ** p, (v) => p * v ** (p - 1));
}
