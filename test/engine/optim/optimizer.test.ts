import { describe, expect, it } from 'vitest';
import { Optimizer, type OptimizerSettings } from '../../../src-engine/optim/optimizer';
import { learningRate } from '../../../src-engine/optim/schedule';
import { Tensor } from '../../../src-engine/tensor';

/** One parameter [2] with a fixed gradient, stepped n times. */
function run(settings: OptimizerSettings, steps: number, lr: number, grad = [0.5, -1]): number[] {
  const w = Tensor.from([1, 2], [2], true);
  const opt = new Optimizer([{ name: '0.weight', tensor: w }], settings);
  for (let i = 0; i < steps; i++) {
    w.grad = Float64Array.from(grad);
    opt.step(lr);
  }
  return Array.from(w.data);
}

const sgd = { name: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 } as const;

describe('optimizers follow PyTorch update rules', () => {
  it('plain SGD: w -= lr·g', () => {
    expect(run(sgd, 1, 0.1)).toEqual([1 - 0.05, 2 + 0.1]);
  });

  it('SGD momentum: buf = μ·buf + g; w -= lr·buf', () => {
    // buf: 0.5, then 0.9·0.5 + 0.5 = 0.95 → w = 1 - 0.1·(0.5 + 0.95)
    expect(run({ ...sgd, momentum: 0.9 }, 2, 0.1)[0]).toBeCloseTo(1 - 0.145, 15);
  });

  it('SGD Nesterov: w -= lr·(g + μ·buf)', () => {
    // step 1: buf 0.5, d = 0.5 + 0.45; step 2: buf 0.95, d = 0.5 + 0.855
    expect(run({ ...sgd, momentum: 0.9, nesterov: true }, 2, 0.1)[0]).toBeCloseTo(1 - 0.1 * (0.95 + 1.355), 15);
  });

  it('SGD weight decay adds wd·w to the gradient', () => {
    expect(run({ ...sgd, weightDecay: 0.1 }, 1, 0.1, [0, 0])).toEqual([1 - 0.01, 2 - 0.02]);
  });

  it('Adam: the first step moves each weight by lr·sign(g)', () => {
    const w = run({ ...sgd, name: 'adam' }, 1, 0.01);
    expect(w[0]).toBeCloseTo(1 - 0.01, 6);
    expect(w[1]).toBeCloseTo(2 + 0.01, 6);
  });

  it('AdamW decays the weight directly, Adam through the gradient', () => {
    const adamw = run({ ...sgd, name: 'adamw', weightDecay: 0.1 }, 1, 0.01, [0, 0]);
    expect(adamw[0]).toBeCloseTo(1 - 0.01 * 0.1, 12); // m = 0: only the decoupled decay moves it
    const adam = run({ ...sgd, name: 'adam', weightDecay: 0.1 }, 1, 0.01, [0, 0]);
    expect(adam[0]).toBeCloseTo(1 - 0.01, 6); // the decay became a gradient, normalised by Adam
  });

  it('slots are named per parameter, and the last step can be undone exactly', () => {
    const w = Tensor.from([1, 2], [2], true);
    const opt = new Optimizer([{ name: '0.weight', tensor: w }], { ...sgd, name: 'adam' });
    expect([...opt.slots.keys()]).toEqual(['0.weight.m', '0.weight.v']);
    w.grad = Float64Array.of(1, 1);
    opt.step(0.1);
    const after1 = { w: Array.from(w.data), m: Array.from(opt.slots.get('0.weight.m')!), t: opt.t };
    w.grad = Float64Array.of(3, -5);
    opt.step(0.1);
    expect(opt.undoLastStep()).toBe(true);
    expect({ w: Array.from(w.data), m: Array.from(opt.slots.get('0.weight.m')!), t: opt.t }).toEqual(after1);
    expect(opt.undoLastStep()).toBe(false); // only one step back
    expect(() => opt.restoreSlots(new Map())).toThrow('optimizer state is missing 0.weight.m');
  });
});

describe('learning-rate schedules', () => {
  it('constant, step and cosine', () => {
    expect(learningRate('constant', 0.1, 500, 1000)).toBe(0.1);
    expect(learningRate('step', 0.1, 499, 1000)).toBe(0.1);
    expect(learningRate('step', 0.1, 500, 1000)).toBeCloseTo(0.01, 15);
    expect(learningRate('step', 0.1, 800, 1000)).toBeCloseTo(0.001, 15);
    expect(learningRate('cosine', 0.1, 0, 1000)).toBe(0.1);
    expect(learningRate('cosine', 0.1, 500, 1000)).toBeCloseTo(0.05, 15);
    expect(learningRate('cosine', 0.1, 1000, 1000)).toBeCloseTo(0, 15);
  });
});
