/**
 * The digit pad says what a model's outputs are (issue 14 #4): an MSE model's outputs are scores,
 * not probabilities ("22.7% sure" was softmax over them); a 3-vs-7 model answers 3 or 7 for
 * anything, and says so.
 */
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { mlpArchitecture, type LossName } from '../../../src-engine/architecture';
import type { ModelInfo, Prediction } from '../../../src-engine/protocol';
import DigitPadView from '../../../src-renderer/views/DigitPadView.svelte';
import { DigitPadState } from '../../../src-renderer/state/digit-pad.svelte';
import { WeightsState } from '../../../src-renderer/state/weights.svelte';
import { fakeApi } from '../fake-api';

const digits = [...'0123456789'];

function model(loss: LossName, classes: string[]): ModelInfo {
  const out = loss === 'bce' ? 1 : classes.length;
  return { architecture: mlpArchitecture([784, 300, out], 'tanh', loss, classes, [28, 28]), config: null, history: [], epoch: 20, step: 0, datasetName: 'MNIST', baselineAccuracy: null, stepsPerEpoch: 0, trainedSeconds: null, parameters: 0 };
}

function ink(): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(100 * 100);
  for (let y = 10; y < 90; y++) for (let x = 45; x < 53; x++) data[y * 100 + x] = 255;
  return { width: 100, height: 100, data };
}

async function draw(info: ModelInfo, prediction: Prediction) {
  const api = fakeApi({ 'model:predict': prediction, 'dataset:info': new Error('not needed') });
  const pad = new DigitPadState(api);
  const weights = new WeightsState(api);
  await weights.useModel(info);
  render(DigitPadView, { props: { pad, weights, mac: false, onOpenUnit: () => undefined } });
  pad.setInk(ink());
  await screen.findByText(/answered in/);
  return screen.getByTestId('answer').parentElement!.textContent!.replace(/\s+/g, ' ');
}

describe('Digit pad: what the outputs are', () => {
  it('an MSE model shows scores, not softmax "probabilities" of its outputs', async () => {
    const outputs = Float64Array.from([0.02, -0.05, 0.1, 0.0, 0.03, -0.1, 0.04, 0.93, 0.12, 0.01]);
    const softmax = outputs.map(Math.exp);
    const sum = softmax.reduce((a, b) => a + b);
    const prediction: Prediction = { classes: digits, probabilities: softmax.map((v) => v / sum), logits: outputs, saliency: null, topHidden: [] };
    const answer = await draw(model('mse', digits), prediction);
    expect(answer).toMatch(/^7 score 0\.93 · answered in/);
    expect(answer).not.toMatch(/sure/);
    expect(screen.getByTestId('output-note').textContent).toContain('scores, not probabilities');
    expect(screen.getByTestId('pad-model').textContent!.replace(/\s+/g, ' ').trim()).toBe('of the current run (not saved yet) · 784-300-10 tanh');
    const bars = screen.getByRole('list', { name: 'Score of each class' });
    expect(bars.textContent).toContain('0.93');
    expect(bars.textContent).not.toContain('%');
  });

  it('a 3-vs-7 model says it knows only 3 and 7, and what its probability is of', async () => {
    const prediction: Prediction = { classes: ['3', '7'], probabilities: Float64Array.of(0.977, 0.023), logits: Float64Array.of(-3.75), saliency: null, topHidden: [] };
    const answer = await draw(model('bce', ['3', '7']), prediction);
    expect(answer).toMatch(/^3 sigmoid 97\.7% that it is 3 rather than 7 · answered in/);
    expect(screen.getByTestId('output-note').textContent).toBe('It knows only 3 and 7: whatever is drawn, it answers one of them.');
  });

  it('a ten-digit cross-entropy model reads as plain probabilities, with no note', async () => {
    const probabilities = new Float64Array(10).fill(0.02);
    probabilities[4] = 0.82;
    const answer = await draw(model('cross_entropy', digits), { classes: digits, probabilities, logits: new Float64Array(10), saliency: null, topHidden: [] });
    expect(answer).toMatch(/^4 softmax 82\.0% · answered in/);
    expect(screen.queryByTestId('output-note')).toBeNull();
  });
});
