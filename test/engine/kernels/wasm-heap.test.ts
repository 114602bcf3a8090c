import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../../../src-engine/kernels/interface';
import { kernels, setKernels, stateBuffer } from '../../../src-engine/kernels/kernels';
import { jsKernels } from '../../../src-engine/kernels/js-kernels';
import { enableRelaxedSimd } from '../../../src-engine/kernels/threads/relaxed-simd-flag';
import { createThreadedWasmKernels, type ThreadedKernels } from '../../../src-engine/kernels/threads/threaded-kernels';
import { setCollector, WasmHeap } from '../../../src-engine/kernels/wasm/wasm-heap';
import { nodeCollector } from '../../../src-engine/kernels/threads/node-collector';
import { createWasmKernels } from '../../../src-engine/kernels/wasm/wasm-kernels';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { prepareData, Trainer } from '../../../src-engine/train/trainer';
import type { TrainConfig } from '../../../src-engine/protocol';
import { mlpArchitecture } from '../../../src-engine/architecture';
import { Model } from '../../../src-engine/nn/model';
import { Random } from '../../../src-engine/random';
import { evaluate } from '../../../src-engine/train/evaluate';
import { label, matmulCases, randomArray, rng, runCase, runCaseInPlace } from './kernel-cases';

const CASES = matmulCases(64, 21);
/** Every non-empty choice of operands in place: [A, B, C]. */
const PLACES = [1, 2, 3, 4, 5, 6, 7].map((bits) => [0, 1, 2].map((i) => ((bits >> i) & 1) === 1));

beforeAll(() => {
  enableRelaxedSimd();
});

describe('WasmHeap', () => {
  const heap = (maxPages = 64, viewLimit = 1 << 20) =>
    new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: maxPages, shared: true }), 256, maxPages, viewLimit);

  it('hands out zeroed, 64-aligned views of the memory that it recognises, and no others', () => {
    const h = heap();
    const a = h.alloc(3)!;
    const b = h.alloc(5)!;
    expect(a.buffer).toBe(h.memory.buffer);
    expect([a.byteOffset % 64, b.byteOffset % 64, a.length, b.length]).toEqual([0, 0, 3, 5]);
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 64);
    expect(Array.from(b)).toEqual([0, 0, 0, 0, 0]);
    expect(h.owns(a)).toBe(true);
    expect(h.owns(new Float64Array(3))).toBe(false);
  });

  it('keeps views valid, and recognised, when the memory grows', () => {
    const h = heap(64, 1 << 24);
    const a = h.alloc(10)!;
    a.fill(7);
    const big = h.alloc(200_000); // 1.6 MB: grows the 64 KiB memory
    expect(h.memory.buffer.byteLength).toBeGreaterThan(1_600_000);
    expect(a.buffer).not.toBe(h.memory.buffer);
    expect(Array.from(a)).toEqual(new Array(10).fill(7));
    expect(h.owns(a) && h.owns(big!)).toBe(true);
  });

  it('reuses released blocks, coalescing neighbours, and zeroes them again', () => {
    const h = heap();
    const x = h.reserve(128);
    const y = h.reserve(64);
    const z = h.reserve(64);
    h.reserve(64); // keeps z from being the top
    h.release(x, 128);
    h.release(z, 64);
    h.release(y, 64); // x, y, z are now one free block of 256 bytes
    expect(h.reserve(256)).toBe(x);
    const v = h.alloc(4)!;
    v.fill(1);
    const at = v.byteOffset;
    h.release(at, 64);
    const w = h.alloc(4)!;
    expect(w.byteOffset).toBe(at);
    expect(Array.from(w)).toEqual([0, 0, 0, 0]);
  });

  it('recognises views made on a buffer object that V8 replaced without the memory growing', () => {
    // V8 can hand out a new SharedArrayBuffer object for a shared memory's buffer at the same
    // length; views made on it were not ours, and every kernel on them copied or ran in TypeScript.
    const real = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    let current: ArrayBufferLike = real.buffer;
    const memory = { get buffer() { return current; }, grow: (pages: number) => real.grow(pages) } as unknown as WebAssembly.Memory;
    const h = new WasmHeap(memory, 256, 4, 1 << 20);
    const before = h.alloc(8)!;
    current = new SharedArrayBuffer(real.buffer.byteLength); // a new object, same length
    const after = h.alloc(8)!;
    const elsewhere = new Float64Array(current, 1024, 8); // made on it by someone else
    expect([h.owns(before), h.owns(after), h.owns(elsewhere)]).toEqual([true, true, true]);
    expect(h.owns(new Float64Array(new SharedArrayBuffer(64)))).toBe(false);
  });

  it('asks for a garbage collection after every collectEvery bytes it hands out, and at its limit', () => {
    let asked = 0;
    setCollector(() => asked++);
    try {
      const h = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 64, shared: true }), 256, 64, 1 << 20, 64 << 10);
      for (let i = 0; i < 7; i++) h.alloc(1024); // 8 KiB each: 56 KiB, under 64
      expect(asked).toBe(0);
      h.alloc(1024);
      h.alloc(1024); // past 64 KiB
      expect(asked).toBe(1);
      expect(h.alloc(1 << 17)).toBeNull(); // 1 MiB: past the view limit
      expect(asked).toBe(2);
    } finally {
      setCollector(null);
    }
  });

  it('gets the blocks of dead views back when the event loop turns, so model after model stays in the memory', async () => {
    // Each "model" is 4 MiB of views that nobody keeps; 60 of them are 240 MiB, four times the limit.
    setCollector(nodeCollector());
    try {
      const h = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 4096, shared: true }), 256, 4096, 64 << 20, 16 << 20);
      let refused = 0;
      for (let model = 0; model < 60; model++) {
        for (let i = 0; i < 4; i++) if (!h.alloc(1 << 17)) refused++;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      expect(refused).toBe(0);
      expect(h.memory.buffer.byteLength).toBeLessThanOrEqual(64 << 20);
    } finally {
      setCollector(null);
    }
  });

  it('returns null past its view limit or the memory maximum, and for non-shared memory', () => {
    expect(heap(64, 1024).alloc(200)).toBeNull(); // 1600 bytes > 1024
    expect(heap(2).alloc(20_000)).toBeNull(); // 160 KB > 2 pages
    const plain = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 4 }), 256, 4, 1 << 20);
    expect(plain.alloc(4)).toBeNull();
  });
});

describe('stateBuffer', () => {
  afterAll(() => setKernels(jsKernels));

  it('gives plain zeroed arrays with the TypeScript kernels and wasm memory with wasm ones', () => {
    setKernels(jsKernels);
    expect(stateBuffer(3)).toEqual(new Float64Array(3));
    const wasm = createWasmKernels()!;
    setKernels(wasm);
    expect(kernels().alloc).toBeDefined();
    expect(stateBuffer(3).buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});

describe('matmul on operands in wasm memory (no copies)', () => {
  const made: ThreadedKernels[] = [];
  const backends: [string, () => Kernels][] = [
    ['simd', () => createWasmKernels({ variant: 'simd' })!],
    ['relaxed', () => createWasmKernels({ variant: 'relaxed' })!],
    ['2 threads', () => {
      const k = createThreadedWasmKernels({ threads: 2, minFlops: 0, variant: 'relaxed' })!;
      made.push(k);
      return k;
    }],
  ];
  afterAll(() => {
    for (const k of made) k.dispose();
  });

  for (const [name, make] of backends) {
    it(`${name}: gives the same bits as copying, whichever operands are in place`, () => {
      const k = make();
      CASES.forEach((c, i) => {
        const copied = runCase(k, c, 300 + i);
        for (const places of PLACES) {
          const got = runCaseInPlace(k, c, 300 + i, places);
          if (!got.every((v, j) => Object.is(v, copied[j]))) throw new Error(`${label(c)} in place ${places.join()}: differs`);
        }
      });
    });
  }

  for (const [name, make] of backends) {
    it(`${name}: sgdStep gives the TypeScript bits, in place or not, for any length`, () => {
      const k = make();
      for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 33, 1001]) {
        const rand = rng(n + 1);
        const w = randomArray(rand, n);
        const g = randomArray(rand, n, 0.3);
        if (n > 2) g[1] = NaN;
        const want = new Float64Array(n);
        jsKernels.sgdStep(w, g, want, 0.1);
        const plain = new Float64Array(n);
        k.sgdStep(w, g, plain, 0.1);
        const [wi, gi, out] = [w, g, new Float64Array(n)].map((x) => {
          const y = k.alloc!(n);
          y.set(x);
          return y;
        });
        k.sgdStep(wi!, gi!, out!, 0.1);
        expect(Array.from(plain)).toEqual(Array.from(want));
        expect(Array.from(out!)).toEqual(Array.from(want));
      }
    });
  }

  it('writes C in place and reads operands allocated before the memory grew', () => {
    const k = createWasmKernels()!;
    const a = k.alloc!(2 * 3);
    const b = k.alloc!(3 * 2);
    const c = k.alloc!(2 * 2);
    a.set([1, 2, 3, 4, 5, 6]);
    b.set([1, 0, 0, 1, 1, 1]);
    k.alloc!(1_000_000); // 8 MB: the memory grows, a, b, c keep their old buffer object
    k.matmul(a, b, c, 2, 3, 2, false, false, false);
    expect(Array.from(c)).toEqual([4, 5, 10, 11]);
    k.matmul(a, b, c, 2, 3, 2, false, false, true);
    expect(Array.from(c)).toEqual([8, 10, 20, 22]);
  });
});

describe('training with buffers in wasm memory', () => {
  const fixture = loadDataset({ kind: 'idx', dir: 'test/fixtures/mnist-500' });
  afterAll(() => setKernels(jsKernels));

  const losses = (k: Kernels, over: Partial<TrainConfig>): { losses: number[]; weights: number[]; tests: number[]; inWasm: boolean } => {
    setKernels(k);
    const c: TrainConfig = { ...DEFAULT_CONFIG, dataset: { kind: 'idx', dir: 'test/fixtures/mnist-500' }, hidden: [16], epochs: 2, batch: 48, lr: 0.05, schedule: 'constant', ...over };
    const t = new Trainer(c, prepareData(c, fixture.train, fixture.test), () => 0);
    const out: number[] = [];
    while (!t.finished) {
      const r = t.trainBatch();
      out.push(r.loss);
      if (r.epochEnded) t.finishEpoch();
    }
    const params = t.model.parameters();
    return {
      losses: out,
      weights: params.flatMap((p) => Array.from(p.tensor.data)),
      tests: t.history.flatMap((h) => [h.test_loss, h.test_accuracy]),
      inWasm: params.every((p) => p.tensor.data.buffer instanceof SharedArrayBuffer && p.tensor.grad!.buffer instanceof SharedArrayBuffer),
    };
  };

  it.each([
    ['sgd', { optimizer: 'sgd', momentum: 0 }],
    ['sgd weight decay', { optimizer: 'sgd', momentum: 0, weightDecay: 1e-3 }],
    ['sgd momentum', { optimizer: 'sgd', momentum: 0.9 }],
    ['adam', { optimizer: 'adam', lr: 0.001 }],
    ['tanh, mse', { activation: 'tanh', loss: 'mse' }],
    ['leaky relu, sigmoid output, bce on 3 vs 7', { activation: 'leaky_relu', loss: 'bce', classes: [3, 7] as number[] }],
    ['sigmoid', { activation: 'sigmoid', hidden: [12, 8] as number[] }],
  ] as const)('%s: bit-identical to the same kernels copying every operand', (_name, over) => {
    // NOTE: poisoned scratch turns any activation or gradient kept past its step into NaN.
    const wasm = createWasmKernels({ poisonScratch: true })!;
    const inPlace = losses(wasm, over);
    const copying = losses({ ...wasm, alloc: undefined, scratch: undefined }, over);
    expect(inPlace.inWasm).toBe(true);
    expect(copying.inWasm).toBe(false);
    expect(inPlace.losses).toEqual(copying.losses);
    expect(inPlace.weights).toEqual(copying.weights);
    expect(inPlace.tests).toEqual(copying.tests);
    expect(inPlace.tests.every(Number.isFinite)).toBe(true);
  });

  it("keeps each parameter's gradient after the step, in one buffer of its own, never in the step's arena", () => {
    // NOTE: poisoned scratch: a gradient left in the arena would read NaN once the step is over.
    setKernels(createWasmKernels({ poisonScratch: true })!);
    const c: TrainConfig = { ...DEFAULT_CONFIG, dataset: { kind: 'idx', dir: 'test/fixtures/mnist-500' }, hidden: [16], epochs: 1, batch: 48 };
    const t = new Trainer(c, prepareData(c, fixture.train, fixture.test), () => 0);
    t.trainBatch();
    const params = t.model.parameters().map((p) => p.tensor);
    const first = params.map((p) => p.grad!);
    expect(first.every((g) => g.every(Number.isFinite) && g.some((v) => v !== 0))).toBe(true);
    t.trainBatch();
    expect(params.every((p, i) => p.grad === first[i])).toBe(true); // the same buffers, overwritten
    expect(params.every((p) => p.grad!.every(Number.isFinite))).toBe(true);
  });

  it('evaluates again and again in one synchronous loop without growing the memory', () => {
    setKernels(createWasmKernels()!);
    const model = new Model(mlpArchitecture([784, 16, 10], 'relu', 'cross_entropy', fixture.train.classes, [28, 28]), new Random(1));
    const first = evaluate(model, fixture.test!);
    const size = stateBuffer(1).buffer.byteLength;
    for (let i = 0; i < 30; i++) expect(evaluate(model, fixture.test!).loss).toBe(first.loss);
    expect(stateBuffer(1).buffer.byteLength).toBe(size); // one batcher, reused: not 30 of 3 MB each
  });

  it.each([
    ['sgd', { optimizer: 'sgd', momentum: 0 }],
    ['sgd weight decay', { optimizer: 'sgd', momentum: 0, weightDecay: 1e-3 }],
    ['sgd momentum', { optimizer: 'sgd', momentum: 0.9 }],
    ['adamw', { optimizer: 'adamw', lr: 0.001, weightDecay: 0.01 }],
  ] as const)('%s: bit-identical on two threads, every product and update split', async (_name, over) => {
    const threaded = createThreadedWasmKernels({ threads: 2, minFlops: 0, minUpdate: 0, variant: 'relaxed', poisonScratch: true })!;
    await threaded.ready();
    try {
      const two = losses(threaded, over);
      const one = losses(createWasmKernels({ variant: 'relaxed' })!, over);
      expect(two.losses).toEqual(one.losses);
      expect(two.weights).toEqual(one.weights);
      expect(two.tests).toEqual(one.tests);
    } finally {
      threaded.dispose();
    }
  });
});
