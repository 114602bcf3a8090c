import type { AdamSettings, Kernels } from '../interface';
import { jsKernels } from '../js-kernels';
import { ScratchRegion } from './scratch-region';
import { alignUp, GrowingBlock, WasmHeap } from './wasm-heap';
import { wasmBinaries } from './wasm-binaries.generated';

/** Which kernel module variants this runtime can compile. */
export interface WasmFeatures {
  /** f64x2 SIMD (every runtime we ship on has it). */
  readonly simd: boolean;
  /** Relaxed SIMD (fused multiply-add); Electron has it, Node 20 only with a V8 flag. */
  readonly relaxedSimd: boolean;
  /** Shared memory for worker threads (SharedArrayBuffer). */
  readonly sharedMemory: boolean;
}

/** A kernel module variant: `relaxed` uses fused multiply-add, `simd` multiply then add. */
export type WasmVariant = 'relaxed' | 'simd';

/** The exports of kernels.wat; every pointer is a byte offset into the memory. */
export interface WasmKernelExports {
  /** C[i,:] (=|+=) op(A)[i,:]·B for i0 <= i < i1; A [m,k] (or [k,m] when transA), B [k,n], C [m,n]. */
  matmul_rows(
    i0: number, i1: number, a: number, m: number, k: number, transA: number,
    b: number, n: number, c: number, accumulate: number, lists: number,
  ): void;
  /** out[i] = w[i] - lr·g[i] for i < n (multiply then subtract, never fused). */
  sgd_step(w: number, g: number, out: number, n: number, lr: number): void;
  /** out[i] = w[i] - lr·(g[i] + wd·w[i]) for i < n (never fused). */
  sgd_decay_step(w: number, g: number, out: number, n: number, lr: number, wd: number): void;
  /** dst [cols,rows] = srcᵀ for src [rows,cols]. */
  transpose(src: number, rows: number, cols: number, dst: number): void;
  /** Closes finished job `seq`: no thread can claim a chunk at `job` until the next publish. */
  close_job(job: number, seq: number): void;
  /** Opens the job at `job` (arguments already written) for claiming as number `seq`. */
  publish(job: number, seq: number): void;
  /** Claims and computes chunks of job `seq` with thread `thread`'s lists; returns the count. */
  run_job(job: number, seq: number, thread: number): number;
  /** SGD with momentum into the spare buffers (see Kernels.sgdMomentumStep). */
  sgd_momentum_step(w: number, g: number, buf: number, out: number, outBuf: number, n: number,
    lr: number, mu: number, wd: number, nesterov: number): void;
  /** Adam / AdamW into the spare buffers; q1 = 1-β1, q2 = 1-β2. */
  adam_step(w: number, g: number, m: number, v: number, out: number, outM: number, outV: number, n: number,
    lr: number, b1: number, q1: number, b2: number, q2: number, eps: number, c1: number, c2: number,
    wd: number, decoupled: number): void;
  /** out [rows,cols] = x + bias broadcast over rows. */
  add_row_vector(x: number, bias: number, out: number, rows: number, cols: number): void;
  /** out[j] (=|+=) Σ_i x[i,j]. */
  sum_rows(x: number, out: number, rows: number, cols: number, accumulate: number): void;
  /** out[i] = max(x[i], 0), NaN to 0. */
  relu(x: number, out: number, n: number): void;
  /** dx[i] (=|+=) dy[i] where x[i] > 0. */
  relu_backward(x: number, dy: number, dx: number, n: number, accumulate: number): void;
  /** out[i] = src[i] · scale for n bytes at src. */
  scale_bytes(src: number, out: number, n: number, scale: number): void;
  /** out[r, :] = images[rows[r]·pixels ..] · scale for r0 <= r < r1 (rows: i32 indices). */
  gather_scaled(images: number, pixels: number, rows: number, r0: number, r1: number, out: number, scale: number): void;
}

/** One call's operands, already in wasm memory: the arguments of matmul_rows over all rows. */
export interface MatmulJob {
  a: number; m: number; k: number; transA: boolean;
  b: number; n: number; c: number; accumulate: boolean;
  /** Per-thread room for op(A)'s compacted rows: thread t uses lists + t·listsStride. */
  lists: number; listsStride: number;
}

/** Runs a job; the default runs it whole on the calling thread. */
export type MatmulRunner = (exports: WasmKernelExports, job: MatmulJob) => void;

/** Transposes src [rows, cols] into dst [cols, rows] (byte offsets); the default on the calling thread. */
export type TransposeRunner = (exports: WasmKernelExports, src: number, rows: number, cols: number, dst: number) => void;

/** Bytes at the start of memory reserved for the thread control block. */
export const CONTROL_BYTES = 256;
/** Datasets up to this size are copied into the memory by placeBytes(): the copy counts against the memory's and the views' limits. */
const MAX_PLACED_BYTES = 256 * 2 ** 20;
/** Largest memory the kernels grow to (the module allows 4 GiB; i32 offsets stay positive). */
export const MAX_PAGES = 32768;

let features: WasmFeatures | null = null;
const modules = new Map<string, WebAssembly.Module>();

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Feature detection by validating the kernel modules themselves (cached). */
export function wasmFeatures(): WasmFeatures {
  if (features) return features;
  const hasWasm = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
  const ok = (name: keyof typeof wasmBinaries): boolean => {
    try {
      return hasWasm && WebAssembly.validate(decode(wasmBinaries[name]));
    } catch {
      return false;
    }
  };
  features = {
    simd: ok('simd'),
    relaxedSimd: ok('relaxed'),
    sharedMemory: typeof SharedArrayBuffer === 'function' && ok('simdShared'),
  };
  return features;
}

/** NOTE: call after changing V8 flags at run time (see enableRelaxedSimd) to detect again. */
export function resetWasmFeatures(): void {
  features = null;
  modules.clear();
}

/** The compiled module of a variant (cached; synchronous: the binaries are a few KiB, and the engine compiles them only in Node, a worker or utility process, never on a page's main thread). */
export function wasmModule(variant: WasmVariant, shared: boolean): WebAssembly.Module {
  const name = shared ? (`${variant}Shared` as const) : variant;
  let module = modules.get(name);
  if (!module) {
    module = new WebAssembly.Module(decode(wasmBinaries[name]));
    modules.set(name, module);
  }
  return module;
}

/** The best variant this runtime has, or null without WebAssembly SIMD. */
export function bestWasmVariant(): WasmVariant | null {
  const f = wasmFeatures();
  return f.relaxedSimd ? 'relaxed' : f.simd ? 'simd' : null;
}

/** Runs a whole job on the calling thread. */
export const runWhole: MatmulRunner = (exports, job) => {
  exports.matmul_rows(0, job.m, job.a, job.m, job.k, job.transA ? 1 : 0, job.b, job.n, job.c,
    job.accumulate ? 1 : 0, job.lists);
};

/** Transposes on the calling thread. */
export const transposeWhole: TransposeRunner = (exports, src, rows, cols, dst) => exports.transpose(src, rows, cols, dst);

/** Most bytes of long-lived buffers a backend keeps in its memory (1 GiB; beyond: copies). */
export const VIEW_LIMIT = 1 << 30;

/**
 * The memory and call sequences of the wasm kernels. An operand that is a view of the memory
 * (from alloc() or the scratch region) is used in place. For a matmul any other is copied into a
 * copy area (grown when needed), B laid out as [k,n], the job run, and C copied back unless in
 * place; the other kernels run their TypeScript twins on such operands instead.
 * NOTE: a copy costs O(m·k + k·n + m·n) against O(m·k·n) work, but for W's products that is
 * a quarter of the matmul time: keep the big operands (parameters, gradients, the batch) in
 * the memory.
 */
export class WasmCore {
  readonly heap: WasmHeap;
  readonly scratch: ScratchRegion;
  private f64: Float64Array;
  private readonly copyArea: GrowingBlock;
  /** Datasets' bytes copied in by placeBytes(), by the bytes they copy. */
  private readonly placed = new WeakMap<Uint8Array, { owner: Float64Array; bytes: Uint8Array }>();

  /** @param threads how many threads may run one job (sizes the compacted lists' room), 1 for none */
  constructor(
    readonly memory: WebAssembly.Memory,
    readonly exports: WasmKernelExports,
    private readonly run: MatmulRunner = runWhole,
    private readonly threads = 1,
    poisonScratch = false,
    private readonly transpose: TransposeRunner = transposeWhole,
  ) {
    this.heap = new WasmHeap(memory, CONTROL_BYTES, MAX_PAGES, VIEW_LIMIT);
    this.scratch = new ScratchRegion(this.heap, poisonScratch);
    this.copyArea = new GrowingBlock(this.heap);
    this.f64 = new Float64Array(memory.buffer);
  }

  /** A zeroed buffer the kernels use in place (shared memory only), else a plain one. */
  alloc(length: number): Float64Array {
    return this.heap.alloc(length) ?? new Float64Array(length);
  }

  /**
   * A copy of a dataset's bytes in the memory (see Kernels.placeBytes), one per dataset while
   * both live; null over MAX_PLACED_BYTES or when the memory has no room for it.
   */
  placeBytes(bytes: Uint8Array): Uint8Array | null {
    let p = this.placed.get(bytes);
    if (!p) {
      if (bytes.length > MAX_PLACED_BYTES) return null;
      // NOTE: the Float64Array is kept: only the array the heap handed out holds its memory.
      const owner = this.heap.alloc(Math.ceil(bytes.length / 8));
      if (!owner) return null;
      p = { owner, bytes: new Uint8Array(owner.buffer, owner.byteOffset, bytes.length) };
      p.bytes.set(bytes);
      this.placed.set(bytes, p);
    }
    return p.bytes;
  }

  /** Whether every view lives in the memory (then the kernels take it in place). */
  owns(...views: ArrayBufferView[]): boolean {
    for (const v of views) if (!this.heap.owns(v)) return false;
    return true;
  }

  /** C[m,n] (=|+=) op(A)·op(B), as Kernels.matmul. */
  matmul(
    a: Float64Array, b: Float64Array, c: Float64Array,
    m: number, k: number, n: number,
    transA: boolean, transB: boolean, accumulate: boolean,
  ): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const heap = this.heap;
    const aIn = heap.owns(a);
    const bIn = heap.owns(b);
    const cIn = heap.owns(c);
    // Eight compacted rows of op(A) (kernels.wat rows_blocked: 8k i32 offsets, 8k f64 values, 8
    // counts), then eight quads' lists (matmul_rows: k i32 offsets and 4k f64 values each).
    const listsStride = alignUp(k * 384 + 256);
    const aAt = 0;
    const bAt = aAt + (aIn ? 0 : alignUp(m * k * 8));
    const btAt = bAt + (bIn ? 0 : alignUp(k * n * 8));
    const cAt = btAt + (transB ? alignUp(k * n * 8) : 0);
    const listsAt = cAt + (cIn ? 0 : alignUp(m * n * 8));
    const base = this.reserveCopyArea(listsAt + this.threads * listsStride);

    const f64 = this.f64;
    const aOff = aIn ? a.byteOffset : base + aAt;
    const bOff = bIn ? b.byteOffset : base + bAt;
    const cOff = cIn ? c.byteOffset : base + cAt;
    if (!aIn) f64.set(a.length === m * k ? a : a.subarray(0, m * k), aOff >> 3);
    if (!bIn) f64.set(b.length === k * n ? b : b.subarray(0, k * n), bOff >> 3);
    if (accumulate && !cIn) f64.set(c.length === m * n ? c : c.subarray(0, m * n), cOff >> 3);
    // op(B) = Bᵀ: B is stored [n,k]; the kernel wants [k,n].
    if (transB) this.transpose(this.exports, bOff, n, k, base + btAt);
    this.run(this.exports, {
      a: aOff, m, k, transA, b: transB ? base + btAt : bOff, n, c: cOff, accumulate,
      lists: base + listsAt, listsStride,
    });
    if (!cIn) c.set(this.f64.subarray(cOff >> 3, (cOff >> 3) + m * n));
  }

  /** The copy area, at least `bytes` long; returns its offset. */
  private reserveCopyArea(bytes: number): number {
    if (!this.copyArea.grow(bytes)) throw new Error(`wasm kernels: ${bytes} bytes exceed the memory limit`);
    if (this.f64.buffer !== this.memory.buffer) this.f64 = new Float64Array(this.heap.buffer());
    return this.copyArea.offset;
  }
}

/** Options of createWasmKernels. */
export interface WasmKernelsOptions {
  /** Force a variant; by default relaxed SIMD where the runtime has it, else plain SIMD. */
  readonly variant?: WasmVariant;
  /** Fill freed scratch with NaN (tests: proves no step keeps a scratch buffer). */
  readonly poisonScratch?: boolean;
}

/**
 * WebAssembly SIMD kernels (float64), or null when the runtime lacks WebAssembly SIMD (or the
 * forced variant). Synchronous: the module is compiled on first use and cached.
 */
export function createWasmKernels(options: WasmKernelsOptions = {}): Kernels | null {
  const f = wasmFeatures();
  const variant = options.variant ?? bestWasmVariant();
  if (!variant || (variant === 'relaxed' ? !f.relaxedSimd : !f.simd)) return null;
  // NOTE: shared memory where the runtime has it, even on one thread: only then do views of
  // it survive growth, so that alloc() can hand out buffers the kernels use in place.
  const shared = f.sharedMemory;
  const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared });
  const instance = new WebAssembly.Instance(wasmModule(variant, shared), { env: { memory } });
  const core = new WasmCore(memory, instance.exports as unknown as WasmKernelExports, runWhole, 1, options.poisonScratch);
  return wasmKernelsOf(core, variant === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd');
}

/** The kernels that each make one pass over their buffers. */
type PassName = 'addRowVector' | 'sumRows' | 'sgdStep' | 'sgdMomentumStep' | 'adamStep' | 'relu' | 'reluBackward' | 'scaleBytes'
  | 'gatherScaled';

/** Each one-pass kernel as a call of its kernels.wat export, with the Kernels method's arguments. */
const WASM_PASSES: { [K in PassName]: (ex: WasmKernelExports, ...args: Parameters<Kernels[K]>) => void } = {
  addRowVector: (ex, x, bias, out, rows, cols) => ex.add_row_vector(x.byteOffset, bias.byteOffset, out.byteOffset, rows, cols),
  sumRows: (ex, x, out, rows, cols, accumulate) => ex.sum_rows(x.byteOffset, out.byteOffset, rows, cols, accumulate ? 1 : 0),
  sgdStep: (ex, w, g, out, lr, wd = 0) => {
    if (wd === 0) ex.sgd_step(w.byteOffset, g.byteOffset, out.byteOffset, w.length, lr);
    else ex.sgd_decay_step(w.byteOffset, g.byteOffset, out.byteOffset, w.length, lr, wd);
  },
  sgdMomentumStep: (ex, w, g, buf, out, outBuf, lr, mu, wd, nesterov) =>
    ex.sgd_momentum_step(w.byteOffset, g.byteOffset, buf.byteOffset, out.byteOffset, outBuf.byteOffset, w.length, lr, mu, wd, nesterov ? 1 : 0),
  adamStep: (ex, w, g, m, v, out, outM, outV, s) =>
    ex.adam_step(w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, out.byteOffset, outM.byteOffset, outV.byteOffset, w.length,
      s.lr, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.eps, s.c1, s.c2, s.weightDecay, s.decoupled ? 1 : 0),
  relu: (ex, x, out) => ex.relu(x.byteOffset, out.byteOffset, x.length),
  reluBackward: (ex, x, dy, dx, accumulate) => ex.relu_backward(x.byteOffset, dy.byteOffset, dx.byteOffset, dy.length, accumulate ? 1 : 0),
  scaleBytes: (ex, src, out, scale) => ex.scale_bytes(src.byteOffset, out.byteOffset, src.length, scale),
  gatherScaled: (ex, images, pixels, rows, out, scale) =>
    ex.gather_scaled(images.byteOffset, pixels, rows.byteOffset, 0, rows.length, out.byteOffset, scale),
};

/**
 * A one-pass kernel of `core`: in wasm when all its buffers live in the memory, else its
 * TypeScript twin.
 * NOTE: copying other buffers in would cost as much as the loop itself.
 */
function onePass<K extends PassName>(core: WasmCore, name: K): Kernels[K] {
  const inWasm = WASM_PASSES[name] as (ex: WasmKernelExports, ...args: unknown[]) => void;
  const twin = jsKernels[name] as (...args: unknown[]) => void;
  const run = (...args: unknown[]): void => {
    if (core.owns(...args.filter((a): a is ArrayBufferView => ArrayBuffer.isView(a)))) inWasm(core.exports, ...args);
    else twin(...args);
  };
  return run as Kernels[K];
}

/** The Kernels interface over a WasmCore (single- or multi-threaded). */
export function wasmKernelsOf(core: WasmCore, name: string): Kernels {
  const passes = Object.fromEntries(Object.keys(WASM_PASSES).map((k) => [k, onePass(core, k as PassName)]));
  return {
    name,
    alloc: (length) => core.alloc(length),
    placeBytes: (bytes) => core.placeBytes(bytes),
    scratch: core.scratch,
    matmul: (a, b, c, m, k, n, transA, transB, accumulate) => core.matmul(a, b, c, m, k, n, transA, transB, accumulate),
    ...(passes as Pick<Kernels, PassName>),
  };
}
