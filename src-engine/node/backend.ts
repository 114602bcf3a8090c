import { availableParallelism } from 'node:os';
import type { Backend } from '../kernels/backends';
import { setKernels } from '../kernels/kernels';
import { availableNodeBackends, disposeBackends } from '../kernels/threads/node-backends';

/** Threads for the kernels: SCRATCHNET_THREADS, else 2 where there are two cores. */
export function defaultThreads(): number {
  const env = Number(process.env.SCRATCHNET_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 16);
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
  setKernels(found.kernels);
  return found;
}
