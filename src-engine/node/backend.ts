import { availableParallelism } from 'node:os';
import { type Backend, bestBackend } from '../kernels/backends';
import { kernels, setKernels } from '../kernels/kernels';
import { availableNodeBackends, disposeBackends } from '../kernels/threads/node-backends';
import { enableRelaxedSimd } from '../kernels/threads/relaxed-simd-flag';
import { createThreadedWasmKernels } from '../kernels/threads/threaded-kernels';
import { wasmFeatures } from '../kernels/wasm/wasm-kernels';
import { type KernelsInfo, MAX_KERNEL_THREADS } from '../protocol';
import type { KernelsControl } from '../service/engine-service';

/** Threads for the kernels: SCRATCHNET_THREADS, else 2 where there are two cores. */
export function defaultThreads(): number {
  const env = Number(process.env.SCRATCHNET_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, MAX_KERNEL_THREADS);
  return Math.min(2, availableParallelism());
}

/**
 * Every kernel backend this process has, the TypeScript reference first and the fastest last
 * (wasm SIMD, wasm relaxed SIMD, then wasm on `threads` threads when threads > 1).
 */
export async function backends(threads = defaultThreads()): Promise<Backend[]> {
  return availableNodeBackends(threads);
}

/**
 * Install a backend by name (or the fastest when name is undefined) and stop the others'
 * workers. An unknown name is a clear error listing the known ones.
 */
export async function useBackend(name?: string, threads = defaultThreads()): Promise<Backend> {
  const all = await backends(threads);
  const found = name === undefined ? all[all.length - 1] : all.find((b) => b.name === name);
  if (!found) {
    disposeBackends(all);
    throw new Error(`unknown kernel backend "${name}" (available: ${all.map((b) => b.name).join(', ')})`);
  }
  disposeBackends(all.filter((b) => b !== found));
  install(found);
  return found;
}

/** The backend this process installed last (its workers are stopped when another replaces it). */
let installed: Backend | null = null;

function install(b: Backend): void {
  if (installed && installed !== b) disposeBackends([installed]);
  installed = b;
  setKernels(b.kernels);
}

function threadsOf(b: Backend | null): number {
  return (b?.kernels as { threads?: number } | undefined)?.threads ?? 1;
}

/** The most kernel threads this machine allows: its cores (at most 16), or 1 without shared wasm memory. */
function maxThreads(): number {
  return wasmFeatures().sharedMemory ? Math.min(MAX_KERNEL_THREADS, availableParallelism()) : 1;
}

/**
 * The engine worker's hold on its kernels: what runs, and a switch to another thread count (the
 * best wasm backend on that many threads; bit-identical results whatever the count).
 */
export const kernelsControl: KernelsControl = {
  info(): KernelsInfo {
    // NOTE: SCRATCHNET_THREADS or --threads may ask for more threads than cores: offer that many too.
    const threads = threadsOf(installed);
    return { name: kernels().name, threads, maxThreads: Math.max(maxThreads(), threads) };
  },
  setThreads(threads: number): KernelsInfo {
    if (threads === threadsOf(installed) && installed) return this.info();
    enableRelaxedSimd();
    const k = threads > 1 ? createThreadedWasmKernels({ threads }) : bestBackend();
    if (!k) throw new Error(`this runtime cannot run the kernels on ${threads} threads`);
    install({ name: k.name, kernels: k });
    return this.info();
  },
};
