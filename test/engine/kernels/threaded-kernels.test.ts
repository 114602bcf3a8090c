import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableNodeBackends, disposeBackends } from '../../../src-engine/kernels/threads/node-backends';
import { createThreadedWasmKernels, type ThreadedKernels } from '../../../src-engine/kernels/threads/threaded-kernels';
import { enableRelaxedSimd } from '../../../src-engine/kernels/threads/relaxed-simd-flag';
import { createWasmKernels, wasmModule, type WasmKernelExports } from '../../../src-engine/kernels/wasm/wasm-kernels';
import { jsKernels } from '../../../src-engine/kernels/js-kernels';
import type { Kernels } from '../../../src-engine/kernels/interface';
import { errorVsReference, label, matmulCases, randomArray, rng, runCase } from './kernel-cases';

const CASES = matmulCases(96, 11);
// Big enough to be split even with the default threshold: the MNIST layers.
const MNIST = [
  { m: 64, k: 784, n: 128, transA: false, transB: false, accumulate: false, zeros: 0.8 },
  { m: 784, k: 64, n: 128, transA: true, transB: false, accumulate: true, zeros: 0.8 },
  { m: 128, k: 128, n: 256, transA: false, transB: true, accumulate: true, zeros: 0 },
  { m: 129, k: 257, n: 65, transA: true, transB: true, accumulate: false, zeros: 0.5 },
  { m: 37, k: 700, n: 401, transA: false, transB: false, accumulate: true, zeros: 0.8 }, // B in column blocks
  { m: 33, k: 801, n: 799, transA: false, transB: true, accumulate: false, zeros: 0.5 }, // a wide layer's dx: B transposed on every thread
];

const ALWAYS_SPLIT = { shouldSplit: () => true, record: () => undefined };

describe('threaded wasm kernels', () => {
  const made: ThreadedKernels[] = [];
  const threaded = (threads: number, chunksPerThread = 3): ThreadedKernels => {
    // No thresholds, and a governor that always splits: every product is split, to exercise every chunking.
    const k = createThreadedWasmKernels({ threads, chunksPerThread, minFlops: 0, minUpdate: 0, minGather: 0, variant: 'simd', governor: ALWAYS_SPLIT });
    if (!k) throw new Error('no threaded backend');
    made.push(k);
    return k;
  };
  let two: ThreadedKernels;
  let three: ThreadedKernels;
  beforeAll(async () => {
    two = threaded(2);
    three = threaded(3, 5);
    await Promise.all([two.ready(), three.ready()]);
  });
  afterAll(() => {
    for (const k of made) k.dispose();
  });

  it('matches the TypeScript kernels within 1e-12 on random shapes', () => {
    for (const [i, c] of CASES.entries()) {
      expect(errorVsReference(two, c, 200 + i), label(c)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('is bit-identical to one thread for 1, 2 and 3 threads and any chunking', () => {
    const single = createWasmKernels({ variant: 'simd' })!;
    const one = threaded(1);
    for (const [i, c] of [...CASES, ...MNIST].entries()) {
      const expected = runCase(single, c, 300 + i);
      for (const k of [one, two, three]) expect(runCase(k, c, 300 + i), `${k.name} ${label(c)}`).toEqual(expected);
    }
  });

  it('gives the bits of one thread when it splits every product by columns of C, in both variants', async () => {
    expect(enableRelaxedSimd()).toBe(true);
    const byColumns = { rowsBelow: Infinity, minColumns: 0, minValuesOfB: 0, minDensity: 0 };
    // Quads and pairs of dense rows, odd and even widths, B over 2 MiB (column blocks inside each chunk).
    const wide = [false, true].flatMap((transA) => [
      { m: 32, k: 800, n: 800, transA, transB: false, accumulate: false, zeros: 0.45 },
      { m: 13, k: 300, n: 401, transA, transB: false, accumulate: true, zeros: 0.45 },
      { m: 9, k: 700, n: 417, transA, transB: true, accumulate: false, zeros: 0.8 },
    ]);
    for (const variant of ['simd', 'relaxed'] as const) {
      const single = createWasmKernels({ variant })!;
      const split = [2, 3].map((threads) => {
        const k = createThreadedWasmKernels({ threads, chunksPerThread: 3, minFlops: 0, variant, governor: ALWAYS_SPLIT, columnSplit: byColumns })!;
        made.push(k);
        return k;
      });
      await Promise.all(split.map((k) => k.ready()));
      for (const [i, c] of [...CASES.slice(0, 40), ...MNIST, ...wide].entries()) {
        const expected = runCase(single, c, 700 + i);
        for (const k of split) expect(runCase(k, c, 700 + i), `${variant} ${k.threads} threads ${label(c)}`).toEqual(expected);
      }
    }
  });

  it('gives the same bits on every run (a fixed thread count keeps training deterministic)', () => {
    const k = createThreadedWasmKernels({ threads: 2, variant: 'relaxed' }) ?? two;
    made.push(k as ThreadedKernels);
    for (const [i, c] of MNIST.entries()) {
      const first = runCase(k, c, 400 + i);
      for (let rep = 0; rep < 5; rep++) expect(runCase(k, c, 400 + i)).toEqual(first);
    }
  });

  it('computes alone, correctly, before its workers have started', () => {
    const k = createThreadedWasmKernels({ threads: 2, minFlops: 0, variant: 'simd' })!;
    made.push(k);
    const c = MNIST[0]!;
    expect(runCase(k, c, 1)).toEqual(runCase(createWasmKernels({ variant: 'simd' })!, c, 1));
  });

  it('splits the optimizers\' updates with the same bits as the TypeScript kernels, any length, any thread count', () => {
    /** Each rule's outputs for parameters of length n, in buffers of `k`'s memory. */
    const update = (k: Kernels, n: number): Float64Array[] => {
      const rand = rng(n);
      const buf = (zeros = 0) => {
        const x = k.alloc ? k.alloc(n) : new Float64Array(n);
        x.set(randomArray(rand, n, zeros));
        return x;
      };
      const [w, g, mom, m] = [buf(), buf(0.3), buf(), buf()];
      const v = buf().map(Math.abs);
      const outs = Array.from({ length: 7 }, () => buf());
      k.sgdStep(w, g, outs[0]!, 0.1);
      k.sgdStep(w, g, outs[6]!, 0.1, 1e-3);
      k.sgdMomentumStep(w, g, mom, outs[1]!, outs[2]!, 0.05, 0.9, 1e-4, true);
      k.adamStep(w, g, m, v, outs[3]!, outs[4]!, outs[5]!, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, c1: 0.1, c2: 0.001, decoupled: true });
      return outs.map((o) => o.slice());
    };
    for (const n of [1, 7, 8, 9, 100, 1001, 100_352]) {
      const expected = update(jsKernels, n);
      for (const k of [two, three]) expect(update(k, n), `${k.name} n=${n}`).toEqual(expected);
    }
  });

  it('splits a batch\'s gather by images with the same bits as the TypeScript kernels', () => {
    for (const [count, pixels, scale] of [[6, 784, 1 / 255], [7, 13, -0.5], [64, 784, 1 / 255], [65, 300, 3]] as const) {
      const images = new Uint8Array(100 * pixels).map((_, i) => (i % 5 === 0 ? 0 : (i * 37) % 256));
      const rows = Uint32Array.from({ length: count }, (_, r) => (r * 61 + 3) % 100);
      const expected = new Float64Array(count * pixels);
      jsKernels.gatherScaled(images, pixels, rows, expected, scale);
      for (const k of [two, three]) {
        const owner = k.alloc!(Math.ceil(images.length / 8));
        const placed = new Uint8Array(owner.buffer, owner.byteOffset, images.length);
        placed.set(images);
        const rowsOwner = k.alloc!(Math.ceil(count / 2));
        const at = new Uint32Array(rowsOwner.buffer, rowsOwner.byteOffset, count);
        at.set(rows);
        const out = k.alloc!(count * pixels);
        k.gatherScaled(placed, pixels, at, out, scale);
        expect(out, `${k.name} ${count}x${pixels}`).toEqual(expected);
      }
    }
  });

  it('lets no thread late for a finished job claim a chunk of the next before it is published', () => {
    // The job protocol by hand (kernels.wat run_job), as a worker that loops once more would see it.
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const ex = new WebAssembly.Instance(wasmModule('simd', true), { env: { memory } }).exports as unknown as WasmKernelExports;
    const ctl = new Int32Array(memory.buffer, 0, 64);
    const f64 = new Float64Array(memory.buffer);
    const [w, g, out] = [4096, 8192, 12288];
    f64.fill(1, w / 8, w / 8 + 64);
    f64.fill(1, g / 8, g / 8 + 64);
    const writeSgdJob = (chunks: number, values: number) => {
      ctl.set([chunks, 16, 0, values], 3); // chunk count, values per chunk, (a), m = values
      ctl[15] = 1; // kind: sgd_step
      ctl.set([w, g, w, w, out], 32);
      f64[20] = 0.5; // lr
    };
    writeSgdJob(2, 32);
    ex.publish(0, 1);
    expect(ex.run_job(0, 1, 0)).toBe(2);
    expect(ctl[2]).toBe(2); // finished
    ex.close_job(0, 1);
    writeSgdJob(4, 64); // the next job's fields, not yet published
    expect(ex.run_job(0, 1, 1)).toBe(0); // a worker still looping for job 1 takes nothing
    expect(ctl[2]).toBe(2);
    expect(f64[out / 8 + 40]).toBe(0); // and wrote nothing of job 2
    ex.publish(0, 2);
    expect(ex.run_job(0, 2, 1)).toBe(4);
    expect(f64[out / 8 + 40]).toBe(0.5);
  });

  it('updates nothing, at once, for parameters of length 0', () => {
    const w = two.alloc!(0);
    expect(() => two.sgdMomentumStep(w, w, w, w, w, 0.1, 0.9, 0, false)).not.toThrow();
  });

  it('lists the threaded backend among the Node backends', async () => {
    const backends = await availableNodeBackends(2);
    expect(backends.map((b) => b.name)).toEqual(['typescript', 'wasm-simd', 'wasm-relaxed-simd', 'wasm-relaxed-simd-2t']);
    disposeBackends(backends);
  });
});
