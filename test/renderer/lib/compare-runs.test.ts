import { describe, expect, it } from 'vitest';
import type { EpochMetrics, TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import type { ComparedRun } from '../../../src-main/library/models-contract';
import { comparisonCsv, curve, differingSettings, lossNeedsLogScale, runLabels } from '../../../src-renderer/lib/compare-runs';

const epoch = (e: number, acc: number): EpochMetrics => ({
  epoch: e, train_loss: 1 / e, train_accuracy: acc - 0.01, test_loss: 1.1 / e, test_accuracy: acc, lr: 0.1, seconds: 2, samples_per_second: 1000,
});
const run = (name: string, config: Partial<TrainConfig>, history: EpochMetrics[], trainImages: number | null = 3000): ComparedRun => ({
  name, architecture: '784-128-10 relu', parameters: 101770, config: { ...DEFAULT_CONFIG, ...config }, history, dataset: 'mnist', trainImages,
});

describe('compare runs', () => {
  const a = run('a', { lr: 0.1 }, [epoch(1, 0.9), epoch(2, 0.93)]);
  const b = run('b, "fast"', { lr: 0.5 }, [epoch(1, 0.85), epoch(2, 0.95), epoch(3, 0.96)], 6000);

  it('shows only the settings that differ', () => {
    const d = differingSettings([a, b]);
    expect(d.map((r) => r.label)).toEqual(['training images', 'learning rate', 'epochs trained']);
    expect(d[1].values).toEqual(['0.1', '0.5']);
    expect(differingSettings([a, a])).toEqual([]);
  });

  it('labels each run in a legend with what sets it apart, not only a name that differs by its time', () => {
    const adam = run('mnist-784-128-10-2026-12-02-1716-2', { optimizer: 'adam', lr: 0.001 }, [epoch(1, 0.9)]);
    const sgd = run('mnist-784-128-10-2026-12-02-1716', { lr: 0.1 }, [epoch(1, 0.9), epoch(2, 0.92)]);
    expect(runLabels([adam, sgd])).toEqual(['optimizer Adam, learning rate 0.001', 'optimizer SGD, learning rate 0.1']);
    expect(runLabels([a, a])).toEqual(['a', 'a']);
    // two runs the first two differing settings do not tell apart keep their names too
    const seed2 = run('seed 2', { optimizer: 'adam', lr: 0.001, seed: 2 }, [epoch(1, 0.9)]);
    expect(runLabels([adam, sgd, seed2])).toEqual([
      'mnist-784-128-10-2026-12-02-1716-2 (optimizer Adam, learning rate 0.001)', 'optimizer SGD, learning rate 0.1', 'seed 2 (optimizer Adam, learning rate 0.001)',
    ]);
  });

  it('names losses and optimizers as the rest of the app does, not by their identifiers', () => {
    const mse = run('m', { loss: 'mse', optimizer: 'adam' }, [epoch(1, 0.6)]);
    const d = differingSettings([a, mse]);
    expect(d.find((r) => r.label === 'loss')!.values).toEqual(['cross-entropy', 'mean squared error']);
    expect(d.find((r) => r.label === 'optimizer')!.values).toEqual(['SGD', 'Adam']);
    // Adam does not use the config's momentum: "same in all: momentum 0.9" would not be true of it
    expect(d.find((r) => r.label === 'momentum')!.values).toEqual(['0.9', 'not used by Adam']);
  });

  it('puts the loss on a log scale when one run\'s losses dwarf the others\' (over 100x)', () => {
    expect(lossNeedsLogScale([a, b])).toBe(false);
    const blownUp = run('lr 10', { lr: 10 }, [{ ...epoch(1, 0.1), train_loss: 71677, test_loss: 68000 }]);
    expect(lossNeedsLogScale([a, blownUp])).toBe(true);
    expect(lossNeedsLogScale([run('nan', {}, [{ ...epoch(1, 0.1), train_loss: NaN, test_loss: Infinity }]), a])).toBe(false);
  });

  it('gives curves by epoch and by samples seen', () => {
    expect(curve(b, 'test_accuracy', 'epoch')).toEqual([{ x: 1, y: 0.85 }, { x: 2, y: 0.95 }, { x: 3, y: 0.96 }]);
    expect(curve(b, 'test_accuracy', 'samples').map((p) => p.x)).toEqual([6000, 12000, 18000]);
    expect(curve(run('c', {}, [epoch(1, 0.9)], null), 'test_accuracy', 'samples')).toEqual([]);
    expect(curve(a, 'val_accuracy', 'epoch')).toEqual([]);
  });

  it('writes one CSV row per run and epoch, quoting names, with the differing settings', () => {
    const lines = comparisonCsv([a, b]).trimEnd().split('\n');
    expect(lines[0]).toBe('run,epoch,samples_seen,train_loss,train_accuracy,test_loss,test_accuracy,val_loss,val_accuracy,lr,seconds,training_images,learning_rate,epochs_trained');
    expect(lines).toHaveLength(1 + 2 + 3);
    expect(lines[1]).toBe('a,1,3000,1,0.89,1.1,0.9,,,0.1,2,"3,000",0.1,2');
    expect(lines[3].startsWith('"b, ""fast""",1,6000,')).toBe(true);
  });
});
