import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { DatasetInfo, HealthSample, LayerHealth, LrFinderResult, ModelInfo } from '../../../src-engine/protocol';
import HealthPanel from '../../../src-renderer/components/HealthPanel.svelte';
import ModelListItem from '../../../src-renderer/components/ModelListItem.svelte';
import { LrFinderState } from '../../../src-renderer/state/lr-finder.svelte';
import TrainView from '../../../src-renderer/views/TrainView.svelte';
import { fakeApi } from '../fake-api';
import { summary } from '../models-fixtures';
import { trainViewState } from '../train-view-state';

function layer(over: Partial<LayerHealth>): LayerHealth {
  return { name: '0', activation: 'relu', units: 4, act_mean: 0.31, act_std: 0.52, dead_fraction: 0.5, saturated_fraction: null, grad_norm: 0.25, update_ratio: 1.2e-3, unitFlags: Uint8Array.of(1, 1, 0, 0), ...over };
}
const sample = (step: number, dead = 0.5): HealthSample => ({
  step,
  layers: [layer({ dead_fraction: dead }), layer({ name: '2', activation: 'none', units: 10, dead_fraction: null, act_mean: -0.1, act_std: 2.5, grad_norm: 0.1, update_ratio: 4e-4, unitFlags: new Uint8Array(10) })],
});

const mnist: DatasetInfo = {
  name: 'MNIST', train: 60000, test: 10000, rows: 28, cols: 28, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  meanImages: new Uint8Array(7840), baselineAccuracy: 0.8203,
};

describe('Health panel', () => {
  it('a model opened from a file says its file keeps no health measurements, rather than that they will appear', () => {
    render(HealthPanel, { props: { samples: [], revision: 0, dark: false, opened: true } });
    expect(screen.getByText(/^A model file keeps no health measurements: they are taken while a run trains here/)).toBeTruthy();
  });

  it('says what it will show before a run, then one row of charts per layer with the latest figures', async () => {
    const samples: HealthSample[] = [];
    const { rerender } = render(HealthPanel, { props: { samples, revision: 0, dark: false } });
    expect(screen.getByText(/Health appears here once a run trains/)).toBeTruthy();
    samples.push(sample(1, 0.25), sample(48, 0.5));
    await rerender({ samples, revision: 1, dark: false });
    const first = document.querySelector('[data-layer="0"]') as HTMLElement;
    expect(within(first).getByText('4 units · relu')).toBeTruthy();
    expect(within(first).getByRole('figure', { name: 'Activations 0.31 ± 0.52' })).toBeTruthy();
    expect(within(first).getByRole('figure', { name: 'Dead units: 50%' })).toBeTruthy();
    expect(within(first).getByRole('figure', { name: 'Gradient norm 2.5e-1' })).toBeTruthy();
    expect(within(first).getByRole('figure', { name: 'Update ratio 1.2e-3' })).toBeTruthy();
    const output = document.querySelector('[data-layer="2"]') as HTMLElement;
    expect(within(output).getByText('10 units · output (logits)')).toBeTruthy();
    expect(within(output).getByText('The output layer has no activation: no unit can die or saturate.')).toBeTruthy();
    expect(screen.getByText(/around 1e-3 is healthy/)).toBeTruthy();
    expect(screen.queryByTestId('rate-lowered')).toBeNull();
  });

  it('says when a schedule has lowered the rate, so a small update ratio is not read as trouble', async () => {
    const samples = [sample(1), sample(48)];
    const lr = [{ x: 1, y: 0.1 }, { x: 24, y: 0.05 }, { x: 48, y: 0.002 }];
    render(HealthPanel, { props: { samples, lr, revision: 1, dark: false } });
    expect(screen.getByTestId('rate-lowered').textContent).toContain('lowered the learning rate to 2% of its base rate');
    cleanup();
    render(HealthPanel, { props: { samples, lr: [...lr, { x: 60, y: 1e-5 }], revision: 2, dark: false } }); // a cosine run's end
    expect(screen.getByTestId('rate-lowered').textContent).toContain('lowered the learning rate to almost 0,');
    cleanup();
    // a continued cosine run starts already lowered: judged against the run's base rate, not the highest seen
    render(HealthPanel, { props: { samples, lr: [{ x: 1, y: 0.02 }, { x: 9, y: 0.01 }], baseLr: 0.1, revision: 3, dark: false } });
    expect(screen.getByTestId('rate-lowered').textContent).toContain('lowered the learning rate to 10% of its base rate');
  });
});

describe('Train view: outcome, coach, health tab and the finder', () => {
  async function view() {
    const finderResult: LrFinderResult = { points: [{ lr: 1e-6, loss: 2.3, smooth: 2.3 }, { lr: 0.84, loss: 1.2, smooth: 1.4 }], suggested_lr: 0.42, reason: 'the loss was lowest (1.400) at a rate of 0.84; half of that is fast and stable' };
    const api = fakeApi({
      'dataset:info': mnist,
      'training:start': { runId: 1, info: { parameters: 101770, architecture: mlpArchitecture([784, 128, 10], 'relu', 'cross_entropy', mnist.classes) } as ModelInfo },
      'engine:kernels': { name: 'wasm-relaxed-simd-2t', threads: 2, maxThreads: 2 },
      'training:lr-find': finderResult,
    });
    const { session, dataset, form, engine } = await trainViewState(api);
    const finder = new LrFinderState(api);
    const start = () => {
      const config = form.submit();
      if (config) void session.start(config);
    };
    render(TrainView, { props: { session, form, dataset, engine, mode: 'browser', dark: false, mac: false, onStart: start, finder } });
    return { api, session, form };
  }

  it('a run at chance level ends "Not learning", not green, with the coach naming the dead units', async () => {
    const { api, form } = await view();
    form.lr = 10;
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await tick();
    api.emit({ type: 'batch', runId: 1, epoch: 1, firstStep: 0, losses: Float64Array.from({ length: 120 }, () => 2.3026), accuracy: 0.1, lr: 10, stepInEpoch: 120, stepsPerEpoch: 938, samplesPerSecond: 1, eta: 1, seconds: 1 });
    api.emit({ type: 'health', runId: 1, samples: [sample(120, 0.96)] });
    const epoch = { epoch: 1, train_loss: 2.30, train_accuracy: 0.11, test_loss: 2.30, test_accuracy: 0.1135, lr: 10, seconds: 1, samples_per_second: 1 };
    api.emit({ type: 'epoch', runId: 1, metrics: epoch });
    api.emit({ type: 'state', runId: 1, state: 'done' });
    api.emit({ type: 'done', runId: 1, state: 'done', history: [epoch], seconds: 1, outcome: { kind: 'not_learning', message: 'test accuracy 11.35% is at chance level (10.00% for 10 classes): the network did not learn' } });
    await tick();
    expect(screen.getByTestId('run-state').textContent).toBe('Not learning');
    expect(screen.getByTestId('best-accuracy').closest('.stat')!.classList.contains('failed')).toBe(true);
    expect(screen.getByText('Not learning: test accuracy 11.35% is at chance level (10.00% for 10 classes): the network did not learn.')).toBeTruthy();
    const coach = screen.getByRole('region', { name: 'Coach' });
    expect(within(coach).getByText('The loss has not moved: most units are dead')).toBeTruthy();
    expect(within(coach).getByText(/96% of the ReLU units of layer 0 \(hidden layer 1\) never output anything above 0/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('tab', { name: 'Health' }));
    expect(screen.getByRole('figure', { name: 'Dead units: 96%' })).toBeTruthy();
  });

  it('a continued run\'s loss chart says its first steps were trained before it, not lost', async () => {
    const { api } = await view();
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await tick();
    api.emit({ type: 'batch', runId: 1, epoch: 1, firstStep: 688, losses: Float64Array.from({ length: 20 }, () => 0.4), accuracy: 0.9, lr: 0.05, stepInEpoch: 708, stepsPerEpoch: 938, samplesPerSecond: 1, eta: 1, seconds: 1 });
    await waitFor(() => expect(screen.getByRole('figure', { name: /Batch loss/ }).textContent).toContain('the first 688 steps were trained before this run: the file keeps their epochs\' test loss, not their batches'), { timeout: 3000 });
    // and the other two charts, whose lines also begin part-way
    expect(screen.getByRole('figure', { name: /Accuracy/ }).textContent).toContain('batch: from epoch 0.7, where this run began');
    expect(screen.getByRole('figure', { name: /Learning rate/ }).textContent).toContain('before step 688, the file keeps only each epoch end\'s rate');
  });

  it('"Find" beside the learning rate runs the range test on the form\'s settings; one click puts the suggestion in the field', async () => {
    const { api, form } = await view();
    await fireEvent.click(screen.getByRole('button', { name: 'Find' }));
    await tick();
    const call = api.calls.find((c) => c.name === 'training:lr-find');
    expect((call?.args as { config: { lr: number; hidden: number[] } }).config).toMatchObject({ lr: 0.05, hidden: [128] });
    expect(screen.getByTestId('suggested-lr').textContent).toBe('0.42');
    expect(screen.getByRole('figure', { name: 'Loss by learning rate' })).toBeTruthy();
    expect(api.calls.filter((c) => c.name === 'training:start')).toEqual([]); // no run, no model touched
    await fireEvent.click(screen.getByRole('button', { name: 'Use 0.42' }));
    expect(form.lr).toBe(0.42);
    expect((screen.getByLabelText('Learning rate') as HTMLInputElement).value).toBe('0.42');
    // the rate is no part of what the curve was measured for; the network is
    expect(screen.queryByTestId('finder-stale')).toBeNull();
    form.lr = 0.05;
    form.hidden = [128, 128];
    await tick();
    expect(screen.getByTestId('finder-stale').textContent).toBe('This curve is of earlier settings (hidden layers 128, relu, SGD, batch 64), not of the ones in the form now: run it again for them.');
    expect((screen.getByRole('button', { name: 'Use 0.42' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('Models list', () => {
  it('a run that did not learn is never drawn as a success', () => {
    render(ModelListItem, { props: { model: summary({ bestTestAccuracy: 0.1135, accuracy: [0.1135], outcome: { kind: 'not_learning', message: 'test accuracy 11.35% is at chance level' } }), selected: false, onSelect: () => {} } });
    const badge = screen.getByText('not learning');
    expect(badge.getAttribute('title')).toBe('test accuracy 11.35% is at chance level');
    expect(screen.getByText('11.35%').classList.contains('failed')).toBe(true);
    expect(screen.getByRole('img', { name: 'test accuracy by epoch (the run did not learn)' })).toBeTruthy();
  });

  it('a good run stays green, with no badge', () => {
    render(ModelListItem, { props: { model: summary({ outcome: { kind: 'done', message: 'finished' } }), selected: false, onSelect: () => {} } });
    expect(screen.queryByText('not learning')).toBeNull();
    expect(screen.getByText('97.41%').classList.contains('failed')).toBe(false);
  });
});
