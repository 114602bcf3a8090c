import { kernels, scratch } from '../kernels/kernels';
import { formatShape, result, Tensor } from '../tensor';

export interface MatmulOptions {
  /** Use aᵀ (a is stored [k, m]). */
  transA?: boolean;
  /** Use bᵀ (b is stored [n, k]). */
  transB?: boolean;
}

/**
 * 2-D matrix product op(a) · op(b).
 * @param a [m, k] (or [k, m] with transA) @param b [k, n] (or [n, k] with transB) @returns [m, n]
 * Backward passes transpose flags to the kernel, so no transpose is ever materialised.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const tA = opts.transA ?? false;
  const tB = opts.transB ?? false;
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new Error(`matmul needs 2-D tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const [m, k] = tA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = tB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== k2) {
    throw new Error(`matmul: inner sizes differ: ${formatShape(a.shape)}${tA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${tB ? 'ᵀ' : ''} (${k} vs ${k2})`);
  }
  const out = scratch(m * n, false);
  kernels().matmul(a.data, b.data, out, m, k, n, tA, tB, false);
  return result(out, [m, n], [a, b], 'matmul', (y) => {
    const dy = y.grad!;
    const K = kernels();
    if (a.requiresGrad) {
      const da = a.gradSink();
      // C = A·B: dA = dC·Bᵀ; with transA (C = Aᵀ·B): dA = B·dCᵀ (stored [k, m]).
      if (!tA) K.matmul(dy, b.data, da.buf, m, n, k, false, !tB, da.accumulate);
      else K.matmul(b.data, dy, da.buf, k, n, m, tB, true, da.accumulate);
    }
    if (b.requiresGrad) {
      const db = b.gradSink();
      // dB = Aᵀ·dC; with transB (B stored [n, k]): dB = dCᵀ·A.
      if (!tB) K.matmul(a.data, dy, db.buf, k, m, n, !tA, false, db.accumulate);
      else K.matmul(dy, a.data, db.buf, n, m, k, true, tA, db.accumulate);
    }
  });
}

/**
 * Fully connected layer y = x · W + b, the MLP's hot path in one op.
 * @param x [batch, in] @param w [in, out] @param b [out] @returns [batch, out]
 * NOTE: W is stored [in, out] (not PyTorch's [out, in]) so the forward product and the weight
 * gradient are row axpys that skip zero inputs; the checkpoint codec transposes on save/load.
 */
export function linear(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const [batch, inF] = x.shape;
  const outF = w.shape[1];
  if (x.shape.length !== 2 || inF !== w.shape[0]) {
    throw new Error(`linear ${w.shape[0]}->${outF} expects input [batch, ${w.shape[0]}], got ${formatShape(x.shape)}`);
  }
  const K = kernels();
  const out = scratch(batch * outF, false);
  K.matmul(x.data, w.data, out, batch, inF, outF, false, false, false);
  K.addRowVector(out, b.data, out, batch, outF);
  return result(out, [batch, outF], [x, w, b], 'linear', (y) => {
    const dy = y.grad!;
    // NOTE: gradSink lets a kernel overwrite a gradient that holds nothing yet instead of
    // zero-filling it and adding: two fewer passes over the biggest buffers per step.
    if (w.requiresGrad) {
      const dw = w.gradSink();
      K.matmul(x.data, dy, dw.buf, inF, batch, outF, true, false, dw.accumulate); // dW = xᵀ · dy   [in, out]
    }
    if (b.requiresGrad) {
      const db = b.gradSink();
      K.sumRows(dy, db.buf, batch, outF, db.accumulate); // db = Σ_batch dy
    }
    if (x.requiresGrad) {
      // dx = dy · Wᵀ   (never needed for the first layer: the images do not require grad)
      const dx = x.gradSink();
      K.matmul(dy, w.data, dx.buf, batch, outF, inF, false, true, dx.accumulate);
    }
  });
}
