/** Most threads the kernels run on (the CLI's --threads, engine:set-threads). */
export const MAX_KERNEL_THREADS = 16;

/** The engine's kernels, for the app to show, and the thread count it may set. */
export interface KernelsInfo {
  /** The backend, e.g. "wasm-relaxed-simd-2t" (see kernels/backends.ts). */
  name: string;
  /** Threads its products and updates use. */
  threads: number;
  /** Most threads it offers here (the cores, at most MAX_KERNEL_THREADS; 1 without a threaded backend). */
  maxThreads: number;
}
