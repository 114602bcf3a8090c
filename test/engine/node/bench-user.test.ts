import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { appSteadyEpoch, cliSteadyEpoch, laterEpochs } from '../../../src-engine/node/bench-user';

const config = { ...DEFAULT_CONFIG, hidden: [16], optimizer: 'sgd' as const, lr: 0.1, momentum: 0, schedule: 'constant' as const, batch: 50, epochs: 1, seed: 1, limit: 1000 };

describe('the epoch a user gets, for the bench', () => {
  it('counts the epochs from the second on, the first being a warm-up (the one epoch if only one ran)', () => {
    expect(laterEpochs([5, 2, 4])).toBe(3);
    expect(laterEpochs([5, 2])).toBe(2);
    expect(laterEpochs([7])).toBe(7);
  });

  it('runs the real command line and reads its epoch seconds from the second epoch on', () => {
    const r = cliSteadyEpoch(config, [784, 16, 10], 3, 1);
    if (typeof r === 'string') throw new Error(r);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.samples_per_second).toBeCloseTo(1000 / r.seconds, 6); // 1000 images an epoch, over the mean epoch
    expect(r.test_accuracy).toBeGreaterThan(0.5); // it learned: the run is the real one
  }, 60_000);

  it('drives the engine service as the app does (events serialised, the Weights view polling) to the end of the run', async () => {
    const r = await appSteadyEpoch(config, 2, true);
    if (typeof r === 'string') throw new Error(r);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.samples_per_second).toBeGreaterThan(0);
    expect(r.test_accuracy).toBeGreaterThan(0.5);
  }, 60_000);
});
