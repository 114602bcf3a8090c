import type { Kernels } from './interface';
import { jsKernels } from './js-kernels';

/**
 * The one seam between the engine and its fast path. Ops, autograd, nn and optim ask it for
 * buffers and call the named kernels below; which backend runs them (TypeScript loops,
 * WebAssembly SIMD, threads) and where each buffer lives is decided here and in the backends,
 * never by the callers.
 */

let active: Kernels = jsKernels;

/** The kernels in use now. */
export function kernels(): Kernels {
  return active;
}

/** Install a backend (the plain TypeScript one is the default). */
export function setKernels(k: Kernels): void {
  active = k;
}

/**
 * A buffer for a value computed in the current training step, which the caller overwrites in
 * full. @returns [length], contents unspecified
 * NOTE: inside scratchScope() it comes from the backend's per-step arena (wasm memory, so the
 * kernels use it in place) and is reused by the next step; elsewhere it is a new Float64Array.
 */
export function empty(length: number): Float64Array {
  return active.scratch?.take(length, false) ?? new Float64Array(length);
}

/** As empty(), filled with zeros (for a value that is summed into). @returns [length] */
export function zeros(length: number): Float64Array {
  return active.scratch?.take(length, true) ?? new Float64Array(length);
}

/**
 * A zeroed buffer for state that outlives a step: parameters, their gradients, optimizer slots,
 * the batch. A wasm backend places it in its memory, where the kernels read and write it in
 * place; it is freed when garbage-collected.
 * NOTE: keep the array itself, not a subarray or another view of its bytes, for as long as the
 * bytes are used. @returns [length]
 */
export function stateBuffer(length: number): Float64Array {
  return active.alloc ? active.alloc(length) : new Float64Array(length);
}

const owned = new WeakMap<object, Float64Array>();

/** The stateBuffer() that belongs to `owner`: the same one every time (while its length fits). @returns [length] */
export function stateBufferOf(owner: object, length: number): Float64Array {
  let buf = owned.get(owner);
  if (!buf || buf.length !== length) owned.set(owner, (buf = stateBuffer(length)));
  return buf;
}

/** A dataset's bytes where the kernels read them in place (Kernels.placeBytes), else `bytes` itself. */
export function placedBytes(bytes: Uint8Array): Uint8Array {
  return active.placeBytes?.(bytes) ?? bytes;
}

/**
 * Runs fn as one step: the buffers that empty() and zeros() hand out inside it come from the
 * backend's arena, and are all freed when fn returns.
 * NOTE: nothing fn computed may be kept past the scope, except plain numbers and stateBuffer()s:
 * the next scope overwrites them.
 */
export function scratchScope<T>(fn: () => T): T {
  const arena = active.scratch;
  if (!arena) return fn();
  const mark = arena.open();
  let result: T;
  try {
    result = fn();
  } finally {
    arena.close(mark);
  }
  // The scope closes when fn returns: an async fn's awaited part would run on freed buffers.
  if (typeof (result as { then?: unknown } | null)?.then === 'function') throw new Error('scratchScope takes a synchronous function');
  return result;
}

/** The sizes of a product op(A) · op(B): op(A) is [m, k], op(B) is [k, n]. */
export interface MatmulShape {
  m: number;
  k: number;
  n: number;
  /** Use Aᵀ: A is stored [k, m]. */
  transA?: boolean;
  /** Use Bᵀ: B is stored [n, k]. */
  transB?: boolean;
}

/** out [m, n] = op(a) · op(b), overwriting out. */
export function matmul(a: Float64Array, b: Float64Array, out: Float64Array, s: MatmulShape): void {
  active.matmul(a, b, out, s.m, s.k, s.n, s.transA ?? false, s.transB ?? false, false);
}

/** out [rows, cols] = x + bias in every row (out may be x). */
export function addRowVector(x: Float64Array, bias: Float64Array, out: Float64Array, rows: number, cols: number): void {
  active.addRowVector(x, bias, out, rows, cols);
}

/** out [cols] = Σ over rows of x [rows, cols], overwriting out. */
export function sumRows(x: Float64Array, out: Float64Array, rows: number, cols: number): void {
  active.sumRows(x, out, rows, cols, false);
}

/** y = max(x, 0) elementwise (NaN gives 0). */
export function relu(x: Float64Array, y: Float64Array): void {
  active.relu(x, y);
}

/** dx = dy where x > 0, else 0 (relu's backward), overwriting dx. */
export function reluBackward(x: Float64Array, dy: Float64Array, dx: Float64Array): void {
  active.reluBackward(x, dy, dx, false);
}
