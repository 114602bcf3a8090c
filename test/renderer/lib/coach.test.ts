import { describe, expect, it } from 'vitest';
import type { EpochMetrics, HealthSample, LayerHealth } from '../../../src-engine/protocol';
import { type CoachInput, deadRelu, diagnose, diverging, flatLoss, mseOnClasses, overfitting, saturated } from '../../../src-renderer/lib/coach';

const losses = (f: (step: number) => number, n = 200) => Array.from({ length: n }, (_, i) => ({ x: i + 1, y: f(i) }));
const falling = losses((s) => 2.3 * Math.exp(-s / 50) + 0.1);

function layer(over: Partial<LayerHealth>): LayerHealth {
  return { name: '0', activation: 'relu', units: 100, act_mean: 0.3, act_std: 0.5, dead_fraction: 0, saturated_fraction: null, grad_norm: 0.5, update_ratio: 1e-3, unitFlags: new Uint8Array(100), ...over };
}
const health = (...layers: LayerHealth[]): HealthSample => ({ step: 200, layers });

function epoch(e: number, train: number, test: number, val?: number): EpochMetrics {
  return { epoch: e, train_loss: 0.1, train_accuracy: train, test_loss: 0.3, test_accuracy: test, ...(val !== undefined ? { val_accuracy: val, val_loss: 0.3 } : {}), lr: 0.1, seconds: 1, samples_per_second: 1 };
}

function input(over: Partial<CoachInput> = {}): CoachInput {
  return { config: { lr: 0.1, activation: 'relu', loss: 'cross_entropy', optimizer: 'sgd' }, classes: 10, losses: falling, history: [], health: health(layer({})), outcome: null, ...over };
}

describe('coach rules', () => {
  it('a healthy run gets no diagnosis', () => {
    expect(diagnose(input({ history: [epoch(1, 0.95, 0.95), epoch(2, 0.97, 0.965)] }))).toEqual([]);
  });

  it('diverging: a diverged outcome, or a loss rising above its low and its start; a tenth of the rate to try', () => {
    const d = diverging(input({ outcome: { kind: 'diverged', message: 'loss became NaN at epoch 1, step 7', epoch: 1, step: 7 }, config: { lr: 2, activation: 'relu', loss: 'cross_entropy', optimizer: 'sgd' } }))!;
    expect(d).toMatchObject({ id: 'diverging', evidence: 'loss became NaN at epoch 1, step 7', tryThis: 'Lower the learning rate to a tenth (0.2), or run the learning-rate finder.' });
    const rising = diverging(input({ losses: losses((s) => (s < 50 ? 2.3 - s * 0.03 : 0.8 + (s - 50) * 0.05)) }))!;
    expect(rising.title).toBe('The loss is rising: the learning rate is too high');
    expect(rising.evidence).toBe('the loss is 7.800 now, up from a low of 1.000 and above its start (2.030)'); // medians of 20 batches
    // a continued model's first 30 batches, low and noisy, its last five higher by chance: too few to call a rise
    // (medians of 5 said "rising", 0.108 against a low of 0.06, while its test loss fell)
    const noisy = losses((s) => [0.06, 0.05, 0.12, 0.04, 0.07][s % 5] * (s >= 25 ? 1.8 : 1), 30);
    expect(diverging(input({ losses: noisy, history: [epoch(1, 0.95, 0.94)] }))).toBeNull();
    expect(diverging(input())).toBeNull();
    expect(diverging(input({ losses: losses((s) => 3 + s, 50) }))).toBeNull(); // too few steps to judge
  });

  it('flat loss: the loss has not moved from its start; blames dead units when most are dead, else a small rate', () => {
    const flat = losses(() => 2.3);
    const small = flatLoss(input({ losses: flat, config: { lr: 1e-3, activation: 'relu', loss: 'cross_entropy', optimizer: 'sgd' } }))!;
    expect(small.title).toMatch(/too small/);
    expect(small.evidence).toBe('the loss is 2.300 after 200 steps, against 2.300 at the start; 0% of the ReLU units are dead, so that is not it');
    expect(small.tryThis).toBe('Try a learning rate ten times larger (0.01), or run the learning-rate finder.');
    // far below the usual range, ten times more is still far too little
    const tiny = flatLoss(input({ losses: flat, config: { lr: 1e-6, activation: 'sigmoid', loss: 'cross_entropy', optimizer: 'sgd' } }))!;
    expect(tiny.tryThis).toBe("1e-6 is far below SGD's usual 0.01 to 0.1: try 0.05, or run the learning-rate finder.");
    const adam = flatLoss(input({ losses: flat, config: { lr: 1e-6, activation: 'relu', loss: 'cross_entropy', optimizer: 'adam' } }))!;
    expect(adam.tryThis).toBe("1e-6 is far below Adam's usual 0.0001 to 0.001: try 0.001, or run the learning-rate finder.");
    const dead = flatLoss(input({ losses: flat, health: health(layer({ dead_fraction: 0.9 })) }))!;
    expect(dead.title).toMatch(/most units are dead/);
    expect(dead.evidence).toMatch(/90% of the ReLU units of layer 0 \(\w+ layer( 1)?\) never output anything above 0$/);
    expect(flatLoss(input())).toBeNull();
    // after an epoch of a small dataset, 10 batches are enough
    expect(flatLoss(input({ losses: losses(() => 2.3, 16), history: [epoch(1, 0.1, 0.1)] }))).not.toBeNull();
    expect(flatLoss(input({ losses: losses(() => 2.3, 16) }))).toBeNull();
  });

  it('flat loss is not said of a loss that rose: that is the diverging rule\'s, and a small rise is not "not moved"', () => {
    // A new user's MSE run at learning rate 10: the loss went from about 5,700 up to 72,000.
    const blownUp = losses((s) => (s < 20 ? 5733 : 71677));
    const dead = health(layer({ dead_fraction: 0.9 }));
    expect(diverging(input({ losses: blownUp, health: dead }))).not.toBeNull();
    expect(flatLoss(input({ losses: blownUp, health: dead }))).toBeNull();
    expect(diagnose(input({ losses: blownUp, health: dead })).map((d) => d.id)).not.toContain('flat_loss');
    expect(flatLoss(input({ losses: losses((s) => (s < 100 ? 2.3 : 2.6)) }))).toBeNull(); // up 13%: it moved
  });

  it('dead ReLU: half or more of a layer\'s units dead; and not said twice when the flat loss already says it', () => {
    expect(deadRelu(input({ health: health(layer({ dead_fraction: 0.49 })) }))).toBeNull();
    const d = deadRelu(input({ health: health(layer({ dead_fraction: 0.75 })) }))!;
    expect(d.evidence).toMatch(/^75% of the units of layer 0 /);
    expect(d.tryThis).toBe('Use leaky ReLU, which lets a little gradient through below 0.');
    expect(deadRelu(input({ config: { lr: 5, activation: 'relu', loss: 'cross_entropy', optimizer: 'sgd' }, health: health(layer({ dead_fraction: 0.75 })) }))!.tryThis).toBe('Lower the learning rate (5 is high; try 0.5).');
    // Adam's usual rate is 1e-3: 0.05 is high for it, though not for plain SGD
    const adam = (lr: number) => deadRelu(input({ config: { lr, activation: 'relu', loss: 'cross_entropy', optimizer: 'adam' }, health: health(layer({ dead_fraction: 0.75 })) }))!.tryThis;
    expect(adam(0.05)).toBe('Lower the learning rate (0.05 is high for Adam; try 0.005).');
    expect(adam(0.001)).toBe('Use leaky ReLU, which lets a little gradient through below 0.');
    const both = diagnose(input({ losses: losses(() => 2.3), health: health(layer({ dead_fraction: 0.9 })) }));
    expect(both.map((x) => x.id)).toEqual(['flat_loss']);
  });

  it('saturated: half or more of a sigmoid or tanh layer stuck at its ends', () => {
    const tanh = layer({ activation: 'tanh', dead_fraction: null, saturated_fraction: 0.8 });
    const d = saturated(input({ health: health(tanh) }))!;
    expect(d.title).toBe('Most tanh units are saturated');
    expect(d.evidence).toMatch(/^80% of the units of layer 0 \(\w+ layer( 1)?\) sit at the flat ends of tanh/);
    expect(saturated(input({ health: health({ ...tanh, saturated_fraction: 0.2 }) }))).toBeNull();
    expect(saturated(input())).toBeNull();
  });

  it('overfitting: training accuracy 4 points or more above validation (else test) accuracy, after two epochs', () => {
    const d = overfitting(input({ history: [epoch(1, 0.9, 0.88), epoch(2, 1, 0.86)] }))!;
    expect(d.evidence).toBe('after epoch 2, training accuracy is 100% but test accuracy is 86% (a gap of 14.0 points): the network memorises its training images');
    expect(overfitting(input({ history: [epoch(1, 0.9, 0.88), epoch(2, 1, 0.99, 0.9)] }))!.evidence).toMatch(/validation accuracy is 90%/);
    expect(overfitting(input({ history: [epoch(1, 1, 0.5)] }))).toBeNull(); // one epoch is too early
    expect(overfitting(input({ history: [epoch(1, 0.9, 0.88), epoch(2, 0.97, 0.95)] }))).toBeNull();
  });

  it('MSE on classes: the loss choice for three or more classes', () => {
    const mse = { lr: 0.1, activation: 'relu' as const, loss: 'mse' as const, optimizer: 'sgd' as const };
    expect(mseOnClasses(input({ config: mse }))!.tryThis).toBe('Use cross-entropy: it learns faster here.');
    expect(mseOnClasses(input({ config: mse, classes: 2 }))).toBeNull();
    expect(mseOnClasses(input({ config: mse, losses: [] }))).toBeNull();
    expect(mseOnClasses(input())).toBeNull();
  });
});
