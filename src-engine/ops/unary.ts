import { empty } from '../kernels/kernels';
import { result, Tensor } from '../tensor';

/**
 * Shared wiring of elementwise unary ops: y = f(x), dx = dy · f'(x).
 * @param df f'(x) given the input x and the output y (whichever is cheaper).
 */
export function unary(name: string, x: Tensor, f: (x: number) => number, df: (x: number, y: number) => number): Tensor {
  const X = x.data;
  const y = empty(X.length);
  for (let i = 0; i < X.length; i++) y[i] = f(X[i]);
  return result(y, x.shape, [x], name, (dy, dx) => {
    for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * df(X[i], y[i]);
  });
}

/** eˣ */
export function exp(x: Tensor): Tensor {
  return unary('exp', x, Math.exp, (_x, y) => y); // (eˣ)' = eˣ
}

/** Natural log. log(0) = -Infinity, as in numpy. */
export function log(x: Tensor): Tensor {
  return unary('log', x, Math.log, (v) => 1 / v); // (log x)' = 1/x
}

/** x raised to a constant power. */
export function pow(x: Tensor, p: number): Tensor {
  return unary('pow', x, (v) => v ** p, (v) => p * v ** (p - 1)); // (xᵖ)' = p·xᵖ⁻¹
}
