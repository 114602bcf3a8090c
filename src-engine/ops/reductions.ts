import { empty, zeros } from '../kernels/kernels';
import { formatShape, result, Tensor } from '../tensor';

function checkAxis(x: Tensor, axis: number, op: string): number {
  const nd = x.shape.length;
  const ax = axis < 0 ? axis + nd : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= nd) throw new Error(`${op}: axis ${axis} is out of range for shape ${formatShape(x.shape)}`);
  return ax;
}

/** outer, size of the axis, inner: the view of x as [outer, n, inner] around one axis. */
function around(shape: readonly number[], ax: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < ax; i++) outer *= shape[i];
  for (let i = ax + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[ax], inner];
}

/**
 * Sum of all elements (axis undefined, returns shape []) or along one axis (that axis removed).
 */
export function sum(x: Tensor, axis?: number): Tensor {
  return reduce(x, axis, false);
}

/** Mean of all elements or along one axis. */
export function mean(x: Tensor, axis?: number): Tensor {
  return reduce(x, axis, true);
}

function reduce(x: Tensor, axis: number | undefined, average: boolean): Tensor {
  const name = average ? 'mean' : 'sum';
  const X = x.data;
  if (axis === undefined) {
    let s = 0;
    for (let i = 0; i < X.length; i++) s += X[i];
    const scale = average ? 1 / X.length : 1;
    return result(Float64Array.of(s * scale), [], [x], name, (dy, dx) => {
      dx.fill(dy[0] * scale); // every element contributes with weight `scale`
    });
  }
  const ax = checkAxis(x, axis, name);
  const [outer, n, inner] = around(x.shape, ax);
  const scale = average ? 1 / n : 1;
  const out = zeros(outer * inner); // sums are added into it
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const base = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) out[o * inner + i] += X[base + i];
    }
  }
  if (average) for (let i = 0; i < out.length; i++) out[i] *= scale;
  const shape = x.shape.filter((_, i) => i !== ax);
  return result(out, shape, [x], name, (dy, dx) => {
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < n; j++) {
        const base = (o * n + j) * inner;
        for (let i = 0; i < inner; i++) dx[base + i] = dy[o * inner + i] * scale;
      }
    }
  });
}

/** Row-wise max of a [rows, cols] buffer (for stable softmax). */
function rowMax(X: Float64Array, r: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) if (X[r * cols + j] > m) m = X[r * cols + j];
  return m;
}

/**
 * Row r of out = softmax of row r of X [rows, cols], shifted by the row max so exp never
 * overflows. @returns the row's log Σ exp (for a cross-entropy)
 */
export function softmaxRow(X: Float64Array, out: Float64Array, r: number, cols: number): number {
  const m = rowMax(X, r, cols);
  let s = 0;
  for (let j = 0; j < cols; j++) s += out[r * cols + j] = Math.exp(X[r * cols + j] - m);
  for (let j = 0; j < cols; j++) out[r * cols + j] /= s;
  return m + Math.log(s);
}

/** Softmax along the last axis, shifted by the row max so exp never overflows. */
export function softmax(x: Tensor): Tensor {
  const cols = x.shape[x.shape.length - 1];
  const rows = x.size / cols;
  const X = x.data;
  const out = empty(X.length);
  for (let r = 0; r < rows; r++) softmaxRow(X, out, r, cols);
  return result(out, x.shape, [x], 'softmax', (dy, dx) => {
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += dy[r * cols + j] * out[r * cols + j];
      // dx = y ⊙ (dy - Σ dy·y)
      for (let j = 0; j < cols; j++) dx[r * cols + j] = out[r * cols + j] * (dy[r * cols + j] - dot);
    }
  });
}

/** log(softmax(x)) along the last axis, as x - max - log Σ exp(x - max). */
export function logSoftmax(x: Tensor): Tensor {
  const cols = x.shape[x.shape.length - 1];
  const rows = x.size / cols;
  const X = x.data;
  const out = empty(X.length);
  for (let r = 0; r < rows; r++) {
    const m = rowMax(X, r, cols);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(X[r * cols + j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < cols; j++) out[r * cols + j] = X[r * cols + j] - lse;
  }
  return result(out, x.shape, [x], 'log_softmax', (dy, dx) => {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += dy[r * cols + j];
      // dx = dy - softmax · Σ dy
      for (let j = 0; j < cols; j++) dx[r * cols + j] = dy[r * cols + j] - Math.exp(out[r * cols + j]) * s;
    }
  });
}

/** The same data with another shape (one dimension may be -1). Gradient flows straight through. */
export function reshape(x: Tensor, shape: number[]): Tensor {
  const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const free = shape.filter((d) => d === -1).length;
  const resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  if (free > 1 || resolved.some((d) => !Number.isInteger(d) || d < 0) || resolved.reduce((p, d) => p * d, 1) !== x.size) {
    throw new Error(`reshape: cannot view ${formatShape(x.shape)} (${x.size} values) as ${formatShape(shape)}`);
  }
  return result(x.data, resolved, [x], 'reshape', (dy, dx) => dx.set(dy));
}
