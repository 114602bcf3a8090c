import { jsKernels } from '../kernels/js-kernels';
import { type Kernels, setKernels } from '../kernels/kernels';

/** Kernel backends this process can use, fastest first, the TypeScript reference last. */
export function backends(): { name: string; kernels: Kernels }[] {
  return [{ name: jsKernels.name, kernels: jsKernels }];
}

/** Install a backend by name; an unknown name is a clear error listing the known ones. */
export function useBackend(name: string): Kernels {
  const all = backends();
  const found = all.find((b) => b.name === name);
  if (!found) throw new Error(`unknown kernel backend "${name}" (available: ${all.map((b) => b.name).join(', ')})`);
  setKernels(found.kernels);
  return found.kernels;
}
