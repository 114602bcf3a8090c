import { beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../../../src-engine/kernels/interface';
import { jsKernels } from '../../../src-engine/kernels/js-kernels';
import { enableRelaxedSimd } from '../../../src-engine/kernels/threads/relaxed-simd-flag';
import { createWasmKernels } from '../../../src-engine/kernels/wasm/wasm-kernels';
import { randomArray, rng } from './kernel-cases';

// The O(size) kernels (bias add, column sums, relu and its gradient, bytes to input, the
// optimizers' update rules) must give
// the TypeScript kernels' results bit for bit, with the buffers in wasm memory (the kernels run
// in wasm) and outside it (they fall back to TypeScript).

const SIZES = [[1, 1], [1, 2], [3, 5], [7, 16], [64, 128], [5, 33]] as const;
/** Values that make elementwise kernels go wrong: signed zeros, NaN, infinities, tiny numbers. */
const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 1, -1];

function withSpecials(rand: () => number, length: number): Float64Array {
  const x = randomArray(rand, length, 0.3);
  for (let i = 0; i < length; i += 3) x[i] = SPECIAL[(i / 3) % SPECIAL.length]!;
  return x;
}

/** Bit-for-bit equality (NaN equals NaN, -0 differs from 0). */
function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new BigUint64Array(actual.slice().buffer);
  const b = new BigUint64Array(expected.slice().buffer);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(actual[i]) && Number.isNaN(expected[i])) continue;
    if (a[i] !== b[i]) throw new Error(`element ${i}: ${actual[i]} (bits ${a[i]!.toString(16)}) vs ${expected[i]} (bits ${b[i]!.toString(16)})`);
  }
}

/** A copy of x in the backend's memory when `inPlace`, else a plain copy. */
function place(k: Kernels, x: Float64Array, inPlace: boolean): Float64Array {
  const y = inPlace && k.alloc ? k.alloc(x.length) : new Float64Array(x.length);
  y.set(x);
  return y;
}

beforeAll(() => {
  enableRelaxedSimd();
});

for (const variant of ['simd', 'relaxed'] as const) {
  for (const inPlace of [true, false]) {
    describe(`wasm ${variant} elementwise kernels, buffers ${inPlace ? 'in wasm memory' : 'outside it'}`, () => {
      let wasm: Kernels;
      beforeAll(() => {
        wasm = createWasmKernels({ variant })!;
      });

      it.each(SIZES)('adds a row vector to %i x %i, in place or not', (rows, cols) => {
        const rand = rng(rows * 100 + cols);
        const x = withSpecials(rand, rows * cols);
        const bias = withSpecials(rand, cols);
        const ref = new Float64Array(rows * cols);
        jsKernels.addRowVector(x, bias, ref, rows, cols);
        const out = place(wasm, new Float64Array(rows * cols), inPlace);
        wasm.addRowVector(place(wasm, x, inPlace), place(wasm, bias, inPlace), out, rows, cols);
        expectSameBits(out, ref);
        const same = place(wasm, x, inPlace); // out is x
        wasm.addRowVector(same, place(wasm, bias, inPlace), same, rows, cols);
        expectSameBits(same, ref);
      });

      it.each(SIZES)('sums the rows of %i x %i, overwriting or accumulating', (rows, cols) => {
        const rand = rng(rows * 7 + cols);
        const x = withSpecials(rand, rows * cols);
        for (const accumulate of [false, true]) {
          const start = withSpecials(rand, cols);
          const ref = start.slice();
          jsKernels.sumRows(x, ref, rows, cols, accumulate);
          const out = place(wasm, start, inPlace);
          wasm.sumRows(place(wasm, x, inPlace), out, rows, cols, accumulate);
          expectSameBits(out, ref);
        }
      });

      it.each([1, 2, 3, 17, 8192])('applies relu and its gradient to %i values', (n) => {
        const rand = rng(n);
        const x = withSpecials(rand, n);
        const ref = new Float64Array(n).fill(7);
        jsKernels.relu(x, ref);
        const out = place(wasm, new Float64Array(n).fill(7), inPlace);
        wasm.relu(place(wasm, x, inPlace), out);
        expectSameBits(out, ref);
        for (const accumulate of [false, true]) {
          const dy = withSpecials(rand, n);
          const dx0 = withSpecials(rand, n);
          const refDx = dx0.slice();
          jsKernels.reluBackward(x, dy, refDx, accumulate);
          const dx = place(wasm, dx0, inPlace);
          wasm.reluBackward(place(wasm, x, inPlace), place(wasm, dy, inPlace), dx, accumulate);
          expectSameBits(dx, refDx);
        }
      });

      it.each([1, 2, 7, 1290])('updates %i parameters with plain SGD, without and with weight decay', (n) => {
        const rand = rng(n + 17);
        const [w, g] = [withSpecials(rand, n), withSpecials(rand, n)];
        for (const wd of [0, 5e-4]) {
          const ref = new Float64Array(n);
          jsKernels.sgdStep(w, g, ref, 0.05, wd);
          const out = place(wasm, new Float64Array(n), inPlace);
          wasm.sgdStep(place(wasm, w, inPlace), place(wasm, g, inPlace), out, 0.05, wd);
          expectSameBits(out, ref);
        }
      });

      it.each([1, 2, 7, 1290])('updates %i parameters with momentum (plain, Nesterov, weight decay)', (n) => {
        const rand = rng(n + 11);
        const [w, g, buf] = [withSpecials(rand, n), withSpecials(rand, n), withSpecials(rand, n)];
        for (const [mu, wd, nesterov] of [[0.9, 0, false], [0.9, 0, true], [0.5, 1e-4, false], [0.99, 0.01, true]] as const) {
          const [refOut, refBuf] = [new Float64Array(n), new Float64Array(n)];
          jsKernels.sgdMomentumStep(w, g, buf, refOut, refBuf, 0.05, mu, wd, nesterov);
          const [out, outBuf] = [place(wasm, new Float64Array(n), inPlace), place(wasm, new Float64Array(n), inPlace)];
          wasm.sgdMomentumStep(place(wasm, w, inPlace), place(wasm, g, inPlace), place(wasm, buf, inPlace), out, outBuf, 0.05, mu, wd, nesterov);
          expectSameBits(out, refOut);
          expectSameBits(outBuf, refBuf);
        }
      });

      it.each([1, 2, 7, 1290])('updates %i parameters with Adam and AdamW', (n) => {
        const rand = rng(n + 13);
        const [w, g, m] = [withSpecials(rand, n), withSpecials(rand, n), withSpecials(rand, n)];
        const v = randomArray(rand, n).map(Math.abs); // a second moment is never negative
        for (const [decoupled, weightDecay, t] of [[false, 0, 1], [false, 1e-3, 7], [true, 0.01, 1000]] as const) {
          const s = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, c1: 1 - 0.9 ** t, c2: 1 - 0.999 ** t, decoupled };
          const refs = [new Float64Array(n), new Float64Array(n), new Float64Array(n)] as const;
          jsKernels.adamStep(w, g, m, v, refs[0], refs[1], refs[2], s);
          const outs = refs.map(() => place(wasm, new Float64Array(n), inPlace));
          wasm.adamStep(place(wasm, w, inPlace), place(wasm, g, inPlace), place(wasm, m, inPlace), place(wasm, v, inPlace), outs[0]!, outs[1]!, outs[2]!, s);
          outs.forEach((o, i) => expectSameBits(o, refs[i]!));
        }
      });

      it.each([1, 15, 16, 17, 784, 64 * 784 + 5])('scales %i bytes, zero runs and all', (n) => {
        const rand = rng(n + 3);
        const src = new Uint8Array(n);
        // Zero runs longer than a 16-byte chunk, between strokes, like an MNIST image.
        for (let i = 0; i < n; i++) src[i] = i % 40 < 22 ? 0 : Math.floor(((rand() + 1) / 2) * 256);
        for (const scale of [1 / 255, -0.5, 3]) {
          const ref = new Float64Array(n);
          jsKernels.scaleBytes(src, ref, scale);
          const out = place(wasm, new Float64Array(n).fill(9), inPlace);
          let from: Uint8Array = src;
          if (inPlace) {
            const owner = wasm.alloc!(Math.ceil(n / 8));
            from = new Uint8Array(owner.buffer, owner.byteOffset, n);
            from.set(src);
          }
          wasm.scaleBytes(from, out, scale);
          expectSameBits(out, ref);
        }
      });

      it.each([[1, 1], [13, 17], [64, 784], [5, 789]])('gathers %i images of %i pixels from a dataset', (count, pixels) => {
        const rand = rng(count + pixels);
        const images = new Uint8Array(40 * pixels);
        for (let i = 0; i < images.length; i++) images[i] = i % 40 < 22 ? 0 : Math.floor(((rand() + 1) / 2) * 256);
        // Any images, in any order, the same one twice, the first and the last.
        const rows = Uint32Array.from({ length: count }, (_, r) => (r === 0 ? 39 : r === 1 ? 0 : (r * 7) % 40));
        for (const scale of [1 / 255, -0.5]) {
          const ref = new Float64Array(count * pixels);
          jsKernels.gatherScaled(images, pixels, rows, ref, scale);
          let [from, at]: [Uint8Array, Uint32Array] = [images, rows];
          if (inPlace) {
            const imagesOwner = wasm.alloc!(Math.ceil(images.length / 8));
            from = new Uint8Array(imagesOwner.buffer, imagesOwner.byteOffset, images.length);
            from.set(images);
            const rowsOwner = wasm.alloc!(Math.ceil(count / 2));
            at = new Uint32Array(rowsOwner.buffer, rowsOwner.byteOffset, count);
            at.set(rows);
          }
          const out = place(wasm, new Float64Array(count * pixels).fill(9), inPlace);
          wasm.gatherScaled(from, pixels, at, out, scale);
          expectSameBits(out, ref);
        }
      });
    });
  }
}

describe('the TypeScript elementwise kernels', () => {
  it('relu maps NaN and -0 to 0, and its gradient passes dy only where x > 0', () => {
    const x = new Float64Array([NaN, -0, 0, -2, 3]);
    const out = new Float64Array(5);
    jsKernels.relu(x, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 3]);
    const dx = new Float64Array([1, 1, 1, 1, 1]);
    jsKernels.reluBackward(x, new Float64Array([5, 5, 5, 5, 5]), dx, true);
    expect(Array.from(dx)).toEqual([1, 1, 1, 1, 6]);
    jsKernels.reluBackward(x, new Float64Array([5, 5, 5, 5, 5]), dx, false);
    expect(Array.from(dx)).toEqual([0, 0, 0, 0, 5]);
  });

  it('scales bytes exactly as b · scale', () => {
    const out = new Float64Array(3);
    jsKernels.scaleBytes(Uint8Array.from([0, 1, 255]), out, 1 / 255);
    expect(Array.from(out)).toEqual([0, 1 / 255, 1]);
  });

  it('gathers the named images, each scaled as scaleBytes scales it', () => {
    const images = Uint8Array.from([1, 2, 3, 4, 5, 6]); // three images of two pixels
    const out = new Float64Array(6);
    jsKernels.gatherScaled(images, 2, Uint32Array.from([2, 0, 2]), out, 0.5);
    expect(Array.from(out)).toEqual([2.5, 3, 0.5, 1, 2.5, 3]);
  });
});
