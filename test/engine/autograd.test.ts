import { describe, expect, it } from 'vitest';
import { backward } from '../../src-engine/autograd';
import { add, mul, sub } from '../../src-engine/ops/arithmetic';
import { relu } from '../../src-engine/ops/activations';
import { sum } from '../../src-engine/ops/reductions';
import { noGrad, Tensor } from '../../src-engine/tensor';

describe('autograd', () => {
  it('a 10,000-op chain backpropagates without overflowing the stack', () => {
    const x = Tensor.from([1.5], [1], true);
    let y = x;
    for (let i = 0; i < 10_000; i++) y = add(y, 1);
    backward(sum(y));
    expect(y.data[0]).toBe(10_001.5);
    expect(x.grad![0]).toBe(1);
  });

  it('a tensor used twice gets both contributions', () => {
    const x = Tensor.from([3], [1], true);
    backward(sum(add(mul(x, x), x))); // d(x² + x) = 2x + 1
    expect(x.grad![0]).toBe(7);
  });

  it('diamond graphs sum each path once', () => {
    const x = Tensor.from([2], [1], true);
    const a = mul(x, 3);
    const b = mul(x, 5);
    backward(sum(mul(a, b))); // 15x², d = 30x
    expect(x.grad![0]).toBe(60);
  });

  it('gradients accumulate across backward calls until zeroGrad', () => {
    const x = Tensor.from([1, 2], [2], true);
    backward(sum(mul(x, 2)));
    backward(sum(mul(x, 2)));
    expect(Array.from(x.grad!)).toEqual([4, 4]);
    x.zeroGrad();
    expect(x.grad).toBeNull(); // forgotten, as PyTorch's zero_grad() sets it to None
    backward(sum(mul(x, 2)));
    expect(Array.from(x.grad!)).toEqual([2, 2]); // the next backward starts from zero
  });

  it('noGrad records no graph', () => {
    const x = Tensor.from([1, -2], [2], true);
    const y = noGrad(() => relu(mul(x, 2)));
    expect(y.requiresGrad).toBe(false);
    expect(y.parents).toHaveLength(0);
    expect(Array.from(y.data)).toEqual([2, 0]);
    expect(() => backward(sum(y))).toThrow(/does not require grad/);
  });

  it('constants get no gradient buffer', () => {
    const x = Tensor.from([1, 2], [2], true);
    const c = Tensor.from([5, 6], [2]);
    backward(sum(sub(x, c)));
    expect(c.grad).toBeNull();
    expect(Array.from(x.grad!)).toEqual([1, 1]);
  });

  it('backward of a non-scalar needs a seed, with a clear message', () => {
    const x = Tensor.from([1, 2], [2], true);
    expect(() => backward(mul(x, 2))).toThrow('backward() needs a scalar loss, got shape [2]; reduce it with sum() or mean() first');
  });

  it('a tensor with the wrong amount of data is refused', () => {
    expect(() => new Tensor(new Float64Array(5), [2, 3])).toThrow('tensor data has 5 values but shape [2, 3] needs 6');
  });
});
