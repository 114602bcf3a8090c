import { setFlagsFromString } from 'node:v8';
import { resetWasmFeatures, wasmFeatures } from '../wasm/wasm-kernels';

/**
 * Turn on WebAssembly relaxed SIMD (fused multiply-add) in a Node whose V8 ships it behind a
 * flag (Node 20); returns whether it is available afterwards. Call before creating kernels.
 * NOTE: V8 reads the flag when it validates or compiles a module, so setting it at run time
 * works; it is process-wide (workers included). Electron and Node 22+ have it on already.
 */
export function enableRelaxedSimd(): boolean {
  if (wasmFeatures().relaxedSimd) return true;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  resetWasmFeatures();
  return wasmFeatures().relaxedSimd;
}
