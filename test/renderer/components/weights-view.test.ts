import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { DatasetInfo, ModelInfo, WeightsSnapshot } from '../../../src-engine/protocol';
import { tick } from 'svelte';
import { mlpArchitecture } from '../../../src-engine/architecture';
import WeightsView from '../../../src-renderer/views/WeightsView.svelte';
import { WeightsState } from '../../../src-renderer/state/weights.svelte';
import { fakeApi } from '../fake-api';

const classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** A 784-3-10 snapshot: unit u's weights are u/10; it votes +1 for class u and -0.5 for class 9. */
function snapshot(epoch: number, step: number): WeightsSnapshot {
  const w0 = new Float32Array(784 * 3);
  for (let i = 0; i < 784; i++) for (let u = 0; u < 3; u++) w0[i * 3 + u] = ((i % 2 ? 1 : -1) * (u + 1)) / 10;
  const w1 = new Float32Array(3 * 10);
  for (let u = 0; u < 3; u++) {
    w1[u * 10 + u] = 1;
    w1[u * 10 + 9] = -0.5;
  }
  return {
    epoch,
    step,
    layers: [
      { name: '0', in: 784, out: 3, weight: w0, bias: Float32Array.of(0.25, 0, 0) },
      { name: '2', in: 3, out: 10, weight: w1, bias: new Float32Array(10) },
    ],
  };
}

const mnist: DatasetInfo = { name: 'MNIST', train: 60000, test: 10000, rows: 28, cols: 28, classes, meanImages: new Uint8Array(7840), baselineAccuracy: 0.8203 };

function view(live = true) {
  const api = fakeApi({ 'model:weights': new Error('there is no model yet: train one or open a file') });
  const weights = new WeightsState(api);
  if (live) {
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(0, 0), epochEnd: false });
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(1, 94), epochEnd: true });
    api.emit({ type: 'weights', runId: 1, snapshot: snapshot(1, 120), epochEnd: false });
    weights.dataset = mnist;
  }
  render(WeightsView, { props: { weights, dark: true, training: true } });
  return { api, weights };
}

describe('Weights view', () => {
  it('says what to do when there is no model yet', async () => {
    view(false);
    expect(await screen.findByText(/No model yet/)).toBeTruthy();
  });

  it('shows the live weights, the grid, the mean images of the baseline, and the output layer', () => {
    view();
    expect(screen.getByTestId('weights-status').textContent).toBe('epoch 1 · step 120');
    expect(screen.getByText('● live')).toBeTruthy();
    expect(screen.getByLabelText(/First-layer weights: 3 tiles of 28x28/)).toBeTruthy();
    expect(screen.getByText('Layer 0 (hidden layer 1): what each of its 3 units looks for')).toBeTruthy();
    expect(screen.getByText(/82\.0% on the test set/)).toBeTruthy();
    expect(screen.getAllByLabelText(/^average \d$/)).toHaveLength(10);
    expect(screen.getByText('Layer 2 (output layer)')).toBeTruthy();
    expect(screen.getByText('Layer 0 (hidden layer 1): 784 → 3, the tiles')).toBeTruthy();
  });

  it('with the steps per epoch known, says where the weights are as the dashboard does', async () => {
    const { weights } = view();
    weights.model = {
      architecture: mlpArchitecture([784, 3, 10], 'relu', 'cross_entropy', [...'0123456789'], [28, 28]),
      config: null, history: [], epoch: 1, step: 120, datasetName: 'MNIST', parameters: 2_395, baselineAccuracy: null, stepsPerEpoch: 94, trainedSeconds: null,
    } satisfies ModelInfo;
    await tick();
    expect(screen.getByTestId('weights-status').textContent).toBe('epoch 2, step 26');
    await fireEvent.input(screen.getByLabelText("Snapshot: the start, each epoch's end, then the latest"), { target: { value: '1' } });
    expect(screen.getByTestId('weights-status').textContent).toBe('after epoch 1');
  });

  it('a model opened from a file, with no snapshots to replay, says so rather than showing a slider resting at "start"', async () => {
    const api = fakeApi({ 'model:weights': snapshot(2, 188) });
    const weights = new WeightsState(api);
    render(WeightsView, { props: { weights, dark: false, training: false } });
    await weights.refresh();
    await tick();
    expect(screen.queryByLabelText("Snapshot: the start, each epoch's end, then the latest")).toBeNull();
    expect(screen.getByTestId('no-snapshots').textContent).toBe('No snapshots to replay: they are taken while a run trains here, and a file keeps only its weights as saved.');
  });

  it('scrubs back to the start of training and to the end of epoch 1', async () => {
    view();
    const slider = screen.getByLabelText("Snapshot: the start, each epoch's end, then the latest");
    await fireEvent.input(slider, { target: { value: '0' } });
    expect(screen.getByTestId('scrub-label').textContent).toBe('start');
    expect(screen.getByTestId('weights-status').textContent).toBe('epoch 0 · step 0');
    await fireEvent.input(slider, { target: { value: '1' } });
    expect(screen.getByTestId('weights-status').textContent).toBe('epoch 1 · step 94');
    await fireEvent.input(slider, { target: { value: '2' } });
    expect(screen.getByTestId('scrub-label').textContent).toBe('live');
  });

  it('opens a unit with its weight range, bias, and how it votes; switches the colour scale', async () => {
    const { weights } = view();
    weights.select(2);
    await screen.findByRole('region', { name: 'Unit 2' });
    expect(screen.getByText('-0.300 … 0.300')).toBeTruthy();
    expect(screen.getByText('How it votes for each class')).toBeTruthy();
    expect(screen.getByText('2', { selector: 'strong' })).toBeTruthy(); // argues most for class 2
    await fireEvent.click(screen.getByRole('button', { name: 'Next unit' }));
    expect(weights.selected).toBe(2);
    await fireEvent.click(screen.getByRole('button', { name: 'Previous unit' }));
    expect(await screen.findByRole('region', { name: 'Unit 1' })).toBeTruthy();
    expect(screen.getByText(/≤ −/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Per tile' }));
    expect(screen.getByText('+max of each tile')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Close unit' }));
    expect(weights.selected).toBeNull();
  });
});
