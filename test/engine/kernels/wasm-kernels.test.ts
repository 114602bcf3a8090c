import { beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../../../src-engine/kernels/interface';
import { jsKernels } from '../../../src-engine/kernels/js-kernels';
import { availableBackends, bestBackend } from '../../../src-engine/kernels/backends';
import { enableRelaxedSimd } from '../../../src-engine/kernels/threads/relaxed-simd-flag';
import { createWasmKernels, wasmFeatures } from '../../../src-engine/kernels/wasm/wasm-kernels';
import { errorVsReference, label, matmulCases, randomArray, relativeError, rng, runCase } from './kernel-cases';

const CASES = matmulCases(160, 6);

beforeAll(() => {
  enableRelaxedSimd();
});

describe('wasm feature detection', () => {
  it('finds SIMD and shared memory in Node 20, and relaxed SIMD once the flag is set', () => {
    expect(wasmFeatures()).toEqual({ simd: true, relaxedSimd: true, sharedMemory: true });
  });

  it('lists TypeScript first, then both wasm variants', () => {
    expect(availableBackends().map((b) => b.name)).toEqual(['typescript', 'wasm-simd', 'wasm-relaxed-simd']);
    expect(bestBackend().name).toBe('wasm-relaxed-simd');
  });
});

for (const variant of ['simd', 'relaxed'] as const) {
  describe(`wasm ${variant} matmul vs the TypeScript kernels`, () => {
    let wasm: Kernels;
    beforeAll(() => {
      const k = createWasmKernels({ variant });
      if (!k) throw new Error(`no ${variant} backend`);
      wasm = k;
    });

    it.each(CASES.map((c, i) => [label(c), c, i] as const))('%s', (_name, c, i) => {
      expect(errorVsReference(wasm, c, 100 + i)).toBeLessThanOrEqual(1e-12);
    });

    it('gets the MNIST first-layer products (784 inputs, 80% zeros) right', () => {
      // 784x800 and 700x401 are past 2 MiB: B is gone through in column blocks (kernels.wat rows_blocked).
      for (const [m, k, n, transA] of [[64, 784, 128, false], [784, 64, 128, true], [128, 784, 256, false], [32, 784, 800, false], [13, 700, 401, false]] as const) {
        const c = { m, k, n, transA, transB: false, accumulate: true, zeros: 0.8 };
        expect(errorVsReference(wasm, c, 7)).toBeLessThanOrEqual(1e-12);
      }
    });

    it('grows its memory for a product bigger than any before', () => {
      // 5.6 MB of operands: more than the 1 MiB the memory starts with.
      const c = { m: 200, k: 1500, n: 130, transA: false, transB: true, accumulate: false, zeros: 0.5 };
      expect(errorVsReference(wasm, c, 8)).toBeLessThanOrEqual(1e-12);
      const small = { m: 3, k: 5, n: 7, transA: true, transB: false, accumulate: true, zeros: 0.5 };
      expect(errorVsReference(wasm, small, 9)).toBeLessThanOrEqual(1e-12);
    });

    it('reads only the first m·k, k·n values and writes only the first m·n', () => {
      const rand = rng(3);
      const a = randomArray(rand, 2 * 3 + 5);
      const b = randomArray(rand, 3 * 4 + 5);
      const c = new Float64Array(2 * 4 + 3).fill(42);
      const ref = c.slice();
      jsKernels.matmul(a, b, ref, 2, 3, 4, false, false, false);
      wasm.matmul(a, b, c, 2, 3, 4, false, false, false);
      expect(Array.from(c.subarray(8))).toEqual([42, 42, 42]);
      expect(relativeError(c, ref, ref.map(() => 1))).toBeLessThanOrEqual(1e-12);
    });

    it('writes zeros for k = 0 (or leaves C alone when accumulating) and accepts empty m or n', () => {
      const c = new Float64Array([1, 2, 3, 4]);
      wasm.matmul(new Float64Array(0), new Float64Array(0), c, 2, 0, 2, false, false, true);
      expect(Array.from(c)).toEqual([1, 2, 3, 4]);
      wasm.matmul(new Float64Array(0), new Float64Array(0), c, 2, 0, 2, false, false, false);
      expect(Array.from(c)).toEqual([0, 0, 0, 0]);
      expect(() => wasm.matmul(new Float64Array(0), new Float64Array(6), c, 0, 3, 2, false, false, false)).not.toThrow();
      expect(() => wasm.matmul(new Float64Array(6), new Float64Array(0), c, 2, 3, 0, false, false, false)).not.toThrow();
    });

    it('propagates NaN and Infinity from nonzero entries, and skips zeros like the reference', () => {
      // A = [[NaN, 0], [0, 1]] · B = [[1, 2], [Infinity, 3]]: the 0·Infinity product is skipped.
      const a = new Float64Array([NaN, 0, 0, 1]);
      const b = new Float64Array([1, 2, Infinity, 3]);
      const c = new Float64Array(4);
      const ref = new Float64Array(4);
      wasm.matmul(a, b, c, 2, 2, 2, false, false, false);
      jsKernels.matmul(a, b, ref, 2, 2, 2, false, false, false);
      expect(Array.from(c)).toEqual(Array.from(ref));
      expect(Array.from(c)).toEqual([NaN, NaN, Infinity, 3]);
    });

    it('adds row vectors and sums rows like the reference', () => {
      const rand = rng(5);
      const x = randomArray(rand, 7 * 5);
      const bias = randomArray(rand, 5);
      const out = new Float64Array(35);
      const ref = new Float64Array(35);
      wasm.addRowVector(x, bias, out, 7, 5);
      jsKernels.addRowVector(x, bias, ref, 7, 5);
      expect(out).toEqual(ref);
      const sums = new Float64Array(5).fill(1);
      const refSums = sums.slice();
      wasm.sumRows(x, sums, 7, 5, true);
      jsKernels.sumRows(x, refSums, 7, 5, true);
      expect(sums).toEqual(refSums);
    });
  });
}

describe('wasm simd (multiply then add)', () => {
  it('compacts rows and columns of A across 64-value blocks like the TypeScript kernels: -0 skipped, NaN kept', () => {
    const wasm = createWasmKernels({ variant: 'simd' })!;
    // With transA a row of op(A) is a column of A, compacted 64 values at a time in groups of 8:
    // k = 64 and 72 in whole groups, 65 and 130 with a block of single rows, 63 both in one block.
    for (const [m, k, n] of [[5, 130, 3], [129, 64, 17], [2, 65, 2], [3, 63, 4], [4, 72, 5]] as const) {
      for (const transA of [false, true]) {
        for (const accumulate of [false, true]) {
          const rand = rng(m * k + n);
          // NOTE: columns this sparse (about a fifth nonzero with the entries below) never pair
          // (kernels.wat $pair_pays wants over 30% and 48 entries), so their own lists are used.
          const a = randomArray(rand, m * k, transA ? 0.88 : 0.7);
          const b = randomArray(rand, k * n);
          const at = (i: number, p: number) => (transA ? p * m + i : i * k + p);
          // Tiny, huge and signed-zero entries all over A.
          for (let i = 0; i < a.length; i += 7) a[i] = [5e-324, -1e300, -0][(i / 7) % 3]!;
          // The last column of op(A) is all -0 and B's matching row infinite: a kept -0 would give NaN.
          for (let i = 0; i < m; i++) a[at(i, k - 1)] = -0;
          b.fill(Infinity, (k - 1) * n, k * n);
          // One NaN in the last 64-value block of row 0, and with transA one in row 1 (the second
          // column of a pair of A's columns): inside an 8-row group, or a single row for k = 63.
          a[at(0, k - 2)] = NaN;
          const nanRows = transA ? 2 : 1;
          if (transA) a[at(1, Math.min(60, k - 3))] = NaN;
          const c = new Float64Array(m * n).fill(-0);
          const ref = c.slice();
          wasm.matmul(a, b, c, m, k, n, transA, false, accumulate);
          jsKernels.matmul(a, b, ref, m, k, n, transA, false, accumulate);
          const name = `${m}x${k}x${n}${transA ? ' transA' : ''}${accumulate ? ' accumulate' : ''}`;
          expect(Array.from(c), name).toEqual(Array.from(ref));
          expect(c.slice(0, nanRows * n).every(Number.isNaN), name).toBe(true);
          expect(c.slice(nanRows * n).some(Number.isNaN), name).toBe(false);
        }
      }
    }
  });

  it('is bit-identical to the TypeScript kernels when B is not transposed (same additions, same order)', () => {
    const wasm = createWasmKernels({ variant: 'simd' })!;
    const blocked = [false, true].map((accumulate) => ({ m: 13, k: 700, n: 401, transA: false, transB: false, accumulate, zeros: 0.8 }));
    // Half zeros, like hidden activations: rows go four at a time (kernels.wat $quad_product), an odd last row and column alone.
    const pairs = [false, true].flatMap((accumulate) => [
      { m: 13, k: 700, n: 401, transA: false, transB: false, accumulate, zeros: 0.45 },
      { m: 13, k: 300, n: 37, transA: true, transB: false, accumulate, zeros: 0.45 },
    ]);
    for (const [i, c] of [...CASES.filter((c) => !c.transB), ...blocked, ...pairs].entries()) {
      expect(runCase(wasm, c, 500 + i), label(c)).toEqual(runCase(jsKernels, c, 500 + i));
    }
  });
});

describe('rows of op(A) that go together (quads of four, pairs) give the bits of rows alone', () => {
  it('keeps a -0 of C for a row with no nonzero among dense ones when adding into C, like the TypeScript kernels', () => {
    const wasm = createWasmKernels({ variant: 'simd' })!;
    for (const transA of [false, true]) {
      // Rows 1 and 6 are all zeros inside dense quads and pairs' reach; C starts all -0.
      const [m, k, n] = [8, 120, 21];
      const rand = rng(11);
      const rows = Array.from({ length: m }, (_, i) => (i === 1 || i === 6 ? new Float64Array(k) : randomArray(rand, k, i === 5 ? 0.6 : 0.1)));
      const a = new Float64Array(m * k);
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) a[transA ? p * m + i : i * k + p] = rows[i]![p]!;
      const b = randomArray(rand, k * n).map(Math.abs);
      const c = new Float64Array(m * n).fill(-0);
      const ref = c.slice();
      wasm.matmul(a, b, c, m, k, n, transA, false, true);
      jsKernels.matmul(a, b, ref, m, k, n, transA, false, true);
      expect(Array.from(c), transA ? 'transA' : '').toEqual(Array.from(ref));
      expect(Object.is(c[n], -0) && Object.is(c[6 * n + 3], -0)).toBe(true);
    }
  });

  // Blocks of four rows, dense (a quad: kernels.wat $quad_product), about half zeros (a quad or
  // pairs), mostly zeros (rows alone), so that one product mixes them, between groups of 32 rows
  // and with a tail of one row; n = 75 ends on column blocks of 4, 2 and 1 (the last column
  // multiply-then-add); k·n over 262,144 (k = 800) takes the column-blocked single rows.
  const densities = [0.9, 0.9, 0.5, 0.1, 0.9, 0.6, 0.9, 0.05, 0.4, 0.9, 0.9, 0.9];
  for (const variant of ['simd', 'relaxed'] as const) {
    it(`in wasm ${variant}, with and without transA and accumulate`, () => {
      const wasm = createWasmKernels({ variant })!;
      for (const [m, k, n] of [[45, 200, 75], [21, 800, 401]] as const) {
        for (const transA of [false, true]) {
          for (const accumulate of [false, true]) {
            const rand = rng(m + k + n + (transA ? 1 : 0));
            const rows = Array.from({ length: m }, (_, i) => randomArray(rand, k, 1 - densities[Math.floor(i / 4) % densities.length]!));
            const a = new Float64Array(m * k);
            for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) a[transA ? p * m + i : i * k + p] = rows[i]![p]!;
            const b = randomArray(rand, k * n);
            const start = randomArray(rand, m * n);
            const together = start.slice();
            wasm.matmul(a, b, together, m, k, n, transA, false, accumulate);
            const alone = start.slice();
            for (let i = 0; i < m; i++) {
              const row = alone.subarray(i * n, (i + 1) * n);
              const out = row.slice();
              wasm.matmul(rows[i]!, b, out, 1, k, n, false, false, accumulate);
              row.set(out);
            }
            expect(Array.from(together), `${m}x${k}x${n}${transA ? ' transA' : ''}${accumulate ? ' accumulate' : ''}`).toEqual(Array.from(alone));
          }
        }
      }
    });
  }
});
