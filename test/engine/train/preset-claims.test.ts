/**
 * What a preset's summary promises is what its recipe reaches: the 3-vs-7 preset is trained
 * again here (seed 1, the full 3s and 7s of MNIST, as the CLI measured it) and its test accuracy
 * per epoch must match the figures its summary quotes.
 */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { TrainConfig } from '../../../src-engine/protocol';
import { prepareData, Trainer } from '../../../src-engine/train/trainer';
import { PRESETS } from '../../../src-renderer/lib/presets';

describe('preset claims', () => {
  it('3 vs 7 reaches the test accuracy its summary quotes, epoch by epoch', () => {
    const preset = PRESETS.find((p) => p.id === '3-vs-7')!;
    const config: TrainConfig = { ...preset.recipe, dataset: { kind: 'mnist' }, seed: 1 };
    const mnist = loadDataset({ kind: 'mnist' });
    const t = new Trainer(config, prepareData(config, mnist.train, mnist.test), () => 0);
    while (!t.finished) if (t.trainBatch().epochEnded) t.finishEpoch();
    const got = t.history.map((m) => m.test_accuracy);
    expect(got).toHaveLength(preset.measured!.length);
    got.forEach((a, i) => expect(Math.abs(a - preset.measured![i])).toBeLessThan(0.0005));
    // the summary quotes epoch 1 and the last epoch, to one decimal
    expect(preset.summary).toContain(`${(got[0] * 100).toFixed(1)}% test accuracy after one epoch`);
    expect(preset.summary).toContain(`${(got.at(-1)! * 100).toFixed(1)}% after three`);
    expect(preset.summary).not.toMatch(/above 99%/i);
  });
});

describe('preset summaries quote their measured figures', () => {
  it('every preset with measurements quotes its last epoch to one decimal', () => {
    for (const p of PRESETS.filter((x) => x.measured)) {
      expect(p.measured).toHaveLength(p.recipe.epochs);
      expect(p.summary).toContain(`${(p.measured!.at(-1)! * 100).toFixed(1)}%`);
    }
  });
});

describe('the time-limited presets say what a full CLI run of them reached', () => {
  it('fast and record keep their time limit, a validation split, and quote their measured result', () => {
    for (const [id, target, minutes] of [['fast', 0.985, 5], ['record', 0.99, 15]] as const) {
      const p = PRESETS.find((x) => x.id === id)!;
      expect(p.recipe.timeLimit).toBe(minutes);
      expect(p.recipe.validation).toBeGreaterThan(0); // the time limit keeps the best validated epoch
      expect(p.result!.testAccuracy).toBeGreaterThanOrEqual(target);
      expect(p.result!.trainingMinutes).toBeLessThanOrEqual(minutes);
      expect(p.summary).toContain(`${(p.result!.testAccuracy * 100).toFixed(2)}% test accuracy`);
      expect(p.summary).toContain(`${p.result!.trainingMinutes.toFixed(1)} min`);
    }
  });
});
