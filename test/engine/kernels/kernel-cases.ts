import type { Kernels } from '../../../src-engine/kernels/interface';
import { jsKernels } from '../../../src-engine/kernels/js-kernels';

/** One matmul call: C[m,n] (=|+=) op(A)·op(B) with the given flags and share of zeros in A. */
export interface MatmulCase {
  m: number; k: number; n: number;
  transA: boolean; transB: boolean; accumulate: boolean;
  zeros: number;
}

/** A small deterministic PRNG (xorshift32) giving floats in [-1, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 31 - 1;
  };
}

/** `length` values in [-1, 1), a `zeros` share of them exactly 0. */
export function randomArray(rand: () => number, length: number, zeros = 0): Float64Array {
  const x = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = rand();
    x[i] = (v + 1) / 2 < zeros ? 0 : rand();
  }
  return x;
}

/** Odd and even sizes around the SIMD block widths (16, 8, 2, 1), and the MNIST layer sizes. */
export const SIZES = [1, 2, 3, 7, 8, 15, 16, 17, 33, 64, 129];

/** The cases every backend is checked on: random shapes, all flag combinations, zero shares. */
export function matmulCases(count: number, seed: number): MatmulCase[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(((rand() + 1) / 2) * xs.length)]!;
  const cases: MatmulCase[] = [];
  for (let i = 0; i < count; i++) {
    cases.push({
      m: pick(SIZES), k: pick(SIZES), n: pick(SIZES),
      transA: (i & 1) === 1, transB: (i & 2) === 2, accumulate: (i & 4) === 4,
      zeros: pick([0, 0.5, 0.8, 0.95, 1]),
    });
  }
  return cases;
}

function operands(c: MatmulCase, seed: number): [Float64Array, Float64Array, Float64Array] {
  const rand = rng(seed);
  return [randomArray(rand, c.m * c.k, c.zeros), randomArray(rand, c.k * c.n), randomArray(rand, c.m * c.n)];
}

/** Runs a case on a backend and returns C; A, B and the initial C come from `seed`. */
export function runCase(kernels: Kernels, c: MatmulCase, seed: number): Float64Array {
  const [a, b, out] = operands(c, seed);
  kernels.matmul(a, b, out, c.m, c.k, c.n, c.transA, c.transB, c.accumulate);
  return out;
}

/**
 * The TypeScript kernels' C for a case, and Σ_p |a|·|b| (+ |C0| when accumulating): the scale
 * that each element's rounding error is relative to.
 */
export function reference(c: MatmulCase, seed: number): { out: Float64Array; bound: Float64Array } {
  const out = runCase(jsKernels, c, seed);
  const [a, b, c0] = operands(c, seed);
  const bound = c.accumulate ? c0.map(Math.abs) : new Float64Array(c.m * c.n);
  jsKernels.matmul(a.map(Math.abs), b.map(Math.abs), bound, c.m, c.k, c.n, c.transA, c.transB, true);
  return { out, bound };
}

/** Largest relative error of a backend against the TypeScript kernels on a case. */
export function errorVsReference(kernels: Kernels, c: MatmulCase, seed: number): number {
  const ref = reference(c, seed);
  return relativeError(runCase(kernels, c, seed), ref.out, ref.bound);
}

/** Largest |x - ref| / scale over elements (scale floored at the smallest normal). */
export function relativeError(x: Float64Array, ref: Float64Array, scale: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(x[i]! - ref[i]!);
    if (d === 0) continue;
    worst = Math.max(worst, d / Math.max(scale[i]!, 2.2250738585072014e-308));
  }
  return worst;
}

/** A short label for test names, e.g. "7x3·3x129 Aᵀ B acc zeros=0.8". */
export function label(c: MatmulCase): string {
  return `${c.m}x${c.k}·${c.k}x${c.n} ${c.transA ? 'Aᵀ' : 'A'} ${c.transB ? 'Bᵀ' : 'B'}${c.accumulate ? ' acc' : ''} zeros=${c.zeros}`;
}

/**
 * runCase with the operands flagged in `inPlace` ([A, B, C]) in buffers from kernels.alloc, so
 * the backend uses them where they are; returns a copy of C.
 */
export function runCaseInPlace(kernels: Kernels, c: MatmulCase, seed: number, inPlace: readonly boolean[]): Float64Array {
  const ops = operands(c, seed).map((x, i) => {
    if (!inPlace[i] || !kernels.alloc) return x;
    const y = kernels.alloc(x.length);
    y.set(x);
    return y;
  });
  kernels.matmul(ops[0]!, ops[1]!, ops[2]!, c.m, c.k, c.n, c.transA, c.transB, c.accumulate);
  return ops[2]!.slice();
}
