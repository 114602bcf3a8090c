import { jsKernels } from './js-kernels';

/**
 * The kernel interface: the raw loops the ops call. Backends (plain TypeScript, WebAssembly SIMD)
 * implement it; ops never loop over big buffers themselves for the hot paths.
 * All matrices are row-major Float64Array; offsets are 0.
 */
export interface Kernels {
  readonly name: string;
  /**
   * A zeroed buffer of `length` values for something long-lived (parameters, their gradients,
   * optimizer state, the batch) placed where this backend's matmul reads and writes it in place
   * (wasm memory), instead of copying it per call. Freed when garbage-collected. Optional:
   * without it, allocate() gives a plain Float64Array.
   * NOTE: keep the array itself, not a subarray or another view of its bytes, for as long as
   * the bytes are used.
   */
  alloc?(length: number): Float64Array;
  /**
   * C[m,n] (=|+=) op(A) · op(B), op(A) is [m,k], op(B) is [k,n].
   * transA: A is stored [k,m]; transB: B is stored [n,k]. accumulate adds into C instead of
   * overwriting it. Zero entries of op(A) may be skipped (a sparse first layer).
   */
  matmul(
    a: Float64Array, b: Float64Array, c: Float64Array,
    m: number, k: number, n: number,
    transA: boolean, transB: boolean, accumulate: boolean,
  ): void;
  /** out[i, j] = x[i, j] + bias[j] for x [rows, cols] (out may be x). */
  addRowVector(x: Float64Array, bias: Float64Array, out: Float64Array, rows: number, cols: number): void;
  /** out[j] (=|+=) Σ_i x[i, j] for x [rows, cols]. */
  sumRows(x: Float64Array, out: Float64Array, rows: number, cols: number, accumulate: boolean): void;
  /** out[i] = w[i] - lr·g[i] for i < w.length (plain SGD; out is not w or g). Bit-identical in every backend. */
  sgdStep(w: Float64Array, g: Float64Array, out: Float64Array, lr: number): void;
}

let active: Kernels = jsKernels;

/** The kernels the ops use now. */
export function kernels(): Kernels {
  return active;
}

/** A zeroed long-lived buffer from the active kernels (see Kernels.alloc). @returns [length] */
export function allocate(length: number): Float64Array {
  return active.alloc ? active.alloc(length) : new Float64Array(length);
}

/** Install a backend (the plain TypeScript one is the default). */
export function setKernels(k: Kernels): void {
  active = k;
}
