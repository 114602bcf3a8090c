import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8's full garbage collection as a function, for the kernels' heap to ask for when buffers it
 * handed out may be waiting to be collected (wasm-heap.ts setCollector); null where V8 refuses.
 * NOTE: `--expose-gc` set at run time gives `gc` to contexts created afterwards, so a new
 * context lends us its `gc` (it collects the whole isolate, not just that context).
 */
export function nodeCollector(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? () => (gc as () => void)() : null;
  } catch {
    return null;
  }
}
