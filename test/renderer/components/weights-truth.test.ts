/**
 * The Weights view says whose weights it shows (issue 14 #16), and quotes the mean-image baseline
 * only for the task the model does: the 10-class figure is not a 3-vs-7 model's baseline.
 */
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { DatasetInfo, ModelInfo, WeightsSnapshot } from '../../../src-engine/protocol';
import WeightsView from '../../../src-renderer/views/WeightsView.svelte';
import { WeightsState } from '../../../src-renderer/state/weights.svelte';
import { fakeApi } from '../fake-api';

const mnist: DatasetInfo = { name: 'MNIST', train: 60000, test: 10000, rows: 28, cols: 28, classes: [...'0123456789'], meanImages: new Uint8Array(7840), baselineAccuracy: 0.8203 };

function snapshot(out: number): WeightsSnapshot {
  return {
    epoch: 1,
    step: 90,
    layers: [
      { name: '0', in: 784, out: 4, weight: new Float32Array(784 * 4), bias: new Float32Array(4) },
      { name: '2', in: 4, out, weight: new Float32Array(4 * out), bias: new Float32Array(out) },
    ],
  };
}

function view(classes: string[], loss: 'cross_entropy' | 'bce', training: boolean) {
  const api = fakeApi({ 'model:weights': new Error('no model') });
  const weights = new WeightsState(api);
  const out = loss === 'bce' ? 1 : classes.length;
  weights.model = { architecture: mlpArchitecture([784, 4, out], 'relu', loss, classes, [28, 28]) } as ModelInfo;
  weights.dataset = mnist;
  api.emit({ type: 'weights', runId: 1, snapshot: snapshot(out), epochEnd: false });
  render(WeightsView, { props: { weights, dark: false, training } });
  return { api, weights };
}

const heading = () => screen.getByTestId('weights-model').textContent!.replace(/\s+/g, ' ').trim();

describe('Weights view: whose weights, which baseline', () => {
  it('names the run until it is saved, then the model file it saves into', async () => {
    const { api } = view([...'0123456789'], 'cross_entropy', true);
    expect(heading()).toBe('Weights of the run in progress (not saved yet) 784-4-10 relu');
    api.emit({ type: 'models:saved', runId: 1, name: 'mnist-784-4-10-2026-12-01-1950', reason: 'epoch', epoch: 1, step: 10 });
    await screen.findByText('mnist-784-4-10-2026-12-01-1950');
    expect(heading()).toBe('Weights of mnist-784-4-10-2026-12-01-1950 784-4-10 relu');
    expect(screen.getByText(/82\.0% on the test set/)).toBeTruthy();
  });

  it('a 3-vs-7 model: the ten-class baseline figure is not quoted', () => {
    view(['3', '7'], 'bce', false);
    expect(heading()).toBe('Weights of the last run (not saved yet) 784-4-1 relu');
    expect(screen.queryByText(/82\.0%/)).toBeNull();
  });
});
