import { describe, expect, it } from 'vitest';
import type { Prediction, Sample } from '../../../src-engine/protocol';
import { DigitPadState } from '../../../src-renderer/state/digit-pad.svelte';
import { fakeApi } from '../fake-api';

const classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function prediction(top: number): Prediction {
  const probabilities = new Float64Array(10).fill(0.02);
  probabilities[top] = 0.82;
  return { classes, probabilities, logits: new Float64Array(10), saliency: new Float64Array(784), topHidden: [{ unit: 3, activation: 2.5 }] };
}

/** A 100x100 ink image with a vertical bar. */
function bar(): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(100 * 100);
  for (let y = 10; y < 90; y++) for (let x = 45; x < 53; x++) data[y * 100 + x] = 255;
  return { width: 100, height: 100, data };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('digit pad state', () => {
  it('preprocesses the ink, asks the engine once, and shows the answer', async () => {
    const api = fakeApi({ 'model:predict': prediction(1) });
    const pad = new DigitPadState(api);
    pad.startStroke({ x: 0.5, y: 0.1 });
    pad.setInk(bar());
    expect(pad.input).toHaveLength(784);
    pad.setInk(bar());
    pad.setInk(bar());
    await flush();
    const predicts = api.calls.filter((c) => c.name === 'model:predict');
    expect(predicts).toHaveLength(2); // the first, then only the newest of the two that waited
    expect((predicts[0].args as { saliency: boolean }).saliency).toBe(true);
    expect(pad.answer).toBe(1);
    expect(pad.latency).not.toBeNull();
  });

  it('clears and undoes strokes; an answer that comes back after a clear is not shown', async () => {
    const api = fakeApi({ 'model:predict': prediction(7) });
    const pad = new DigitPadState(api);
    pad.startStroke({ x: 0.1, y: 0.1 });
    pad.extendStroke([{ x: 0.2, y: 0.2 }]);
    pad.startStroke({ x: 0.5, y: 0.5 });
    expect(pad.strokes).toHaveLength(2);
    pad.undo();
    expect(pad.strokes).toHaveLength(1);
    expect(pad.strokes[0]).toHaveLength(2);
    pad.setInk(bar());
    pad.clear();
    await flush();
    expect(pad.prediction).toBeNull();
    expect(pad.input).toBeNull();
    expect(pad.strokes).toEqual([]);
  });

  it('shows a random test digit with its label, then steps through the misclassified ones in order', async () => {
    const sample: Sample = { index: 12, pixels: new Uint8Array(784).fill(9), label: 4, prediction: 9, wrong: { position: 0, count: 3 } };
    const api = fakeApi({ 'dataset:sample': sample, 'model:predict': prediction(9) });
    const pad = new DigitPadState(api);
    await pad.randomDigit();
    await pad.nextWrong();
    await pad.nextWrong();
    const asked = api.calls.filter((c) => c.name === 'dataset:sample').map((c) => c.args);
    expect(asked).toEqual([{ which: 'random' }, { which: 'misclassified', after: 12 }, { which: 'misclassified', after: 12 }]);
    await flush();
    expect(pad.sample!.label).toBe(4);
    expect(pad.input).toBe(sample.pixels);
    expect(pad.answer).toBe(9);
    pad.startStroke({ x: 0.5, y: 0.5 }); // drawing replaces the test digit
    expect(pad.sample).toBeNull();
  });

  it('shows the engine\'s message when there is no model', async () => {
    const api = fakeApi({ 'model:predict': new Error('there is no model yet: train one or open a file') });
    const pad = new DigitPadState(api);
    pad.setInk(bar());
    await flush();
    expect(pad.error).toBe('there is no model yet: train one or open a file');
  });

  it('asks again when the weights change during training, while the pad is on screen', async () => {
    const api = fakeApi({ 'model:predict': prediction(1) });
    const pad = new DigitPadState(api);
    pad.setInk(bar());
    await flush();
    const snapshot = { epoch: 1, step: 10, layers: [] };
    api.emit({ type: 'weights', runId: 1, snapshot, epochEnd: false });
    await flush();
    expect(api.calls.filter((c) => c.name === 'model:predict')).toHaveLength(1);
    pad.active = true;
    api.emit({ type: 'weights', runId: 1, snapshot, epochEnd: false });
    await flush();
    expect(api.calls.filter((c) => c.name === 'model:predict')).toHaveLength(2);
  });
});
