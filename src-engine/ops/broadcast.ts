import { formatShape, sizeOf } from '../tensor';

/** The numpy broadcast of two shapes, or a clear error. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = Math.max(da, db);
  }
  return out;
}

/**
 * For every element of the broadcast output, the flat index of the operand element it reads.
 * Backward uses the same map to sum the output's gradient back into the operand's shape.
 */
export function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const total = sizeOf(outShape);
  const map = new Int32Array(total);
  const n = outShape.length;
  const strides = new Array<number>(n).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = n - shape.length + i;
    strides[axis] = shape[i] === 1 ? 0 : s; // NOTE: stride 0 repeats the operand along a broadcast axis
    s *= shape[i];
  }
  const counter = new Array<number>(n).fill(0);
  let idx = 0;
  for (let o = 0; o < total; o++) {
    map[o] = idx;
    for (let axis = n - 1; axis >= 0; axis--) {
      counter[axis]++;
      idx += strides[axis];
      if (counter[axis] < outShape[axis]) break;
      idx -= strides[axis] * counter[axis];
      counter[axis] = 0;
    }
  }
  return map;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
