import { describe, expect, it } from 'vitest';
import { backward } from '../../src-engine/autograd';
import { add, div, mul } from '../../src-engine/ops/arithmetic';
import { leakyRelu, relu, sigmoid } from '../../src-engine/ops/activations';
import { bceWithLogits, mseOneHot, softmaxCrossEntropy } from '../../src-engine/ops/losses';
import { linear, matmul } from '../../src-engine/ops/matmul';
import { logSoftmax, mean, reshape, softmax, sum } from '../../src-engine/ops/reductions';
import { exp, log } from '../../src-engine/ops/unary';
import { Tensor } from '../../src-engine/tensor';

const vals = (t: Tensor) => Array.from(t.data);

describe('broadcasting', () => {
  it('[2,3] + [3] adds the row to every row', () => {
    const y = add(Tensor.from([[1, 2, 3], [4, 5, 6]]), Tensor.from([10, 20, 30]));
    expect(y.shape).toEqual([2, 3]);
    expect(vals(y)).toEqual([11, 22, 33, 14, 25, 36]);
  });

  it('[2,1] * [1,3] makes an outer product and sums gradients back to each shape', () => {
    const a = Tensor.from([1, 2], [2, 1], true);
    const b = Tensor.from([3, 4, 5], [1, 3], true);
    const y = mul(a, b);
    expect(y.shape).toEqual([2, 3]);
    expect(vals(y)).toEqual([3, 4, 5, 6, 8, 10]);
    backward(sum(y));
    expect(Array.from(a.grad!)).toEqual([12, 12]);
    expect(Array.from(b.grad!)).toEqual([3, 3, 3]);
  });

  it('a scalar broadcasts over anything', () => {
    const x = Tensor.from([[1, 2], [3, 4]], undefined, true);
    const s = new Tensor(Float64Array.of(2), [], true);
    backward(sum(div(x, s)));
    expect(Array.from(x.grad!)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(s.grad![0]).toBeCloseTo(-10 / 4, 12); // Σ -x/s²
  });

  it('incompatible shapes are refused with both shapes named', () => {
    expect(() => add(Tensor.zeros([2, 3]), Tensor.zeros([2]))).toThrow('add: shapes [2, 3] and [2] cannot be broadcast together (dimension 1: 3 vs 2)');
  });
});

describe('values', () => {
  it('matmul with every transpose flag equals the plain product', () => {
    const a = Tensor.from([[1, 2, 3], [4, 5, 6]]);
    const b = Tensor.from([[7, 8], [9, 10], [11, 12]]);
    const expected = [58, 64, 139, 154];
    const aT = Tensor.from([[1, 4], [2, 5], [3, 6]]);
    const bT = Tensor.from([[7, 9, 11], [8, 10, 12]]);
    expect(vals(matmul(a, b))).toEqual(expected);
    expect(vals(matmul(aT, b, { transA: true }))).toEqual(expected);
    expect(vals(matmul(a, bT, { transB: true }))).toEqual(expected);
    expect(vals(matmul(aT, bT, { transA: true, transB: true }))).toEqual(expected);
  });

  it('matmul refuses mismatched inner sizes', () => {
    expect(() => matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 2]))).toThrow('matmul: inner sizes differ: [2, 3] · [4, 2] (3 vs 4)');
  });

  it('linear skips zero inputs and still gets the exact answer', () => {
    const x = Tensor.from([[0, 2, 0], [1, 0, 0]]);
    const w = Tensor.from([[1, 2], [3, 4], [5, 6]]);
    expect(vals(linear(x, w, Tensor.from([0.5, -0.5])))).toEqual([6.5, 7.5, 1.5, 1.5]);
  });

  it('linear says which input size it expected', () => {
    expect(() => linear(Tensor.zeros([2, 5]), Tensor.zeros([4, 3]), Tensor.zeros([3]))).toThrow('linear 4->3 expects input [batch, 4], got [2, 5]');
  });

  it('activations at 0, negatives and NaN', () => {
    const x = Tensor.from([-2, 0, 3, NaN]);
    expect(vals(relu(x)).slice(0, 3)).toEqual([0, 0, 3]);
    expect(vals(leakyRelu(x, 0.1)).slice(0, 3)).toEqual([-0.2, 0, 3]);
    expect(Number.isNaN(relu(x).data[3])).toBe(false); // NOTE: NaN > 0 is false, so relu maps NaN to 0
    expect(Number.isNaN(sigmoid(x).data[3])).toBe(true);
    expect(vals(sigmoid(Tensor.from([-1000, 0, 1000])))).toEqual([0, 0.5, 1]);
  });

  it('relu passes no gradient at exactly 0', () => {
    const x = Tensor.from([0, 1], [2], true);
    backward(sum(relu(x)));
    expect(Array.from(x.grad!)).toEqual([0, 1]);
  });

  it('exp, log, mean, reshape', () => {
    expect(vals(log(exp(Tensor.from([1, 2]))))).toEqual([1, 2]);
    expect(log(Tensor.from([0])).data[0]).toBe(-Infinity);
    expect(vals(mean(Tensor.from([[1, 2], [3, 4]]), 0))).toEqual([2, 3]);
    expect(reshape(Tensor.zeros([2, 6]), [3, -1]).shape).toEqual([3, 4]);
    expect(() => reshape(Tensor.zeros([2, 6]), [5, -1])).toThrow('reshape: cannot view [2, 6] (12 values) as [5, -1]');
  });

  it('softmax rows sum to 1 and logSoftmax matches log(softmax) even at ±1000', () => {
    const x = Tensor.from([[1000, 0, -1000], [1, 2, 3]]);
    const s = softmax(x);
    expect(s.data[0] + s.data[1] + s.data[2]).toBeCloseTo(1, 15);
    const ls = logSoftmax(x);
    expect(ls.data[0]).toBe(0);
    expect(ls.data[2]).toBe(-2000);
    expect(ls.data[3]).toBeCloseTo(Math.log(s.data[3]), 14);
  });
});

describe('losses', () => {
  it('softmax cross-entropy is finite with a finite gradient at logits of ±1000', () => {
    const logits = Tensor.from([[1000, -1000, 0], [-1000, 1000, 0]], undefined, true);
    const loss = softmaxCrossEntropy(logits, Uint8Array.of(1, 1));
    expect(loss.item()).toBe(1000); // row 0: -log softmax = 2000; row 1: 0
    backward(loss);
    expect(Array.from(logits.grad!).every(Number.isFinite)).toBe(true);
    expect(logits.grad![0]).toBeCloseTo(0.5, 12);
    expect(logits.grad![1]).toBeCloseTo(-0.5, 12);
  });

  it('softmax cross-entropy of uniform logits is log(classes)', () => {
    expect(softmaxCrossEntropy(Tensor.zeros([4, 10]), new Uint8Array(4)).item()).toBeCloseTo(Math.log(10), 14);
  });

  it('refuses labels out of range', () => {
    expect(() => softmaxCrossEntropy(Tensor.zeros([2, 3]), Uint8Array.of(0, 3))).toThrow('softmaxCrossEntropy: label 3 is out of range for 3 classes');
  });

  it('mse against one-hot targets averages over batch·classes', () => {
    expect(mseOneHot(Tensor.from([[1, 0], [0, 0]]), Uint8Array.of(0, 1)).item()).toBe(0.25);
  });

  it('bce from logits is stable at ±1000 and matches the formula in between', () => {
    const z = Tensor.from([[1000], [-1000], [0.3]], undefined, true);
    const loss = bceWithLogits(z, Uint8Array.of(0, 1, 1));
    const sig = 1 / (1 + Math.exp(-0.3));
    expect(loss.item()).toBeCloseTo((1000 + 1000 - Math.log(sig)) / 3, 10);
    backward(loss);
    expect(Array.from(z.grad!).map((g) => +g.toFixed(12))).toEqual([+(1 / 3).toFixed(12), +(-1 / 3).toFixed(12), +((sig - 1) / 3).toFixed(12)]);
  });

  it('bce refuses labels that are not 0 or 1', () => {
    expect(() => bceWithLogits(Tensor.zeros([1, 1]), Uint8Array.of(2))).toThrow('bceWithLogits: label 2 is not 0 or 1');
  });
});
