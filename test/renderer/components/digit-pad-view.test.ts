import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Prediction, Sample } from '../../../src-engine/protocol';
import DigitPadView from '../../../src-renderer/views/DigitPadView.svelte';
import { DigitPadState } from '../../../src-renderer/state/digit-pad.svelte';
import { WeightsState } from '../../../src-renderer/state/weights.svelte';
import { fakeApi } from '../fake-api';

const classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function prediction(top: number): Prediction {
  const probabilities = new Float64Array(10).fill(0.02);
  probabilities[top] = 0.82;
  const saliency = new Float64Array(784).map((_, i) => (i % 3) - 1);
  return { classes, probabilities, logits: new Float64Array(10), saliency, topHidden: [{ unit: 3, activation: 2.5 }, { unit: 0, activation: 1.25 }] };
}

function bar(): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(100 * 100);
  for (let y = 10; y < 90; y++) for (let x = 45; x < 53; x++) data[y * 100 + x] = 255;
  return { width: 100, height: 100, data };
}

function view(answers: Parameters<typeof fakeApi>[0]) {
  const api = fakeApi(answers);
  const pad = new DigitPadState(api);
  const weights = new WeightsState(api);
  const opened: [number, number[]][] = [];
  render(DigitPadView, { props: { pad, weights, mac: false, onOpenUnit: (u: number, m: number[]) => opened.push([u, m]) } });
  return { api, pad, opened };
}

describe('Digit pad view', () => {
  it('shows the answer large, every class probability, and the units that fired, linked to the weights', async () => {
    const { pad, opened } = view({ 'model:predict': prediction(1) });
    pad.startStroke({ x: 0.5, y: 0.1 });
    pad.setInk(bar());
    expect((await screen.findByTestId('answer')).textContent).toBe('1');
    expect(screen.getByText(/softmax 82\.0% · answered in/)).toBeTruthy();
    const bars = screen.getByRole('list', { name: 'Probability of each class' });
    expect(bars.querySelectorAll('li')).toHaveLength(10);
    expect(bars.textContent).toContain('82.0%');
    await fireEvent.click(screen.getByRole('button', { name: /#3/ }));
    expect(opened).toEqual([[3, [3, 0]]]);
    expect(screen.queryByTestId('small-drawing')).toBeNull(); // a stroke over 80% of the pad
  });

  it('says a dot is scaled up like a digit and still gets an answer, not that the network is sure of it', async () => {
    const { pad } = view({ 'model:predict': prediction(8) });
    const dot = { width: 100, height: 100, data: new Uint8Array(100 * 100) };
    for (let y = 48; y < 53; y++) for (let x = 48; x < 53; x++) dot.data[y * 100 + x] = 255;
    pad.startStroke({ x: 0.5, y: 0.5 });
    pad.setInk(dot);
    expect((await screen.findByTestId('answer')).textContent).toBe('8');
    expect(screen.getByTestId('small-drawing').textContent).toMatch(/This drawing spans 5% of the pad\. Like every digit it is scaled up to 20 pixels/);
  });

  it('turns on the saliency overlay with its legend', async () => {
    const { pad } = view({ 'model:predict': prediction(4) });
    pad.setInk(bar());
    await screen.findByText(/softmax 82\.0%/);
    await fireEvent.click(screen.getByLabelText('Show why (saliency)'));
    expect(screen.getByText(/∂ logit of “4” \/ ∂ pixel/)).toBeTruthy();
  });

  it('loads a test digit with its true label and the model\'s answer', async () => {
    const sample: Sample = { index: 321, pixels: new Uint8Array(784), label: 7, prediction: 2, wrong: { position: 4, count: 57 } };
    view({ 'dataset:sample': sample, 'model:predict': prediction(2) });
    await fireEvent.click(screen.getByRole('button', { name: 'Next one it gets wrong ›' }));
    const info = await screen.findByTestId('sample-info');
    expect(info.textContent!.replace(/\s+/g, ' ')).toContain('Test digit #321 · true label 7 · the model says 2 · wrong 5 of 57');
  });

  it('clears with Esc and undoes with Ctrl+Z', async () => {
    const { pad } = view({ 'model:predict': prediction(1) });
    pad.startStroke({ x: 0.2, y: 0.2 });
    pad.startStroke({ x: 0.4, y: 0.4 });
    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    expect(pad.strokes).toHaveLength(1);
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(pad.strokes).toHaveLength(0);
  });

  it('shows why there is no answer when there is no model', async () => {
    const { pad } = view({ 'model:predict': new Error('there is no model yet: train one or open a file') });
    pad.setInk(bar());
    expect((await screen.findByRole('alert')).textContent).toBe('there is no model yet: train one or open a file');
  });
});
