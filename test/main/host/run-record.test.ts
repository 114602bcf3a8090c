import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { EngineEvent, EpochMetrics, ModelInfo } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { RunRecord } from '../../../src-main/host/run-record';

const info = (epoch = 0, step = 0, history: EpochMetrics[] = []): ModelInfo => ({
  architecture: mlpArchitecture([784, 8, 10], 'relu', 'cross_entropy', [...'0123456789']),
  config: { ...DEFAULT_CONFIG, epochs: 3 },
  history,
  epoch,
  step,
  datasetName: 'MNIST', baselineAccuracy: null, stepsPerEpoch: 0, trainedSeconds: null,
  parameters: 6370,
});
const metrics = (epoch: number): EpochMetrics => ({ epoch, train_loss: 1, train_accuracy: 0.5, test_loss: 1, test_accuracy: 0.6, lr: 0.1, seconds: 1, samples_per_second: 100 });
/** A batch event; `seconds`: the engine's count of seconds trained at it. */
const batch = (runId: number, firstStep: number, losses: number[], stepInEpoch: number, seconds = 0): EngineEvent => ({
  type: 'batch', runId, epoch: 1, firstStep, losses: Float64Array.from(losses), accuracy: 0.5, lr: 0.1, stepInEpoch, stepsPerEpoch: 10, samplesPerSecond: 640, eta: 3, seconds,
});

describe('run record', () => {
  it('keeps the whole run for a page that opens mid-run, even when its first events beat the start reply', () => {
    let now = 1000;
    const r = new RunRecord(() => now);
    expect(r.status()).toBeNull();
    r.handle({ type: 'state', runId: 2, state: 'training' });
    r.handle(batch(2, 0, [2.3, 2.2], 2)); // before the reply reached the host
    r.started(2, info());
    r.handle(batch(2, 2, [2.1], 3));
    r.handle(batch(2, 2, [2.1], 3)); // a repeat is not counted twice
    r.handle(batch(1, 40, [9], 5)); // an older run's straggler is not this run's
    now += 2500;
    const s = r.status()!;
    expect([...s.losses]).toEqual([2.3, 2.2, 2.1]);
    expect(s).toMatchObject({ runId: 2, state: 'training', firstStep: 0, progress: { epoch: 1, stepInEpoch: 3, stepsPerEpoch: 10 }, seconds: 2.5 });
    expect([...s.lr]).toEqual([2, 0.1, 3, 0.1]);
    expect(s.info!.config!.epochs).toBe(3);
  });

  it('continues a model\'s history and steps, records saves and the end, and after a crash says whether it can resume', () => {
    let now = 0;
    const r = new RunRecord(() => now);
    r.handle({ type: 'state', runId: 1, state: 'training' });
    r.started(1, info(1, 10, [metrics(1)]));
    r.handle(batch(1, 10, [1, 1], 2));
    r.handle({ type: 'epoch', runId: 1, metrics: metrics(2) });
    r.handle({ type: 'checkpoint', runId: 1, reason: 'epoch', bytes: new Uint8Array(), info: info(2, 20, [metrics(1), metrics(2)]) });
    expect(r.status()).toMatchObject({ savedEpoch: 1, savedStep: 10, savedName: null }); // the file it continued; epoch 2 is sent, not yet written
    r.saved('my net', { epoch: 2, step: 20 });
    now = 4000;
    r.handle({ type: 'state', runId: 1, state: 'paused' });
    now = 9000;
    expect(r.status()).toMatchObject({ state: 'paused', firstStep: 10, savedEpoch: 2, savedStep: 20, savedName: 'my net', seconds: 4 });
    expect(r.status()!.history.map((m) => m.epoch)).toEqual([1, 2]);
    // a checkpoint whose write fails (or is still under way) leaves the name with the step it holds
    r.handle({ type: 'checkpoint', runId: 1, reason: 'pause', bytes: new Uint8Array(), info: info(2, 23, [metrics(1), metrics(2)]) });
    expect(r.status()).toMatchObject({ info: { step: 23 }, savedEpoch: 2, savedStep: 20, savedName: 'my net' });
    r.handle({ type: 'state', runId: 1, state: 'training' });
    now = 10_000;
    r.handle({ type: 'worker:crashed', message: 'The engine stopped unexpectedly (killed by signal SIGKILL).', exit: { code: null, signal: 'SIGKILL' }, restarted: true }, true);
    expect(r.status()).toMatchObject({ runId: null, state: 'failed', message: 'The engine stopped unexpectedly (killed by signal SIGKILL).', recoverable: true, seconds: 5 });
    // the fresh worker numbers runs from 1 again: its first run is a new record
    r.handle({ type: 'state', runId: 1, state: 'training' });
    expect(r.status()).toMatchObject({ runId: 1, state: 'training', recoverable: false, history: [] });
  });

  it('keeps how the run ended, its health and the engine\'s seconds, so a reloaded page shows what the file records', () => {
    let now = 0;
    const r = new RunRecord(() => now);
    r.handle({ type: 'state', runId: 1, state: 'training' });
    const health = { step: 5, layers: [] };
    r.handle({ type: 'health', runId: 1, samples: [health] });
    now = 3000;
    r.handle(batch(1, 0, [2.3, 2.3], 2, 2.4)); // the engine trained 2.4 s of the host's 3
    expect(r.status()!.seconds).toBe(2.4);
    now = 3500;
    expect(r.status()!.seconds).toBeCloseTo(2.9, 12); // counted on between events
    r.handle(batch(1, 2, [2.3], 10, 2.5)); // the epoch's last batch: its evaluation follows, which the engine does not count
    now = 8000;
    expect(r.status()!.seconds).toBe(2.5);
    r.handle(batch(1, 3, [2.2], 1, 2.6));
    now = 8500;
    expect(r.status()!.seconds).toBeCloseTo(3.1, 12);
    const outcome = { kind: 'not_learning' as const, message: 'test accuracy 11.35% is at chance level' };
    r.handle({ type: 'done', runId: 1, state: 'done', history: [], outcome, seconds: 2.6 }); // the last evaluation is not training
    now = 60_000;
    expect(r.status()).toMatchObject({ state: 'done', outcome, seconds: 2.6, health: [health] });
  });
});
