import { describe, expect, it } from 'vitest';
import { checkAllOps, checkMlp, gradcheck, randomTensor } from '../../src-engine/gradcheck';
import { dropoutMask } from '../../src-engine/ops/dropout';
import { linear } from '../../src-engine/ops/matmul';
import { Random } from '../../src-engine/random';
import type { Backward } from '../../src-engine/tensor';

describe('gradients against central finite differences (float64, h = 1e-6)', () => {
  for (const r of checkAllOps()) {
    it(r.name, () => {
      expect(r.checked).toBeGreaterThan(0);
      expect(r.maxError).toBeLessThan(1e-6);
      expect(r.ok).toBe(true);
    });
  }

  for (const act of ['relu', 'leaky_relu', 'sigmoid', 'tanh'] as const) {
    for (const loss of ['cross_entropy', 'mse', 'bce'] as const) {
      it(`whole MLP loss w.r.t. every parameter: ${act}, ${loss}`, () => {
        const r = checkMlp([12, 7, 5, 4], act, loss);
        expect(r.checked).toBe(loss === 'bce' ? 12 * 7 + 7 + 7 * 5 + 5 + 5 + 1 : 12 * 7 + 7 + 7 * 5 + 5 + 5 * 4 + 4);
        expect(r.ok).toBe(true);
      });
    }
  }

  it('whole MLP loss with dropout (a fixed mask: the step keys it) w.r.t. every parameter', () => {
    const r = checkMlp([12, 7, 5, 4], 'relu', 'cross_entropy', new Random(5), Infinity, 0.5);
    expect(r.name).toContain('dropout 0.5');
    expect(r.checked).toBe(12 * 7 + 7 + 7 * 5 + 5 + 5 * 4 + 4);
    expect(r.ok).toBe(true);
  });

  it('dropout drops about p of the units and scales the rest by 1/(1 − p)', () => {
    const mask = dropoutMask(10000, 0.3, new Random(1));
    const dropped = mask.filter((m) => m === 0).length / mask.length;
    expect(Math.abs(dropped - 0.3)).toBeLessThan(0.02);
    expect(new Set(mask)).toEqual(new Set([0, 1 / 0.7]));
  });

  it('an MNIST-sized first layer (sampled elements)', () => {
    const r = checkMlp([784, 32, 10], 'relu', 'cross_entropy', new Random(9), 40);
    expect(r.ok).toBe(true);
  });

  it('catches a wrong gradient', () => {
    // A linear whose bias gradient is doubled must fail the check: the checker is not vacuous.
    const random = new Random(1);
    const broken = (x: Parameters<typeof linear>[0], w: Parameters<typeof linear>[1], b: Parameters<typeof linear>[2]) => {
      const y = linear(x, w, b);
      const orig = y.backwardFn!;
      (y as { backwardFn: Backward }).backwardFn = (dy, ...dx) => {
        orig(dy, ...dx);
        const db = dx[2]!;
        for (let i = 0; i < db.length; i++) db[i] *= 2;
      };
      return y;
    };
    const r = gradcheck('broken', broken, [randomTensor([3, 4], random), randomTensor([4, 2], random), randomTensor([2], random)]);
    expect(r.ok).toBe(false);
  });
});
