import type { Kernels } from './interface';
import { jsKernels } from './js-kernels';
import { createWasmKernels } from './wasm/wasm-kernels';

/** A kernel backend with the name benchmarks print. */
export interface Backend {
  readonly name: string;
  readonly kernels: Kernels;
}

/**
 * Every single-threaded backend this runtime has, the TypeScript reference first: TypeScript,
 * wasm SIMD and, where the runtime has relaxed SIMD, wasm relaxed-SIMD (fused multiply-add).
 * NOTE: pure (no node:* imports); the Node-only threaded backends are added by
 * availableNodeBackends() in kernels/threads/node-backends.ts.
 */
export function availableBackends(): Backend[] {
  const backends: Backend[] = [{ name: jsKernels.name, kernels: jsKernels }];
  for (const variant of ['simd', 'relaxed'] as const) {
    const kernels = createWasmKernels({ variant });
    if (kernels) backends.push({ name: kernels.name, kernels });
  }
  return backends;
}

/** The fastest single-threaded backend this runtime has (wasm relaxed SIMD > wasm SIMD > TypeScript). */
export function bestBackend(): Kernels {
  return createWasmKernels() ?? jsKernels;
}
