import { afterEach, describe, expect, it, vi } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { DatasetInfo, ModelInfo, WeightsSnapshot } from '../../../src-engine/protocol';
import { LIVE_WEIGHTS_EVERY_MS, MAX_FRAMES, WeightsState } from '../../../src-renderer/state/weights.svelte';
import { fakeApi } from '../fake-api';

const classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** A 784-4-10 snapshot whose weights are all `v`. */
function snapshot(epoch: number, step: number, v = 0.1): WeightsSnapshot {
  return {
    epoch,
    step,
    layers: [
      { name: '0', in: 784, out: 4, weight: new Float32Array(784 * 4).fill(v), bias: new Float32Array(4) },
      { name: '2', in: 4, out: 10, weight: new Float32Array(40).fill(v), bias: new Float32Array(10) },
    ],
  };
}

const info = (config: ModelInfo['config'] = null): ModelInfo => ({
  architecture: mlpArchitecture([784, 4, 10], 'relu', 'cross_entropy', classes, [28, 28]),
  config,
  history: [],
  epoch: 2,
  step: 100,
  datasetName: 'MNIST', baselineAccuracy: null, stepsPerEpoch: 50, trainedSeconds: null,
  parameters: 3190,
});

const mnist: DatasetInfo = { name: 'MNIST', train: 60000, test: 10000, rows: 28, cols: 28, classes, meanImages: new Uint8Array(7840), baselineAccuracy: 0.82 };

afterEach(() => vi.useRealTimers());

describe('weights state', () => {
  it('follows the live weights of a run and keeps its start and every epoch end for the scrubber', () => {
    const api = fakeApi();
    const w = new WeightsState(api);
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(0, 0), epochEnd: false });
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(0, 40), epochEnd: false });
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(1, 94), epochEnd: true });
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(1, 130), epochEnd: false });
    expect(w.frames.map((f) => f.label)).toEqual(['start', 'epoch 1']);
    expect(w.shown!.step).toBe(130);
    w.scrub(0);
    expect(w.shown!.step).toBe(0);
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(1, 160), epochEnd: false });
    expect(w.shown!.step).toBe(0); // scrubbed back: live updates do not yank the view
    w.scrub(2);
    expect(w.shown!.step).toBe(160); // past the last frame: live again
    expect(w.frame).toBeNull();
  });

  it('starts over on a new run, and thins old frames instead of growing without bound', () => {
    const api = fakeApi();
    const w = new WeightsState(api);
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(0, 0), epochEnd: false });
    w.select(2);
    api.emit({ type: 'weights', runId: 2, snapshot: snapshot(3, 300), epochEnd: false });
    expect(w.frames.map((f) => f.label)).toEqual(['start (epoch 3)']);
    expect(w.selected).toBeNull();
    for (let e = 4; e < 4 + MAX_FRAMES + 5; e++) api.emit({ type: 'weights', runId: 2, snapshot: snapshot(e, e * 100), epochEnd: true });
    expect(w.frames.length).toBeLessThanOrEqual(MAX_FRAMES);
    expect(w.frames[0].label).toBe('start (epoch 3)');
    expect(w.frames.at(-1)!.label).toBe(`epoch ${4 + MAX_FRAMES + 4}`);
  });

  it('fetches the weights and mean images of an opened model', async () => {
    const api = fakeApi({ 'model:weights': snapshot(5, 500), 'dataset:info': mnist });
    const w = new WeightsState(api);
    w.watch();
    await w.useModel(info(), true);
    expect(w.live!.epoch).toBe(5);
    expect(w.dataset).toBe(mnist);
    expect(api.calls.find((c) => c.name === 'dataset:info')!.args).toEqual({ source: { kind: 'mnist' } });
    expect(w.classes).toEqual(classes);
  });

  it('keeps the history when the engine still holds the same model, forgets it for another one', async () => {
    const api = fakeApi({ 'model:weights': snapshot(1, 94) });
    const w = new WeightsState(api);
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(0, 0), epochEnd: false });
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(1, 94), epochEnd: true });
    await w.refresh();
    expect(w.frames).toHaveLength(2);
    const other = fakeApi({ 'model:weights': snapshot(7, 700) });
    const v = new WeightsState(other);
    other.emit({ type: 'weights', runId: 1, snapshot: snapshot(1, 94), epochEnd: true });
    other.emit({ type: 'engine:stopped', message: 'The engine stopped unexpectedly.', restarted: true, recoverable: false });
    await v.refresh();
    expect(v.frames).toEqual([]);
    expect(v.live!.epoch).toBe(7);
  });

  it('says so when there is no model, and opens units only within the layer', async () => {
    const api = fakeApi({ 'model:weights': new Error('there is no model yet: train one or open a file') });
    const w = new WeightsState(api);
    await w.refresh();
    expect(w.error).toBe('there is no model yet: train one or open a file');
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(0, 0), epochEnd: false });
    expect(w.error).toBeNull();
    w.select(3);
    expect(w.selected).toBe(3);
    w.select(4);
    expect(w.selected).toBeNull();
    w.showUnits(1, [1, 0, 3]);
    expect([w.selected, w.marked]).toEqual([1, [1, 0, 3]]);
  });

  it('asks for the weights only while a view shows them: live while a run trains, once when it ends, never unwatched', async () => {
    vi.useFakeTimers();
    let step = 0;
    const api = fakeApi();
    api.call = (async (name: string) => {
      api.calls.push({ name: name as never, args: {} });
      return snapshot(0, (step += 10));
    }) as typeof api.call;
    const w = new WeightsState(api);
    const asked = () => api.calls.filter((c) => c.name === 'model:weights').length;
    api.emit({ type: 'state', runId: 1, state: 'training' });
    await vi.advanceTimersByTimeAsync(5 * LIVE_WEIGHTS_EVERY_MS);
    expect(asked()).toBe(0); // training, but no view looks

    const unwatch = w.watch();
    await vi.advanceTimersByTimeAsync(0);
    expect(asked()).toBe(1);
    await vi.advanceTimersByTimeAsync(3 * LIVE_WEIGHTS_EVERY_MS);
    expect(asked()).toBe(4); // one after each answer
    expect(w.live!.step).toBe(40);

    unwatch();
    await vi.advanceTimersByTimeAsync(10 * LIVE_WEIGHTS_EVERY_MS);
    expect(asked()).toBe(4);

    const again = w.watch();
    api.emit({ type: 'state', runId: 1, state: 'stopped' });
    await vi.advanceTimersByTimeAsync(10 * LIVE_WEIGHTS_EVERY_MS);
    expect(asked()).toBeLessThanOrEqual(6); // the view's first look and the run's final weights, then nothing
    expect(w.live!.step).toBe(asked() * 10);
    again();
  });
});
