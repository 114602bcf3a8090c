/**
 * The kernel interface: the raw loops behind the hot paths, which every backend (plain
 * TypeScript, WebAssembly SIMD, threads) implements. The engine reaches them through the seam
 * in kernels.ts, never directly. All matrices are row-major Float64Array; offsets are 0.
 */
export interface Kernels {
  readonly name: string;
  /**
   * A zeroed buffer of `length` values for something long-lived (parameters, their gradients,
   * optimizer state, the batch) placed where this backend's matmul reads and writes it in place
   * (wasm memory), instead of copying it per call. Freed when garbage-collected. Optional:
   * without it, stateBuffer() gives a plain Float64Array.
   * NOTE: keep the array itself, not a subarray or another view of its bytes, for as long as
   * the bytes are used.
   */
  alloc?(length: number): Float64Array;
  /**
   * A dataset's bytes where this backend's kernels read them in place (gatherScaled): a copy in
   * its memory, made at the first call for these bytes and kept while both live (later changes
   * to `bytes` are not seen); null when the backend has no such memory or no room. Optional.
   */
  placeBytes?(bytes: Uint8Array): Uint8Array | null;
  /**
   * Per-step buffers (activations and their gradients) in the kernels' memory, so that a
   * training step runs without copying them in and out of wasm. See empty() and scratchScope().
   */
  readonly scratch?: ScratchArena;
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
  /**
   * out[i] = w[i] - lr·g[i] for i < w.length (plain SGD; out is not w or g), or with L2 weight
   * decay wd: w[i] - lr·(g[i] + wd·w[i]). Bit-identical in every backend.
   */
  sgdStep(w: Float64Array, g: Float64Array, out: Float64Array, lr: number, wd?: number): void;
  /**
   * SGD with momentum μ, weight decay wd (PyTorch's rule) for i < w.length, reading the current
   * buffers and writing the spare ones (out, outBuf): d = g + wd·w; outBuf = μ·buf + d;
   * out = w - lr·(nesterov ? d + μ·outBuf : outBuf). Bit-identical in every backend.
   */
  sgdMomentumStep(
    w: Float64Array, g: Float64Array, buf: Float64Array, out: Float64Array, outBuf: Float64Array,
    lr: number, mu: number, wd: number, nesterov: boolean,
  ): void;
  /** Adam / AdamW (PyTorch's rules) for i < w.length, into the spare buffers. Bit-identical in every backend. */
  adamStep(
    w: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array,
    out: Float64Array, outM: Float64Array, outV: Float64Array, s: AdamSettings,
  ): void;
  /** out[i] = x[i] > 0 ? x[i] : 0 for i < x.length (NaN gives 0). Bit-identical in every backend. */
  relu(x: Float64Array, out: Float64Array): void;
  /**
   * dx[i] (=|+=) dy[i] where x[i] > 0, for i < dy.length; where x[i] <= 0, dx[i] is left alone
   * (accumulate) or set to 0. Bit-identical in every backend.
   */
  reluBackward(x: Float64Array, dy: Float64Array, dx: Float64Array, accumulate: boolean): void;
  /** out[i] = src[i] · scale for i < src.length (image bytes into network input). Bit-identical. */
  scaleBytes(src: Uint8Array, out: Float64Array, scale: number): void;
  /**
   * A batch gathered from a dataset's bytes: out[r·pixels + j] = images[rows[r]·pixels + j] ·
   * scale for r < rows.length, j < pixels. Every rows[r] must be an image of `images`, and out
   * hold rows.length·pixels values. Bit-identical in every backend (each value as scaleBytes).
   */
  gatherScaled(images: Uint8Array, pixels: number, rows: Uint32Array, out: Float64Array, scale: number): void;
}

/** One Adam step's numbers: c1 = 1-β1ᵗ and c2 = 1-β2ᵗ (bias correction); decoupled for AdamW. */
export interface AdamSettings {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  c1: number;
  c2: number;
  decoupled: boolean;
}

/**
 * A bump allocator for the buffers of one training step, released all at once when the step
 * ends (scratchScope). Outside a scope it hands out nothing.
 */
export interface ScratchArena {
  /** Opens a scope; returns the mark to release it with. Scopes nest. */
  open(): number;
  /** A buffer of `length` values (zeroed if asked) valid until its scope closes; null if full, if no scope is open, or if the memory is not shared. */
  take(length: number, zero: boolean): Float64Array | null;
  /** Closes the scope opened with `mark`: every buffer taken since is free again. */
  close(mark: number): void;
}
