import { empty } from '../kernels/kernels';
import { result, Tensor } from '../tensor';
import { broadcastIndex, broadcastShapes, sameShape } from './broadcast';

type Operand = Tensor | number;

function asTensor(x: Operand): Tensor {
  return typeof x === 'number' ? Tensor.scalar(x) : x;
}

/**
 * Shared wiring of the four broadcasting binary ops: y = f(a, b), da = dy · ∂f/∂a, db = dy · ∂f/∂b.
 * @param dfa ∂f/∂a and @param dfb ∂f/∂b, at (a, b).
 */
function binary(
  name: string,
  aIn: Operand,
  bIn: Operand,
  f: (a: number, b: number) => number,
  dfa: (a: number, b: number) => number,
  dfb: (a: number, b: number) => number,
): Tensor {
  const a = asTensor(aIn);
  const b = asTensor(bIn);
  const A = a.data;
  const B = b.data;
  if (sameShape(a.shape, b.shape)) {
    const y = empty(A.length);
    for (let i = 0; i < y.length; i++) y[i] = f(A[i], B[i]);
    return result(y, a.shape, [a, b], name, (dy, da, db) => {
      if (da) for (let i = 0; i < dy.length; i++) da[i] = dy[i] * dfa(A[i], B[i]);
      if (db) for (let i = 0; i < dy.length; i++) db[i] = dy[i] * dfb(A[i], B[i]);
    });
  }
  const shape = broadcastShapes(a.shape, b.shape, name);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const y = empty(ia.length);
  for (let i = 0; i < y.length; i++) y[i] = f(A[ia[i]], B[ib[i]]);
  return result(y, shape, [a, b], name, (dy, da, db) => {
    // NOTE: an operand element read by many outputs (a broadcast axis) sums all their gradients.
    if (da) {
      da.fill(0);
      for (let i = 0; i < dy.length; i++) da[ia[i]] += dy[i] * dfa(A[ia[i]], B[ib[i]]);
    }
    if (db) {
      db.fill(0);
      for (let i = 0; i < dy.length; i++) db[ib[i]] += dy[i] * dfb(A[ia[i]], B[ib[i]]);
    }
  });
}

/** a + b with numpy broadcasting. */
export function add(a: Operand, b: Operand): Tensor {
  return binary('add', a, b, (x, y) => x + y, () => 1, () => 1); // d(a+b)/da = d(a+b)/db = 1
}

/** a - b with numpy broadcasting. */
export function sub(a: Operand, b: Operand): Tensor {
  return binary('sub', a, b, (x, y) => x - y, () => 1, () => -1); // d(a-b)/da = 1, d(a-b)/db = -1
}

/** a * b elementwise with numpy broadcasting. */
export function mul(a: Operand, b: Operand): Tensor {
  // d(ab)/da = b, d(ab)/db = a
  return binary('mul', a, b, (x, y) => x * y, (_x, y) => y, (x) => x);
}

/** a / b elementwise with numpy broadcasting. */
export function div(a: Operand, b: Operand): Tensor {
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b²
  return binary('div', a, b, (x, y) => x / y, (_x, y) => 1 / y, (x, y) => -x / (y * y));
}

/** -x */
export function neg(x: Tensor): Tensor {
  return mul(x, -1);
}
