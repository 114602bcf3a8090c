/**
 * Training with a learner's pieces: with right solutions of all four (relu, linear backward,
 * softmax cross-entropy, SGD step) the network learns as it does with the engine's own ops on the
 * same seed; a piece that returns the wrong length stops training with a sentence.
 */
import { describe, expect, it } from 'vitest';
import { LIGHT_RUN, type LearnerPieces, runFor, SMALL_RUN, trainSmall } from '../../../src-engine/exercises/train-with';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import { SOLUTIONS } from '../../fixtures/exercises/solutions';

const { train, test } = loadDataset({ kind: 'idx', dir: 'test/fixtures/mnist-500' });
const settings = { images: 500, hidden: 16, epochs: 3, batch: 32, lr: 0.1, seed: 1 };
const now = () => 0;
const learner = (name: string, fns: string) => new Function(`${SOLUTIONS[name]}\n;return { ${fns} };`)();

describe('training with the learner\'s pieces', () => {
  it('all four pieces of the learner\'s train the network as the engine\'s own ops do', () => {
    const pieces: LearnerPieces = {
      relu: learner('relu', 'relu, reluBackward'),
      linearBackward: learner('linear-backward', 'linearBackward').linearBackward,
      softmaxCrossEntropy: learner('softmax-cross-entropy', 'softmaxCrossEntropy').softmaxCrossEntropy,
      sgdStep: learner('sgd', 'sgdStep').sgdStep,
    };
    const engine = trainSmall(train, test!, settings, null, now);
    const yours = trainSmall(train, test!, settings, pieces, now);
    expect(engine.accuracy).toBeGreaterThan(0.6);
    expect(Math.abs(yours.accuracy - engine.accuracy)).toBeLessThanOrEqual(0.005);
    expect(yours.loss).toBeCloseTo(engine.loss, 8);
  });

  it('a piece that returns the wrong length stops training with a sentence', () => {
    const short = { relu: (x: Float64Array) => x.subarray(1), reluBackward: (_x: Float64Array, dy: Float64Array) => dy };
    expect(() => trainSmall(train, test!, settings, { relu: short }, now)).toThrow(/^your relu returned \d+ values for an input of \d+ \(\[32, 16\]\)$/);
    const sgd = () => new Float64Array(3);
    expect(() => trainSmall(train, test!, settings, { sgdStep: sgd }, now)).toThrow('your SGD step has 3 values where 12544 are needed');
  });

  it('a linear backward of the learner\'s trains on fewer digits (it is slower), the rest on the full small run', () => {
    expect(runFor(['relu', 'sgd'])).toBe(SMALL_RUN);
    expect(runFor(['relu', 'linear-backward'])).toBe(LIGHT_RUN);
  });
});
