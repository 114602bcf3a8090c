import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { EpochMetrics, ModelInfo, TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { TrainingSession } from '../../../src-renderer/state/training.svelte';
import { savedPosition } from '../../../src-renderer/lib/run-position';
import { fakeApi } from '../fake-api';

const metrics = (epoch: number, test: number): EpochMetrics => ({
  epoch, train_loss: 0.5 / epoch, train_accuracy: test - 0.01, test_loss: 0.4 / epoch, test_accuracy: test, lr: 0.05, seconds: 10, samples_per_second: 6000,
});
const config: TrainConfig = { ...DEFAULT_CONFIG, epochs: 5 };
const info: ModelInfo = {
  architecture: mlpArchitecture([784, 128, 10], 'relu', 'cross_entropy', [...'0123456789']),
  config,
  history: [metrics(1, 0.95), metrics(2, 0.97)],
  epoch: 2,
  step: 1876,
  datasetName: 'MNIST', baselineAccuracy: null, stepsPerEpoch: 938, trainedSeconds: null,
  parameters: 101770,
};

describe('the dashboard and saved models', () => {
  it('shows an opened model: its best accuracy, its per-epoch curves, where the run stood', () => {
    const session = new TrainingSession(fakeApi(), () => 0);
    session.showModel(info);
    expect(session.state).toBe('idle');
    expect(session.best).toEqual({ accuracy: 0.97, epoch: 2 });
    expect(session.series.test).toEqual([{ x: 1, y: 0.95 }, { x: 2, y: 0.97 }]);
    expect(session.progress).toMatchObject({ epoch: 2, epochs: 5, fraction: 0.4 });
    expect(session.savedEpoch).toBe(2);
    expect(session.elapsed).toBe(20);
  });

  it('places the epochs of a model saved part-way into an epoch by its steps per epoch, and says where it stood', () => {
    const session = new TrainingSession(fakeApi(), () => 0);
    // stopped 350 steps into epoch 3: step / epoch (1113) is no epoch's length
    session.showModel({ ...info, step: 2 * 938 + 350, trainedSeconds: 27.5 });
    expect(session.elapsed).toBe(27.5); // the epochs' 20 s and the unfinished one's
    expect(session.series.testLoss.map((p) => p.x)).toEqual([938, 1876]);
    expect(session.stepsPerEpoch).toBe(938);
    expect(session.progress).toMatchObject({ epoch: 3, stepInEpoch: 350, stepsPerEpoch: 938, epochs: 5 });
    expect(session.progress.fraction).toBeCloseTo((2 + 350 / 938) / 5, 12);
    // its learning rate as the file knows it: the base rate at the start, the rate after each epoch
    expect(session.series.lrAtEpochs).toEqual([{ x: 0, y: DEFAULT_CONFIG.lr }, { x: 938, y: 0.05 }, { x: 1876, y: 0.05 }]);
    expect(savedPosition(session.savedEpoch, session.savedStep, session.stepsPerEpoch)).toBe('saved at epoch 3, step 350');
    // a file without its training state knows no steps: no step-placed points, no claim
    session.showModel({ ...info, config: null, step: 0, stepsPerEpoch: 0 });
    expect(session.series.testLoss).toEqual([]);
    expect(session.series.lrAtEpochs).toEqual([]);
    expect(savedPosition(session.savedEpoch, session.savedStep, session.stepsPerEpoch)).toBe('saved after epoch 2');
  });

  it('follows a continued model: old epochs stay, the run is ours', async () => {
    const api = fakeApi({ 'models:continue': { runId: 4, info } });
    const session = new TrainingSession(api, () => 0);
    await session.continueModel('net', 5);
    expect(api.calls).toEqual([{ name: 'models:continue', args: { name: 'net', epochs: 5 } }]);
    expect(session.state).toBe('training');
    expect(session.series.test).toHaveLength(2);
    api.emit({ type: 'epoch', runId: 4, metrics: metrics(3, 0.975) });
    expect(session.history.map((m) => m.epoch)).toEqual([1, 2, 3]);
    session.dispose();
  });

  it('keeps what a short continued run sent before the reply: its epoch follows the model\'s', async () => {
    // A one-epoch continue can finish before the host's reply reaches the page (a loaded machine).
    const api = fakeApi({ 'models:continue': { runId: 4, info } });
    const call = api.call.bind(api);
    api.call = (async (name: string, args: unknown) => {
      if (name === 'models:continue') {
        api.emit({ type: 'batch', runId: 4, epoch: 3, firstStep: 1876, losses: Float64Array.of(0.3, 0.2), accuracy: 0.9, lr: 0.05, stepInEpoch: 938, stepsPerEpoch: 938, samplesPerSecond: 50000, eta: 0, seconds: 1 });
        api.emit({ type: 'epoch', runId: 4, metrics: metrics(3, 0.975) });
        api.emit({ type: 'models:saved', runId: 4, name: 'net', reason: 'epoch', epoch: 3, step: 2814 });
      }
      return call(name as never, args as never);
    }) as typeof api.call;
    const session = new TrainingSession(api, () => 0);
    await session.continueModel('net', 3);
    expect(session.history.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(session.best).toEqual({ accuracy: 0.975, epoch: 3 });
    expect(session.series.test.map((p) => p.x)).toEqual([1, 2, 3]);
    expect(session.series.loss.map((p) => p.x)).toEqual([1877, 1878]);
    expect(session.series.testLoss.map((p) => p.x)).toEqual([938, 1876, 2814]);
    expect([session.savedEpoch, session.savedStep, session.stepsPerEpoch]).toEqual([3, 2814, 938]);
    expect(session.progress).toMatchObject({ epoch: 3, stepInEpoch: 938, stepsPerEpoch: 938 });
    session.dispose();
  });

  it('a refused continue leaves the session idle and says why to the caller', async () => {
    const session = new TrainingSession(fakeApi({ 'models:continue': new Error('That dataset was not chosen in this session') }), () => 0);
    await expect(session.continueModel('net', 5)).rejects.toThrow('That dataset was not chosen in this session');
    expect(session.state).toBe('idle');
    expect(session.error).toBeNull();
  });
});
