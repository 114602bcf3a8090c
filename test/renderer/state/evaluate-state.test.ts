import { describe, expect, it } from 'vitest';
import type { EvaluationReport, Gallery, HiddenActivations } from '../../../src-engine/protocol';
import type { ProjectionReply, ProjectionRequest } from '../../../src-renderer/lib/projection-messages';
import { EvaluateState, mapCountChoices, type ProjectionWorker } from '../../../src-renderer/state/evaluate.svelte';
import { fakeApi } from '../fake-api';

const summary: EvaluationReport = {
  split: 'test', count: 4, accuracy: 0.75, loss: 0.5, classes: ['0', '1'],
  confusion: Uint32Array.of(2, 1, 0, 1), precision: Float64Array.of(1, 0.5), recall: Float64Array.of(2 / 3, 1), confidence: 'probability',
  weights: { epoch: 1, step: 10, stepsPerEpoch: 10 },
};
const gallery: Gallery = { total: 1, items: [{ index: 2, label: 0, predicted: 1, confidence: 0.9 }], pixels: new Uint8Array(4), rows: 2, cols: 2 };
const hidden: HiddenActivations = { layer: 1, units: 3, count: 4, activations: new Float32Array(12), labels: Uint8Array.of(0, 0, 1, 1), predicted: Uint8Array.of(0, 1, 1, 1), pixels: new Uint8Array(16), rows: 2, cols: 2 };
const epochEvent = { type: 'epoch' as const, runId: 1, metrics: { epoch: 1, train_loss: 1, train_accuracy: 0.5, test_loss: 1, test_accuracy: 0.5, lr: 0.1, seconds: 1, samples_per_second: 1 } };

class FakeWorker implements ProjectionWorker {
  posted: ProjectionRequest[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent<ProjectionReply>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(m: ProjectionRequest): void {
    this.posted.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(m: ProjectionReply): void {
    this.onmessage?.({ data: m } as MessageEvent<ProjectionReply>);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

/** A state on a fake engine that answers every call, with the projection workers it makes. */
function withWorkers() {
  const api = fakeApi({ 'model:evaluate': summary, 'model:gallery': gallery, 'model:hidden': hidden });
  const workers: FakeWorker[] = [];
  const ev = new EvaluateState(api, () => {
    workers.push(new FakeWorker());
    return workers.at(-1)!;
  });
  /** The worker's projection is in. */
  const done = (w: FakeWorker) => w.reply({ type: 'done', id: w.posted[0].id, points: new Float32Array(8), seconds: 0.1 });
  return { api, ev, workers, done };
}

describe('mapCountChoices', () => {
  it('never offers more digits than the split holds', () => {
    expect(mapCountChoices(null)).toEqual([1000, 2000, 5000]);
    expect(mapCountChoices(10_000)).toEqual([1000, 2000, 5000]);
    expect(mapCountChoices(5000)).toEqual([1000, 2000, 5000]);
    expect(mapCountChoices(3000)).toEqual([1000, 2000, 3000]);
    expect(mapCountChoices(1000)).toEqual([1000]);
    expect(mapCountChoices(120)).toEqual([120]);
  });
});

describe('EvaluateState', () => {
  it('asks for no more digits on the map than the evaluated split holds', async () => {
    const { api, ev } = withWorkers();
    ev.mapCount = 5000;
    ev.layer = 1;
    await ev.show();
    await settle();
    expect(ev.mapDigits).toBe(summary.count);
    expect(api.calls.find((c) => c.name === 'model:hidden')?.args).toMatchObject({ count: summary.count });
    expect(ev.mapCount).toBe(5000); // the choice stays for a split that holds more
  });

  it('asks the engine nothing until the view opens, re-evaluates after an epoch only while open', async () => {
    const api = fakeApi({ 'model:evaluate': summary, 'model:gallery': gallery });
    const ev = new EvaluateState(api, () => new FakeWorker());
    api.emit(epochEvent);
    await settle();
    expect(api.calls).toEqual([]);
    await ev.show();
    expect(api.calls.map((c) => c.name)).toEqual(['model:evaluate', 'model:gallery', 'model:gallery']);
    expect(ev.summary).toBe(summary);
    expect(ev.wrong).toBe(gallery);
    api.emit(epochEvent);
    await settle();
    await settle();
    expect(api.calls.filter((c) => c.name === 'model:evaluate')).toHaveLength(2);
    ev.hide();
    api.emit(epochEvent);
    await settle();
    expect(api.calls.filter((c) => c.name === 'model:evaluate')).toHaveLength(2);
    expect(ev.stale).toBe(true);
  });

  it('opened before any model exists, evaluates the first one trained or opened', async () => {
    const api = fakeApi({ 'model:evaluate': summary, 'model:gallery': gallery });
    const ev = new EvaluateState(api, () => new FakeWorker());
    await ev.show(false);
    expect(api.calls).toEqual([]);
    ev.modelChanged();
    await settle();
    expect(api.calls[0]).toEqual({ name: 'model:evaluate', args: { split: 'test' } });
  });

  it('shows every digit of a gallery on asking, up to the host\'s cap of 1000', async () => {
    const { api, ev } = withWorkers();
    await ev.evaluate();
    await ev.showAll('wrong');
    expect(api.calls.at(-1)).toEqual({ name: 'model:gallery', args: { split: 'test', query: { kind: 'wrong' }, limit: 1000 } });
    expect(ev.wrong).toEqual(gallery);
    const before = api.calls.length;
    await ev.showAll('cell'); // no cell open: nothing to ask
    expect(api.calls.length).toBe(before);
  });

  it('shows the engine\'s refusal as the error and no report', async () => {
    const api = fakeApi({ 'model:evaluate': new Error('this model was trained without a validation split') });
    const ev = new EvaluateState(api, () => new FakeWorker());
    await ev.show();
    await ev.setSplit('validation');
    expect(api.calls.at(-1)).toEqual({ name: 'model:evaluate', args: { split: 'validation' } });
    expect(ev.error).toBe('this model was trained without a validation split');
    expect(ev.summary).toBeNull();
  });

  it('projects in the worker with progress, and ignores a cancelled job\'s late replies', async () => {
    const { api, ev, workers } = withWorkers();
    await ev.show();
    ev.layer = 1;
    ev.method = 'umap';
    await ev.makeMap();
    expect(api.calls.at(-1)).toEqual({ name: 'model:hidden', args: { split: 'test', layer: 1, count: 4 } }); // the split's 4 digits
    const w = workers[0];
    expect(w.posted[0]).toMatchObject({ method: 'umap', n: 4, d: 3 });
    w.reply({ type: 'progress', id: w.posted[0].id, stage: 'laying out', fraction: 0.5 });
    expect(ev.progress).toEqual({ stage: 'laying out', fraction: 0.5 });
    const points = Float32Array.of(0, 0, 1, 1, 2, 2, 3, 3);
    w.reply({ type: 'done', id: w.posted[0].id, points, seconds: 1.5 });
    expect(ev.points).toBe(points);
    expect(ev.progress).toBeNull();
    expect(ev.mapMethod).toBe('umap');
    expect(w.terminated).toBe(true);

    await ev.makeMap();
    const second = workers[1];
    ev.cancelMap();
    expect(second.terminated).toBe(true);
    second.reply({ type: 'done', id: second.posted[0].id, points: new Float32Array(8), seconds: 1 });
    expect(ev.points).toBeNull();
    expect(ev.progress).toBeNull();
  });

  it('draws a PCA map with the report and again for new weights; a UMAP map is said to be of earlier weights', async () => {
    const { api, ev, workers, done } = withWorkers();
    ev.layer = 1; // the view picks the first hidden layer as it opens
    await ev.show();
    await settle();
    expect(workers).toHaveLength(1);
    expect(workers[0].posted[0]).toMatchObject({ method: 'pca' });
    done(workers[0]);
    expect(ev.mapStale).toBe(false);

    api.emit(epochEvent);
    expect(ev.mapStale).toBe(true); // until the new report and its map are in
    await settle();
    await settle();
    expect(workers).toHaveLength(2);
    done(workers[1]);
    expect(ev.mapStale).toBe(false);

    ev.method = 'umap';
    await ev.makeMap();
    workers[2].reply({ type: 'done', id: workers[2].posted[0].id, points: new Float32Array(8), seconds: 9 });
    api.emit(epochEvent);
    await settle();
    await settle();
    expect(api.calls.filter((c) => c.name === 'model:evaluate')).toHaveLength(3);
    expect(workers).toHaveLength(3); // UMAP takes seconds: not drawn again unasked
    expect(ev.mapStale).toBe(true);
  });

  describe('while a map is being drawn', () => {
    function setup() {
      const state = withWorkers();
      state.ev.layer = 1; // the view picks the first hidden layer as it opens
      return state;
    }

    it('an epoch that ends gets its own map as soon as the one drawing is in', async () => {
      const { api, ev, workers, done } = setup();
      await ev.show();
      await settle();
      expect(workers).toHaveLength(1);
      api.emit(epochEvent); // the new report comes while the first map is still being drawn
      await settle();
      await settle();
      done(workers[0]);
      await settle();
      expect(workers).toHaveLength(2); // drawn again for the new weights, the old map on show meanwhile
      expect(ev.points).not.toBeNull();
      done(workers[1]);
      expect(ev.mapStale).toBe(false);
    });

    it('another model: the old projection is dropped, its progress too, and the new model gets a map', async () => {
      const { ev, workers, done } = setup();
      await ev.show();
      await settle();
      ev.modelChanged();
      expect(workers[0].terminated).toBe(true);
      expect(ev.progress).toBeNull();
      ev.layer = 1;
      await settle();
      await settle();
      expect(workers).toHaveLength(2);
      done(workers[0]); // a late reply of the old job changes nothing
      expect(ev.points).toBeNull();
      done(workers[1]);
      expect(ev.points).not.toBeNull();
    });

    it('another split: the old split\'s projection never shows as the new one\'s', async () => {
      const { ev, workers, done } = setup();
      await ev.show();
      await settle();
      await ev.setSplit('validation');
      done(workers[0]); // the old split's projection, late: dropped
      expect(ev.points).toBeNull();
      await settle();
      expect(workers).toHaveLength(2); // the new split's own map
      done(workers[1]);
      expect(ev.points).not.toBeNull();
    });
  });

  it('an epoch that ends during an evaluation is evaluated after it, not marked current', async () => {
    const api = fakeApi({ 'model:evaluate': summary, 'model:gallery': gallery });
    const ev = new EvaluateState(api, () => new FakeWorker());
    const first = ev.show();
    api.emit(epochEvent); // busy: handle() does not start another
    await first;
    await settle();
    await settle();
    expect(api.calls.filter((c) => c.name === 'model:evaluate')).toHaveLength(2);
    expect(ev.stale).toBe(false);
  });
});
