import * as K from '../kernels/kernels';
import { formatShape, result, Tensor } from '../tensor';

export interface MatmulOptions {
  /** Use aᵀ (a is stored [k, m]). */
  transA?: boolean;
  /** Use bᵀ (b is stored [n, k]). */
  transB?: boolean;
}

/**
 * 2-D matrix product y = op(a) · op(b).
 * @param a [m, k] (or [k, m] with transA) @param b [k, n] (or [n, k] with transB) @returns [m, n]
 * The backward passes transpose flags to the kernel, so no transpose is ever materialised.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new Error(`matmul needs 2-D tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== k2) {
    throw new Error(`matmul: inner sizes differ: ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${transB ? 'ᵀ' : ''} (${k} vs ${k2})`);
  }
  const y = K.empty(m * n);
  K.matmul(a.data, b.data, y, { m, k, n, transA, transB });
  return result(y, [m, n], [a, b], 'matmul', (dy, da, db) => {
    // y = A·B: dA = dy·Bᵀ; with transA (y = Aᵀ·B, A stored [k, m]): dA = B·dyᵀ.
    if (da && !transA) K.matmul(dy, b.data, da, { m, k: n, n: k, transB: !transB });
    if (da && transA) K.matmul(b.data, dy, da, { m: k, k: n, n: m, transA: transB, transB: true });
    // dB = Aᵀ·dy; with transB (B stored [n, k]): dB = dyᵀ·A.
    if (db && !transB) K.matmul(a.data, dy, db, { m: k, k: m, n, transA: !transA });
    if (db && transB) K.matmul(dy, a.data, db, { m: n, k: m, n: k, transA: true, transB: transA });
  });
}

/**
 * Fully connected layer y = x · W + b, the MLP's hot path in one op.
 * @param x [batch, in] @param w [in, out] @param b [out] @returns [batch, out]
 * NOTE: W is stored [in, out] (not PyTorch's [out, in]) so the forward product and the weight
 * gradient are row axpys that skip zero inputs; checkpoint/layout.ts transposes on save and load.
 */
export function linear(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const [batch, inF] = x.shape;
  const outF = w.shape[1];
  if (x.shape.length !== 2 || inF !== w.shape[0]) {
    throw new Error(`linear ${w.shape[0]}->${outF} expects input [batch, ${w.shape[0]}], got ${formatShape(x.shape)}`);
  }
  const y = K.empty(batch * outF);
  K.matmul(x.data, w.data, y, { m: batch, k: inF, n: outF }); // y = x · W
  K.addRowVector(y, b.data, y, batch, outF); // y += b, in every row
  return result(y, [batch, outF], [x, w, b], 'linear', (dy, dx, dw, db) => {
    if (dw) K.matmul(x.data, dy, dw, { m: inF, k: batch, n: outF, transA: true }); // dW = xᵀ · dy   [in, out]
    if (db) K.sumRows(dy, db, batch, outF); // db = Σ_batch dy
    // dx = dy · Wᵀ   (never needed for the first layer: the images do not require grad)
    if (dx) K.matmul(dy, w.data, dx, { m: batch, k: outF, n: inF, transB: true });
  });
}
