import type { Dataset } from '../data/dataset';
import type { DatasetSource, EngineEvent, KernelsInfo } from '../protocol';

/** What the service needs from its surroundings (Node in the worker, anything in tests). */
export interface ServiceDeps {
  loadDataset(source: DatasetSource): { train: Dataset; test: Dataset | null };
  /** Milliseconds, monotonic. */
  clock(): number;
  /** ISO timestamp for checkpoints. */
  now(): string;
  /** Run fn soon, after pending messages are handled (setImmediate). */
  defer(fn: () => void): void;
  emit(event: EngineEvent): void;
  appVersion: string;
  /** Switches the kernels' thread count (the worker's threaded backends); absent: one thread only. */
  kernels?: KernelsControl;
  /** Bytes of memory the engine may still take; absent: runs start without a memory check. */
  freeMemory?(): number;
}

/** What the process that hosts the service can do with its kernels. */
export interface KernelsControl {
  info(): KernelsInfo;
  /** Installs the best backend on `threads` threads (1 <= threads <= info().maxThreads). */
  setThreads(threads: number): KernelsInfo;
}
