import { describe, expect, it } from 'vitest';
import type { EpochMetrics, ModelInfo, TrainConfig } from '../../../src-engine/protocol';
import type { ApiEvent } from '../../../src-main/host/api-contract';
import { TrainingSession } from '../../../src-renderer/state/training.svelte';
import { fakeApi } from '../fake-api';

const config = { epochs: 2, batch: 64 } as TrainConfig;
const info = { parameters: 101770 } as ModelInfo;

const batch = (over: Partial<Extract<ApiEvent, { type: 'batch' }>> = {}): ApiEvent => ({
  type: 'batch', runId: 1, epoch: 1, firstStep: 0, losses: new Float64Array([2.3, 2.1]), accuracy: 0.25, lr: 0.1,
  stepInEpoch: 2, stepsPerEpoch: 10, samplesPerSecond: 5000, eta: 12, seconds: 1, ...over,
});

const metrics = (epoch: number, test: number): EpochMetrics => ({
  epoch, train_loss: 0.5, train_accuracy: 0.8, test_loss: 0.4, test_accuracy: test, lr: 0.1, seconds: 1, samples_per_second: 5000,
});

async function started() {
  const api = fakeApi({ 'training:start': { runId: 1, info }, 'training:pause': { state: 'paused' }, 'training:resume': { state: 'training' } });
  const session = new TrainingSession(api, () => 0);
  await session.start(config);
  return { api, session };
}

describe('TrainingSession', () => {
  it('starts a run and shows what the engine reports', async () => {
    const { api, session } = await started();
    expect(api.calls).toEqual([{ name: 'training:start', args: { config } }]);
    expect(session.state).toBe('training');
    expect(session.info?.parameters).toBe(101770);

    api.emit(batch());
    expect(session.series.loss).toEqual([{ x: 1, y: 2.3 }, { x: 2, y: 2.1 }]);
    expect(session.series.smooth[0].y).toBeCloseTo(2.3, 12);
    expect(session.progress).toMatchObject({ epoch: 1, epochs: 2, stepInEpoch: 2, stepsPerEpoch: 10, eta: 12 });
    expect(session.progress.fraction).toBeCloseTo(0.1, 12); // 2 of 10 steps of epoch 1 of 2

    api.emit({ type: 'epoch', runId: 1, metrics: metrics(1, 0.91) });
    api.emit({ type: 'epoch', runId: 1, metrics: metrics(2, 0.9) });
    expect(session.best).toEqual({ accuracy: 0.91, epoch: 1 });
    expect(session.series.test).toEqual([{ x: 1, y: 0.91 }, { x: 2, y: 0.9 }]);
  });

  it('draws a fresh run\'s learning rate from step 0 at the base rate, not from where its first slice of steps ended', async () => {
    const { api, session } = await started();
    session.config = { ...config, lr: 0.1 };
    api.emit(batch({ losses: new Float64Array(22).fill(2), stepInEpoch: 22, lr: 0.055 }));
    api.emit(batch({ firstStep: 22, losses: new Float64Array([1.9]), stepInEpoch: 23, lr: 0.05 }));
    expect(session.series.lr).toEqual([{ x: 0, y: 0.1 }, { x: 22, y: 0.055 }, { x: 23, y: 0.05 }]);
    // a continued run's first slice does not start at step 0: it has no such point
    const other = await started();
    other.session.config = { ...config, lr: 0.1 };
    other.api.emit(batch({ firstStep: 938, lr: 0.02 }));
    expect(other.session.series.lr).toEqual([{ x: 940, y: 0.02 }]);
  });

  it('counts training time by the engine\'s clock, so the live figure ends at the one its file records', async () => {
    let now = 0;
    const api = fakeApi({ 'training:start': { runId: 1, info } });
    const session = new TrainingSession(api, () => now);
    await session.start(config);
    api.emit({ type: 'state', runId: 1, state: 'training' });
    now = 1500;
    api.emit(batch({ seconds: 1.2 })); // the engine trained 1.2 s of the page's 1.5
    expect(session.elapsed).toBe(1.2);
    now = 2000;
    api.emit({ type: 'state', runId: 1, state: 'paused' }); // counted on by the page's clock between events
    expect(session.elapsed).toBeCloseTo(1.7, 12);
    api.emit({ type: 'state', runId: 1, state: 'training' });
    api.emit(batch({ stepInEpoch: 10, seconds: 1.9 })); // an epoch's last batch: its evaluation is not counted
    now = 3000;
    api.emit({ type: 'state', runId: 1, state: 'paused' });
    expect(session.elapsed).toBe(1.9);
    api.emit({ type: 'state', runId: 1, state: 'training' });
    now = 4000;
    api.emit({ type: 'done', runId: 1, state: 'done', history: [], seconds: 2.6 }); // the page counted the last evaluation too
    expect(session.elapsed).toBe(2.6);
    session.dispose();
  });

  it('says an epoch is saved only once its file is written, not when the engine sends the checkpoint', async () => {
    const { api, session } = await started();
    api.emit({ type: 'checkpoint', runId: 1, reason: 'epoch', info: { ...info, epoch: 1 } as ModelInfo });
    expect(session.savedEpoch).toBeNull(); // sent, but the write may still fail
    api.emit({ type: 'models:saved', runId: 2, name: 'another run', reason: 'epoch', epoch: 3, step: 30 });
    expect(session.savedEpoch).toBeNull();
    api.emit({ type: 'models:saved', runId: 1, name: 'my net', reason: 'epoch', epoch: 1, step: 10 });
    expect(session.savedEpoch).toBe(1);
    expect(session.savedStep).toBe(10);
    api.emit({ type: 'models:saved', runId: 1, name: 'my net', reason: 'pause', epoch: 1, step: 14 });
    expect([session.savedEpoch, session.savedStep]).toEqual([1, 14]); // paused 4 steps into epoch 2
  });

  it('a run too short to measure its pace between slices shows its epoch\'s samples/s', async () => {
    const { api, session } = await started();
    api.emit(batch({ samplesPerSecond: 0, eta: NaN }));
    expect(session.progress.samplesPerSecond).toBe(0);
    api.emit({ type: 'epoch', runId: 1, metrics: { ...metrics(1, 0.9), samples_per_second: 31000 } });
    expect(session.progress.samplesPerSecond).toBe(31000);
    api.emit({ type: 'epoch', runId: 1, metrics: { ...metrics(2, 0.9), samples_per_second: 42000 } });
    expect(session.progress.samplesPerSecond).toBe(31000); // a measured pace is not replaced
    api.emit(batch({ epoch: 3, samplesPerSecond: 0, eta: NaN }));
    expect(session.progress.samplesPerSecond).toBe(31000); // nor forgotten while the engine measures again
    api.emit(batch({ epoch: 3, samplesPerSecond: 36000, eta: 2 }));
    expect(session.progress.samplesPerSecond).toBe(36000);
  });

  it('pauses and resumes through the API', async () => {
    const { session } = await started();
    await session.togglePause();
    expect(session.state).toBe('paused');
    await session.togglePause();
    expect(session.state).toBe('training');
  });

  it('shows the engine\'s divergence message when a run fails', async () => {
    const { api, session } = await started();
    const message = 'loss became NaN at epoch 1, step 3 — the learning rate 50 is probably too high';
    api.emit({ type: 'done', runId: 1, state: 'failed', message, history: [], seconds: 1 });
    expect(session.state).toBe('failed');
    expect(session.error).toBe(message);
  });

  it('shows why a start was refused', async () => {
    const api = fakeApi({ 'training:start': new Error('That dataset was not chosen in this session; choose it again with the dataset picker.') });
    const session = new TrainingSession(api, () => 0);
    await session.start(config);
    expect(session.state).toBe('failed');
    expect(session.error).toBe('That dataset was not chosen in this session; choose it again with the dataset picker.');
  });

  it('ignores late events of an earlier run, even before the new run\'s reply arrives', async () => {
    const answers = { 'training:start': { runId: 1, info } };
    const api = fakeApi(answers);
    const session = new TrainingSession(api, () => 0);
    await session.start(config);
    api.emit({ type: 'done', runId: 1, state: 'stopped', history: [], seconds: 1 });
    answers['training:start'] = { runId: 2, info };
    const second = session.start(config);
    api.emit(batch({ runId: 1, losses: new Float64Array([9]) }));
    api.emit(batch({ runId: 2, losses: new Float64Array([2.2]) }));
    await second;
    expect(session.series.loss).toEqual([{ x: 1, y: 2.2 }]);
  });

  it('an engine crash ends the run in the UI', async () => {
    const { api, session } = await started();
    api.emit({ type: 'engine:stopped', message: 'The engine stopped unexpectedly (killed by signal SIGKILL).', restarted: true, recoverable: false });
    expect(session.state).toBe('failed');
    expect(session.active).toBe(false);
  });

  it('after a crash, recovering redraws the charts from the checkpoint, so no step runs backwards', async () => {
    const recovered = { ...info, config, epoch: 1, step: 10, history: [metrics(1, 0.9)] } as ModelInfo;
    const api = fakeApi({ 'training:start': { runId: 1, info }, 'training:recover': { runId: 1, info: recovered } });
    const session = new TrainingSession(api, () => 0);
    await session.start(config);
    // epoch 1 (steps 1-10) ends with a checkpoint; the run gets to step 14 and the engine dies
    api.emit(batch({ firstStep: 0, losses: new Float64Array(10).fill(2), stepInEpoch: 10 }));
    api.emit({ type: 'epoch', runId: 1, metrics: metrics(1, 0.9) });
    api.emit(batch({ epoch: 2, firstStep: 10, losses: new Float64Array([1.5, 1.4, 1.3, 1.2]), stepInEpoch: 4 }));
    api.emit({ type: 'engine:stopped', message: 'The engine stopped unexpectedly.', restarted: true, recoverable: true });

    await session.recover();
    expect(session.state).toBe('training');
    expect(session.series.loss.map((p) => p.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(session.series.smooth).toHaveLength(10);
    expect(session.series.test).toEqual([{ x: 1, y: 0.9 }]);
    expect(session.progress).toMatchObject({ epoch: 1, epochs: 2 });
    expect(session.savedEpoch).toBe(1);

    // the recovered run starts again at step 11
    api.emit(batch({ epoch: 2, firstStep: 10, losses: new Float64Array([1.6]), stepInEpoch: 1 }));
    const xs = session.series.loss.map((p) => p.x);
    expect(xs.every((x, i) => i === 0 || x > xs[i - 1])).toBe(true);
    expect(xs.at(-1)).toBe(11);
  });

  it('says "Stopping…" the moment Stop is pressed, and then only the engine\'s end of the run', async () => {
    const { api, session } = await started();
    let answer: (r: { state: 'stopped' }) => void = () => {};
    api.call = ((name: string) => (name === 'training:stop' ? new Promise((resolve) => (answer = resolve)) : Promise.reject(new Error(name)))) as typeof api.call;
    const stopping = session.stop();
    expect(session.state).toBe('stopping');
    expect(session.active).toBe(true);
    api.emit(batch({ firstStep: 2, losses: new Float64Array([2.0]), stepInEpoch: 3 })); // steps the engine made before it got the stop
    api.emit({ type: 'state', runId: 1, state: 'training' });
    expect(session.state).toBe('stopping');
    answer({ state: 'stopped' });
    await stopping;
    expect(session.state).toBe('stopped');
    expect(session.progress.stepInEpoch).toBe(3);
  });

  it('a page that opens after a run that did not learn says so, with the run\'s health, never a plain "Done"', async () => {
    const outcome = { kind: 'not_learning' as const, message: 'test accuracy 11.35% is at chance level (10.00% for 10 classes): the network did not learn' };
    const health = { step: 10, layers: [] };
    const status = {
      runId: 3, state: 'done', message: null, info: { ...info, config, epoch: 2, step: 20, history: [], stepsPerEpoch: 10 }, history: [metrics(1, 0.11), metrics(2, 0.11)],
      firstStep: 0, losses: new Float64Array([2.3, 2.3]), lr: new Float64Array([2, 5]), batchAccuracy: new Float64Array([1, 0.1]),
      progress: null, savedEpoch: 2, savedStep: 20, savedName: 'lr 5', recoverable: false, seconds: 2.2, outcome, health: [health],
    };
    const session = new TrainingSession(fakeApi({ 'training:status': status }), () => 0);
    await session.restore();
    expect(session.state).toBe('done');
    expect(session.outcome).toEqual(outcome);
    expect(session.series.health).toEqual([health]);
    expect(session.series.testLoss.map((p) => p.x)).toEqual([10, 20]); // each epoch's test loss at its last step
    expect(session.elapsed).toBe(2.2);
  });

  it('a page that opens mid-run shows the run whole from the host, then follows it without drawing a step twice', async () => {
    const status = {
      runId: 3, state: 'training', message: null, info: { ...info, config: { ...config, lr: 0.1 }, epoch: 0, step: 0, history: [] }, history: [],
      firstStep: 0, losses: new Float64Array([2.3, 2.2, 2.1]), lr: new Float64Array([3, 0.1]), batchAccuracy: new Float64Array([0.3, 0.4]),
      progress: { epoch: 1, stepInEpoch: 3, stepsPerEpoch: 10, samplesPerSecond: 640, eta: 5 },
      savedEpoch: null, savedStep: null, savedName: null, recoverable: false, seconds: 7, outcome: null, health: [],
    };
    const api = fakeApi({ 'training:status': status });
    const session = new TrainingSession(api, () => 0);
    api.emit(batch({ runId: 3, firstStep: 40 })); // a stream picked up halfway is not drawn
    expect(session.series.loss).toEqual([]);
    await session.restore();
    expect(session.state).toBe('training');
    expect(session.series.loss.map((p) => p.x)).toEqual([1, 2, 3]);
    expect(session.series.lr).toEqual([{ x: 0, y: 0.1 }, { x: 3, y: 0.1 }]); // from the base rate, as the page that started it drew it
    expect(session.progress).toMatchObject({ epoch: 1, epochs: 2, stepInEpoch: 3 });
    expect(session.elapsed).toBe(7);
    api.emit(batch({ runId: 3, firstStep: 2, losses: new Float64Array([2.1, 2.0]), stepInEpoch: 4 }));
    expect(session.series.loss.map((p) => p.x)).toEqual([1, 2, 3, 4]);
  });

  it('shows a run another page starts, whole, instead of a stream picked up halfway', async () => {
    const other = { ...config, epochs: 7 };
    const api = fakeApi({
      'training:start': { runId: 1, info },
      'training:status': {
        runId: 2, state: 'training', message: null, info: { ...info, config: other, epoch: 0, step: 0, history: [] }, history: [],
        firstStep: 0, losses: new Float64Array([2.4]), lr: new Float64Array(), batchAccuracy: new Float64Array(),
        progress: null, savedEpoch: null, savedStep: null, savedName: null, recoverable: false, seconds: 0, outcome: null, health: [],
      },
    });
    const session = new TrainingSession(api, () => 0);
    await session.start(config);
    api.emit({ type: 'done', runId: 1, state: 'done', history: [], seconds: 1 });
    api.emit({ type: 'state', runId: 2, state: 'training' });
    api.emit(batch({ runId: 2, firstStep: 1, losses: new Float64Array([2.3]) }));
    await session.restore();
    expect(session.state).toBe('training');
    expect(session.config).toBe(other);
    api.emit(batch({ runId: 2, firstStep: 1, losses: new Float64Array([2.3]) }));
    expect(session.series.loss).toEqual([{ x: 1, y: 2.4 }, { x: 2, y: 2.3 }]);
  });

  it('a page opened after a stop says where the run stopped and the step its file holds, which differ when the stop\'s save failed', async () => {
    const stopped = (step: number) => ({
      runId: 5, state: 'stopped', message: null, info: { ...info, config, epoch: 1, step, history: [] }, history: [],
      firstStep: 0, losses: new Float64Array([2.3]), lr: new Float64Array(), batchAccuracy: new Float64Array(),
      progress: null, savedEpoch: 1, savedStep: 1200, savedName: 'my net', recoverable: false, seconds: 3, outcome: null, health: [],
    });
    const saved = new TrainingSession(fakeApi({ 'training:status': stopped(1200) }), () => 0);
    await saved.restore();
    expect(saved.note).toBe('This run stopped at step 1,200 and was saved as "my net". Continue it from the Models view.');
    const unsaved = new TrainingSession(fakeApi({ 'training:status': stopped(1234) }), () => 0);
    await unsaved.restore();
    expect(unsaved.note).toBe('This run stopped at step 1,234; "my net" holds its last save, at step 1,200. Continue it from the Models view.');
    // with the epoch's length known, in the progress bar's terms
    const known = new TrainingSession(fakeApi({ 'training:status': { ...stopped(1200), progress: { epoch: 2, stepInEpoch: 200, stepsPerEpoch: 1000, samplesPerSecond: 1, eta: 1 } } }), () => 0);
    await known.restore();
    expect(known.note).toBe('This run stopped at epoch 2, step 200 and was saved as "my net". Continue it from the Models view.');
  });

  it('when another window started a run a moment before, shows that run instead of failing', async () => {
    const going = {
      runId: 4, state: 'training', message: null, info: { ...info, config, epoch: 0, step: 0, history: [] }, history: [],
      firstStep: 0, losses: new Float64Array([2.3]), lr: new Float64Array(), batchAccuracy: new Float64Array(),
      progress: null, savedEpoch: null, savedStep: null, savedName: null, recoverable: false, seconds: 0, outcome: null, health: [],
    };
    const api = fakeApi({ 'training:start': new Error('a run is already going; stop it first'), 'training:status': going });
    const session = new TrainingSession(api, () => 0);
    const starting = session.start({ ...config, epochs: 9 });
    api.emit({ type: 'state', runId: 4, state: 'training' }); // the other window's run, announced before the refusal
    await starting;
    expect(session.state).toBe('training');
    expect(session.error).toBeNull();
    expect(session.config).toBe(config);
    expect(session.note).toBe('Another window started a run just before this one could; this page shows that run.');
  });
});
