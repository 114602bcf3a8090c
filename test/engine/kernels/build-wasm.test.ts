import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildWasmBinaries, generatedModule, outPath, sourcePath, withoutRelaxedMadd } from '../../../scripts/build-wasm';

describe('build:wasm', () => {
  it('rewrites relaxed multiply-add into multiply then add, nested operands included', () => {
    expect(withoutRelaxedMadd('(local.set $c (f64x2.relaxed_madd (local.get $x) (v128.load offset=16 (local.get $b)) (local.get $c)))'))
      .toBe('(local.set $c (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $b))) (local.get $c)))');
  });

  it('assembles four valid variants, only the relaxed ones needing relaxed SIMD', async () => {
    const binaries = await buildWasmBinaries(readFileSync(sourcePath, 'utf8'));
    // A few KiB: compiled synchronously, in no time, by every engine process (never a page's main thread).
    for (const bytes of Object.values(binaries)) expect(bytes.length).toBeLessThan(16 * 1024);
    expect(WebAssembly.validate(binaries.simd)).toBe(true);
    expect(WebAssembly.validate(binaries.simdShared)).toBe(true);
  });

  it('wrote a generated module that matches kernels.wat (run npm run build:wasm if not)', async () => {
    const binaries = await buildWasmBinaries(readFileSync(sourcePath, 'utf8'));
    expect(readFileSync(outPath, 'utf8')).toBe(generatedModule(binaries));
  });
});
