import { availableBackends, type Backend } from '../backends';
import { setCollector } from '../wasm/wasm-heap';
import { nodeCollector } from './node-collector';
import { enableRelaxedSimd } from './relaxed-simd-flag';
import { createThreadedWasmKernels, type ThreadedKernels } from './threaded-kernels';

/**
 * Every backend Node can run, for benchmarks to loop over: TypeScript, wasm SIMD, wasm relaxed
 * SIMD (turned on here if V8 has it behind a flag) and the best wasm variant on `threads`
 * threads (when > 1), its workers started. Call disposeBackends() when done.
 */
export async function availableNodeBackends(threads = 2): Promise<Backend[]> {
  enableRelaxedSimd();
  setCollector(nodeCollector());
  const backends = availableBackends();
  if (threads > 1) {
    const threaded = createThreadedWasmKernels({ threads });
    if (threaded) {
      await threaded.ready();
      backends.push({ name: threaded.name, kernels: threaded });
    }
  }
  return backends;
}

/** Stops the workers of any threaded backend in the list. */
export function disposeBackends(backends: Backend[]): void {
  for (const { kernels } of backends) {
    const threaded = kernels as Partial<ThreadedKernels>;
    if (typeof threaded.dispose === 'function') threaded.dispose();
  }
}
