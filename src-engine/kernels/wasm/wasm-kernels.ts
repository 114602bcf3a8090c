import type { Kernels } from '../kernels';
import { jsKernels } from '../js-kernels';
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
    b: number, n: number, c: number, accumulate: number, scratch: number,
  ): void;
  /** dst [cols,rows] = srcᵀ for src [rows,cols]. */
  transpose(src: number, rows: number, cols: number, dst: number): void;
  /** Opens the job at `job` (arguments already written) for claiming as number `seq`. */
  publish(job: number, seq: number): void;
  /** Claims and computes chunks of job `seq` with thread `thread`'s scratch; returns the count. */
  run_job(job: number, seq: number, thread: number): number;
}

/** One call's operands, already in wasm memory: the arguments of matmul_rows over all rows. */
export interface MatmulJob {
  a: number; m: number; k: number; transA: boolean;
  b: number; n: number; c: number; accumulate: boolean;
  /** Per-thread compaction scratch: thread t uses scratch + t·scratchStride. */
  scratch: number; scratchStride: number;
}

/** Runs a job; the default runs it whole on the calling thread. */
export type MatmulRunner = (exports: WasmKernelExports, job: MatmulJob) => void;

const PAGE = 65536;
/** Bytes at the start of memory reserved for the thread control block. */
export const CONTROL_BYTES = 256;
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

/** The compiled module of a variant (cached; synchronous, the binaries are under 4 KiB). */
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
    job.accumulate ? 1 : 0, job.scratch);
};

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * The memory arena and call sequence around the wasm matmul: copies operands into wasm memory
 * (growing it when needed), lays out B as [k,n], runs the job, copies C back.
 * NOTE: operands are copied on every call (O(m·k + k·n + m·n) against O(m·k·n) work); the
 * memory only grows, so after the first step of training no call allocates.
 */
export class WasmMatmul {
  private f64: Float64Array;

  /** @param threads how many threads may run one job (sizes the scratch), 1 for none */
  constructor(
    readonly memory: WebAssembly.Memory,
    readonly exports: WasmKernelExports,
    private readonly run: MatmulRunner = runWhole,
    private readonly threads = 1,
  ) {
    this.f64 = new Float64Array(memory.buffer);
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
    // Two compacted rows of op(A): 2k i32 offsets and 2k f64 values.
    const scratchStride = align(k * 24 + 16);
    const aOff = CONTROL_BYTES;
    const bOff = aOff + align(m * k * 8);
    const btOff = bOff + align(k * n * 8);
    const cOff = btOff + (transB ? align(k * n * 8) : 0);
    const scratch = cOff + align(m * n * 8);
    this.reserve(scratch + this.threads * scratchStride);

    const f64 = this.f64;
    f64.set(a.length === m * k ? a : a.subarray(0, m * k), aOff >> 3);
    f64.set(b.length === k * n ? b : b.subarray(0, k * n), bOff >> 3);
    if (accumulate) f64.set(c.length === m * n ? c : c.subarray(0, m * n), cOff >> 3);
    // op(B) = Bᵀ: B is stored [n,k]; the kernel wants [k,n].
    if (transB) this.exports.transpose(bOff, n, k, btOff);
    this.run(this.exports, {
      a: aOff, m, k, transA, b: transB ? btOff : bOff, n, c: cOff, accumulate, scratch, scratchStride,
    });
    c.set(this.f64.subarray(cOff >> 3, (cOff >> 3) + m * n));
  }

  /** Grows the memory to at least `bytes`. */
  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) throw new Error(`wasm kernels: ${bytes} bytes exceed the memory limit`);
      this.memory.grow(pages);
    }
    if (this.f64.buffer !== this.memory.buffer) this.f64 = new Float64Array(this.memory.buffer);
  }
}

/** Options of createWasmKernels. */
export interface WasmKernelsOptions {
  /** Force a variant; by default relaxed SIMD where the runtime has it, else plain SIMD. */
  readonly variant?: WasmVariant;
}

/**
 * WebAssembly SIMD kernels (float64), or null when the runtime lacks WebAssembly SIMD (or the
 * forced variant). Synchronous: the module is compiled on first use and cached.
 */
export function createWasmKernels(options: WasmKernelsOptions = {}): Kernels | null {
  const f = wasmFeatures();
  const variant = options.variant ?? bestWasmVariant();
  if (!variant || (variant === 'relaxed' ? !f.relaxedSimd : !f.simd)) return null;
  const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES });
  const instance = new WebAssembly.Instance(wasmModule(variant, false), { env: { memory } });
  const core = new WasmMatmul(memory, instance.exports as unknown as WasmKernelExports);
  return {
    name: variant === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd',
    matmul: (a, b, c, m, k, n, transA, transB, accumulate) =>
      core.matmul(a, b, c, m, k, n, transA, transB, accumulate),
    // NOTE: bias add and column sums are O(size) and memory-bound: copying into wasm memory
    // would cost as much as the loop itself, so they stay in TypeScript.
    addRowVector: jsKernels.addRowVector,
    sumRows: jsKernels.sumRows,
  };
}
