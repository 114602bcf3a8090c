import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { EngineEvent, TrainConfig } from '../../../src-engine/protocol';
import { EngineService } from '../../../src-engine/service/engine-service';
import { baselineAccuracy, meanImages } from '../../../src-engine/train/baseline';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { prepareData } from '../../../src-engine/train/trainer';

const dataset = { kind: 'idx' as const, dir: 'test/fixtures/mnist-500' };
const config: TrainConfig = { ...DEFAULT_CONFIG, dataset, hidden: [16], epochs: 2, batch: 50 };

/** A service on a manual clock and task queue, so tests step it deterministically. */
function harness() {
  const events: EngineEvent[] = [];
  const queue: (() => void)[] = [];
  let now = 0;
  const service = new EngineService({
    loadDataset,
    clock: () => (now += 5), // every look at the clock costs 5 ms: slices end after a few batches
    now: () => '2026-11-22T12:00:00.000Z',
    defer: (fn) => queue.push(fn),
    emit: (e) => events.push(e),
    appVersion: 'test',
  });
  const drain = (max = 10_000) => {
    for (let i = 0; i < max && queue.length; i++) queue.shift()!();
  };
  const of = <T extends EngineEvent['type']>(type: T) => events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  return { service, events, queue, drain, of };
}

describe('engine service: the kernels\' thread count', () => {
  it('reports the kernels, and sets the thread count through the worker\'s control when no run holds it', () => {
    const set: number[] = [];
    const info = { name: 'wasm-relaxed-simd-2t', threads: 2, maxThreads: 2 };
    const service = new EngineService({
      loadDataset, clock: () => 0, now: () => '', defer: () => undefined, emit: () => undefined, appVersion: 'test',
      kernels: { info: () => info, setThreads: (n) => (set.push(n), { ...info, threads: n }) },
    });
    expect(service.handle('engine:kernels', {})).toEqual(info);
    expect(service.handle('engine:set-threads', { threads: 1 })).toEqual({ ...info, threads: 1 });
    expect(set).toEqual([1]);
    expect(() => service.handle('engine:set-threads', { threads: 3 })).toThrow('the thread count must be a whole number from 1 to 2 on this machine (got 3)');
    expect(() => service.handle('engine:set-threads', { threads: 0.5 })).toThrow('from 1 to 2');
    service.handle('train:start', { config });
    expect(() => service.handle('engine:set-threads', { threads: 2 })).toThrow('stop the run before changing the thread count (results are the same with any count)');
    service.handle('train:pause', {});
    expect(() => service.handle('engine:set-threads', { threads: 2 })).toThrow('stop the run');
    service.handle('train:stop', {});
    expect(service.handle('engine:set-threads', { threads: 2 }).threads).toBe(2);
    expect(set).toEqual([1, 2]);
  });

  it('without a control (a plain service) it has one thread', () => {
    const { service } = harness();
    expect(service.handle('engine:kernels', {})).toEqual({ name: 'typescript', threads: 1, maxThreads: 1 });
    expect(service.handle('engine:set-threads', { threads: 1 }).threads).toBe(1);
    expect(() => service.handle('engine:set-threads', { threads: 2 })).toThrow('from 1 to 1 on this machine');
  });
});

describe('engine service', () => {
  it('trains to the end, streaming every batch loss, epochs, weights and checkpoints', () => {
    const h = harness();
    const { runId, info } = h.service.handle('train:start', { config });
    expect(info.architecture.layers).toHaveLength(3);
    h.drain();
    const losses = h.of('batch').flatMap((e) => Array.from(e.losses));
    expect(losses).toHaveLength(2 * 10); // 500 images / batch 50 × 2 epochs: none dropped by throttling
    expect(h.of('epoch').map((e) => e.metrics.epoch)).toEqual([1, 2]);
    expect(h.of('checkpoint').map((e) => e.reason)).toEqual(['epoch', 'done']);
    expect(h.of('weights').filter((e) => e.epochEnd)).toHaveLength(2);
    expect(h.of('weights')[0].snapshot.step).toBe(0); // the untrained weights come first
    const done = h.of('done');
    expect(done).toHaveLength(1);
    expect(done[0]).toEqual(expect.objectContaining({ runId, state: 'done' }));
    const saved = decodeCheckpoint(h.of('checkpoint')[1].bytes, 'autosave');
    const afterwards = decodeCheckpoint(h.service.handle('model:save', {}).bytes, 'saved after the run');
    expect(afterwards.training!.epoch).toBe(2); // the finished run is still the engine's model
    expect(saved.training!.epoch).toBe(2);
    expect(saved.history).toHaveLength(2);
  });

  it('pauses between batches with a checkpoint, resumes, and stops', () => {
    const h = harness();
    h.service.handle('train:start', { config });
    h.queue.shift()!(); // one slice
    expect(h.service.handle('train:pause', {})).toEqual({ state: 'paused' });
    const paused = h.of('checkpoint').at(-1)!;
    expect(paused.reason).toBe('pause');
    h.drain();
    const stepsWhilePaused = h.of('batch').flatMap((e) => Array.from(e.losses)).length;
    expect(stepsWhilePaused).toBeGreaterThan(0);
    expect(stepsWhilePaused).toBeLessThan(20); // nothing ran while paused
    expect(() => h.service.handle('train:pause', {})).toThrow('nothing is training');
    h.service.handle('train:resume', {});
    h.queue.shift()!();
    expect(h.service.handle('train:stop', {})).toEqual({ state: 'stopped' });
    expect(h.of('checkpoint').at(-1)!.reason).toBe('stop');
    expect(h.of('done').at(-1)!.state).toBe('stopped');
    h.drain();
    expect(h.of('done')).toHaveLength(1);
  });

  it('sends weights unasked only as the run starts and at each epoch end: live views ask for them', () => {
    const h = harness();
    h.service.handle('train:start', { config: { ...config, batch: 2 } }); // 500 steps: seconds on the harness clock
    h.drain();
    expect(h.of('batch').length).toBeGreaterThan(20);
    expect(h.of('weights').map((e) => [e.snapshot.epoch, e.epochEnd])).toEqual([[0, false], [1, true], [2, true]]);
    expect(h.service.handle('model:weights', {}).step).toBe(500);
  });

  it('a diverging run fails with the message and saves its last good weights', () => {
    const h = harness();
    h.service.handle('train:start', { config: { ...config, lr: 10, loss: 'mse', activation: 'leaky_relu', hidden: [64], momentum: 0.9 } });
    h.drain();
    const done = h.of('done');
    expect(done).toHaveLength(1);
    expect(done[0].state).toBe('failed');
    expect(done[0].message).toMatch(/^loss became (NaN|infinite) at epoch 1, step \d+ — the learning rate 10 is probably too high$/);
    const saved = decodeCheckpoint(h.of('checkpoint').at(-1)!.bytes, 'last good'); // decoding refuses non-finite weights
    expect(saved.training!.step).toBe(saved.training!.stepInEpoch);
    expect(decodeCheckpoint(h.service.handle('model:save', {}).bytes, 'after').training!.step).toBe(saved.training!.step);
  });

  it('refuses a second run, bad configs and bad pixels with clear messages', () => {
    const h = harness();
    expect(() => h.service.handle('train:start', { config: { ...config, lr: 0 } })).toThrow('learning rate must be a positive number (got 0)');
    expect(() => h.service.handle('model:predict', { pixels: new Uint8Array(784), saliency: false })).toThrow('there is no model yet: train one or open a file');
    h.service.handle('train:start', { config });
    expect(() => h.service.handle('train:start', { config })).toThrow('a run is already going; stop it first');
    expect(() => h.service.handle('model:predict', { pixels: new Uint8Array(10), saliency: false })).toThrow('the model (784-16-10 relu) takes 784 pixels per image');
    expect(() => h.service.handle('model:load', { bytes: new Uint8Array(3), fileName: 'x.safetensors' })).toThrow('stop the current run before opening another model');
  });

  it('opens a saved model, predicts, and finds misclassified test digits', () => {
    const h = harness();
    h.service.handle('train:start', { config });
    h.drain();
    const bytes = h.of('checkpoint').at(-1)!.bytes;
    const fresh = harness();
    fresh.service.handle('dataset:info', { source: dataset }); // the user chose its data this session
    const info = fresh.service.handle('model:load', { bytes, fileName: 'run.safetensors' });
    expect(info.history).toHaveLength(2);
    expect(info.epoch).toBe(2);
    const sample = fresh.service.handle('dataset:sample', { which: 'misclassified' });
    expect(sample.prediction).not.toBe(sample.label);
    // stepping through the wrong ones in order, wrapping round at the end
    const first = fresh.service.handle('dataset:sample', { which: 'misclassified', after: -1 });
    expect(first.wrong!.position).toBe(0);
    const second = fresh.service.handle('dataset:sample', { which: 'misclassified', after: first.index });
    expect(second.index).toBeGreaterThan(first.index);
    expect(second.wrong).toEqual({ position: 1, count: first.wrong!.count });
    expect(second.prediction).not.toBe(second.label);
    const last = fresh.service.handle('dataset:sample', { which: 'misclassified', after: 1e9 });
    expect(last.index).toBe(first.index);
    const p = fresh.service.handle('model:predict', { pixels: sample.pixels, saliency: true });
    expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p.saliency).toHaveLength(784);
    expect(p.topHidden[0].activation).toBeGreaterThanOrEqual(p.topHidden[1].activation);
    expect(() => fresh.service.handle('model:load', { bytes: new Uint8Array([1, 2, 3]), fileName: 'junk.safetensors' })).toThrow(/^junk\.safetensors: /);
  });

  it("gives a run the mean-image baseline of its own data, and an opened model the one its file recorded (an older file, one measured again)", () => {
    const h = harness();
    const filtered = { ...config, classes: [3, 7], epochs: 1 };
    const { info } = h.service.handle('train:start', { config: filtered });
    const { train, test } = loadDataset(dataset);
    const data = prepareData(filtered, train, test);
    const own = baselineAccuracy(meanImages(data.train), data.test!);
    expect(info.baselineAccuracy).toBe(own);
    // two classes: not the ten-class figure the dataset view shows
    expect(own).not.toBe(h.service.handle('dataset:info', { source: dataset }).baselineAccuracy);
    h.drain();
    const bytes = h.of('checkpoint').at(-1)!.bytes;
    expect(decodeCheckpoint(bytes, 'run').dataset!.baseline).toBe(own);
    expect(harness().service.handle('model:load', { bytes, fileName: 'run.safetensors' }).baselineAccuracy).toBe(own);
    // a file saved before checkpoints recorded it: measured again on the same data when opened where
    // that data is loaded (a folder of files is read only when the learner picks it, never on a file's say-so)
    const { baseline: _, ...unrecorded } = decodeCheckpoint(bytes, 'run').dataset!;
    const older = encodeCheckpoint({ ...decodeCheckpoint(bytes, 'run'), dataset: unrecorded });
    expect(h.service.handle('model:load', { bytes: older, fileName: 'older.safetensors' }).baselineAccuracy).toBe(own);
    expect(harness().service.handle('model:load', { bytes: older, fileName: 'older.safetensors' }).baselineAccuracy).toBeNull();
  });

  it('gives the steps an epoch takes, for a run and for a model stopped part-way into an epoch', () => {
    const h = harness();
    const limited = { ...config, limit: 430, validation: 0.1, batch: 50, epochs: 3 };
    const { info } = h.service.handle('train:start', { config: limited });
    expect(info.stepsPerEpoch).toBe(Math.ceil(387 / 50)); // 430 less a tenth held out
    while (h.of('batch').at(-1)?.epoch !== 2) h.queue.shift()!();
    h.service.handle('train:stop', {});
    h.drain();
    const bytes = h.of('checkpoint').at(-1)!.bytes;
    const opened = harness().service.handle('model:load', { bytes, fileName: 'stopped.safetensors' });
    expect(opened.epoch).toBe(1);
    expect(opened.step).toBeGreaterThan(8);
    expect(opened.stepsPerEpoch).toBe(8);
    // its time in all: the finished epoch's and the unfinished one's (no history entry holds that)
    const training = decodeCheckpoint(bytes, 'x').training!;
    expect(training.partial.seconds).toBeGreaterThan(0);
    expect(opened.trainedSeconds).toBe(training.seconds + training.partial.seconds);
    // the seconds the app shows live end at the file's: the stop's done event and the last batch event say the same
    expect(h.of('done').at(-1)!.seconds).toBe(opened.trainedSeconds);
    expect(h.of('batch').at(-1)!.seconds).toBeLessThanOrEqual(opened.trainedSeconds!);
    // resumed on data of another size at some point: its step fits no single epoch length, so none is claimed
    const c = decodeCheckpoint(bytes, 'x');
    const resumedElsewhere = encodeCheckpoint({ ...c, dataset: { ...c.dataset!, train: 330 } });
    expect(harness().service.handle('model:load', { bytes: resumedElsewhere, fileName: 'moved.safetensors' }).stepsPerEpoch).toBe(0);
    const { training: _, ...weightsOnly } = decodeCheckpoint(bytes, 'x');
    expect(harness().service.handle('model:load', { bytes: encodeCheckpoint({ ...weightsOnly, training: null, optimizer: new Map() }), fileName: 'w.safetensors' }).stepsPerEpoch).toBe(0);
  });

  it('reports the dataset with its mean images and baseline accuracy', () => {
    const h = harness();
    const d = h.service.handle('dataset:info', { source: dataset });
    expect(d).toEqual(expect.objectContaining({ train: 500, test: 100, rows: 28, cols: 28 }));
    expect(d.meanImages).toHaveLength(10 * 784);
    expect(d.baselineAccuracy).toBeGreaterThan(0.5);
  });
});

describe('engine service and files from elsewhere', () => {
  it('never reads a dataset path written inside a model file', () => {
    const h = harness();
    h.service.handle('train:start', { config: { ...config, epochs: 1 } });
    h.drain();
    const bytes = h.of('checkpoint').at(-1)!.bytes;
    const reads: unknown[] = [];
    const fresh = new EngineService({
      loadDataset: (source) => {
        reads.push(source);
        return loadDataset(source);
      },
      clock: () => 0,
      now: () => '',
      defer: () => undefined,
      emit: () => undefined,
      appVersion: 'test',
    });
    fresh.handle('model:load', { bytes, fileName: 'from-a-friend.safetensors' });
    expect(reads).toEqual([]); // the file names test/fixtures/mnist-500; it was not opened
    expect(() => fresh.handle('dataset:sample', { which: 'random' })).toThrow('no test images are known for this model');
  });
});
