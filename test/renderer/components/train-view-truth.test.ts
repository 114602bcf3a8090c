/**
 * The Train view shows only what is true: a refused value never reaches the charts or the
 * parameter count.
 */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { DatasetInfo } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import TrainView from '../../../src-renderer/views/TrainView.svelte';
import { axisNumber } from '../../../src-renderer/lib/format';
import { recipeText, runPlan } from '../../../src-renderer/lib/run-plan';
import { fakeApi } from '../fake-api';
import { trainViewState } from '../train-view-state';

export const mnist: DatasetInfo = {
  name: 'MNIST', train: 60000, test: 10000, rows: 28, cols: 28, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  meanImages: new Uint8Array(7840), baselineAccuracy: 0.8203,
};

async function view(answers: Parameters<typeof fakeApi>[0] = {}) {
  const api = fakeApi({ 'dataset:info': mnist, 'engine:kernels': { name: 'wasm-simd', threads: 1, maxThreads: 1 }, ...answers });
  const { session, dataset, form, engine } = await trainViewState(api);
  render(TrainView, { props: { session, form, dataset, engine, mode: 'browser', dark: false, mac: false, onStart: () => form.submit() } });
  return { api, session, form, dataset };
}

const axis = (chart: string) => screen.getByRole('figure', { name: chart }).getAttribute('aria-describedby')!;
const axisText = (chart: string) => document.getElementById(axis(chart))!.textContent;

describe('Train view: refused values stay out of what it shows', () => {
  it('an epoch count the form refuses (1e9) never becomes the accuracy axis', async () => {
    await view();
    expect(axisText('Accuracy')).toBe('epoch axis from 0 to 5');
    await fireEvent.input(screen.getByLabelText('Epochs'), { target: { value: '1000000000' } });
    expect(screen.getByText('epochs must be a whole number from 1 to 1000 (got 1000000000)')).toBeTruthy();
    expect(axisText('Accuracy')).toBe('epoch axis');
    await fireEvent.input(screen.getByLabelText('Epochs'), { target: { value: '12' } });
    expect(axisText('Accuracy')).toBe('epoch axis from 0 to 12');
  });

  it('large axis numbers read as 1.5k, 2.5M, 1e+9, never 1000000k', () => {
    expect(axisNumber(0.0123)).toBe('0.0123');
    expect(axisNumber(940)).toBe('940');
    expect(axisNumber(1500)).toBe('1.5k');
    expect(axisNumber(2.5e6)).toBe('2.5M');
    expect(axisNumber(1e9)).toBe('1e+9');
  });

  it('refused classes give no output size and no parameter count', async () => {
    await view();
    await fireEvent.input(screen.getByLabelText('Classes'), { target: { value: '3' } });
    expect(screen.getByText('pick at least two classes to tell apart')).toBeTruthy();
    expect(screen.getByText('out').previousElementSibling?.textContent).toBe('–');
    expect(screen.getByText('parameters').querySelector('b')?.textContent).toBe('–');
    await fireEvent.input(screen.getByLabelText('Classes'), { target: { value: '3, 7' } });
    expect(screen.getByText('out').previousElementSibling?.textContent).toBe('2');
  });

  it('the dataset kinds follow the ARIA radio pattern: arrows pick, one tab stop', async () => {
    const { dataset } = await view();
    const radio = (name: string) => screen.getByRole('radio', { name }) as HTMLButtonElement;
    expect([radio('MNIST (bundled)').tabIndex, radio('IDX folder').tabIndex]).toEqual([0, -1]);
    await fireEvent.keyDown(radio('MNIST (bundled)'), { key: 'ArrowRight' });
    expect(dataset.kind).toBe('idx');
    expect(document.activeElement).toBe(radio('IDX folder'));
    await fireEvent.keyDown(radio('IDX folder'), { key: 'ArrowLeft' });
    await fireEvent.keyDown(radio('MNIST (bundled)'), { key: 'ArrowLeft' });
    expect(radio('CSV file').getAttribute('aria-checked')).toBe('true');
  });

  it('the baseline shown is of the data the charts are about: none while no dataset of the picked kind is open', async () => {
    const { dataset } = await view();
    expect(screen.getByText(/baseline 82\.0%/)).toBeTruthy();
    dataset.pick('csv');
    await tick();
    expect(screen.queryByText(/baseline 82\.0%/)).toBeNull();
  });

  it("a run on part of the dataset says its baseline is of that part, beside the dataset box's own", async () => {
    const info = { architecture: mlpArchitecture([784, 128, 10], 'relu', 'cross_entropy', mnist.classes, [28, 28]), parameters: 101770, baselineAccuracy: 0.808 };
    const { session } = await view({ 'training:start': { runId: 1, info } });
    await session.start({ ...DEFAULT_CONFIG, limit: 5000 });
    await tick();
    expect(screen.getByTestId('best-accuracy').parentElement!.textContent).toContain('baseline 80.8% from its first 5,000 images');
    expect(screen.getByText(/Mean-image baseline, all 10 classes/).textContent).toContain('82.0%');
  });

  it("a run's own baseline wins: a two-class run is judged against the two-class figure", async () => {
    const { session } = await view();
    session.info = {
      architecture: mlpArchitecture([784, 16, 2], 'relu', 'cross_entropy', ['3', '7'], [28, 28]),
      config: { ...DEFAULT_CONFIG, classes: [3, 7] }, history: [], epoch: 0, step: 0, datasetName: 'MNIST', parameters: 12_594, baselineAccuracy: 0.9713, stepsPerEpoch: 0, trainedSeconds: null,
    };
    await tick();
    expect(screen.getByText(/baseline 97\.1%/)).toBeTruthy();
    expect(screen.queryByText(/baseline 82\.0%/)).toBeNull();
    // a file from before baselines were recorded, trained on the first 3,000 digits: the whole set's figure is not its own
    session.info = { ...session.info, config: { ...DEFAULT_CONFIG, limit: 3000 }, baselineAccuracy: null };
    session.config = session.info.config;
    await tick();
    expect(screen.queryByText(/baseline \d/)).toBeNull();
  });

  it('a refused layer size has no parameter count', async () => {
    await view();
    expect(screen.getByText('101,770')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Hidden layer 1 size'), { target: { value: '5000' } });
    expect(screen.queryByText('3,979,010')).toBeNull();
    expect(screen.getByText('parameters').querySelector('b')?.textContent).toBe('–');
  });
});

describe('what Start will do', () => {
  it('names the data it trains on, with the share held out for validation', () => {
    const config = { ...DEFAULT_CONFIG, limit: 5000, validation: 0.2 };
    expect(recipeText(config, [784, 128, 10], 'MNIST (bundled)')).toMatch(/, on MNIST \(bundled\), its first 5,000 training images, 20% of them held out for validation$/);
  });
});

describe('what the going run is', () => {
  const facts = { problems: [], config: {}, sizes: [], datasetLabel: '', loadedFrom: null };
  it('says where it came from, and claims nothing it does not know', () => {
    expect(runPlan({ ...facts, running: { origin: { kind: 'new' }, epochs: 5 } }).text).toBe('A new run; it saves itself as a new model at every epoch end.');
    expect(runPlan({ ...facts, running: { origin: { kind: 'recovered' }, epochs: 5 } }).text).toBe(
      'Resumed from its last saved epoch after the engine stopped; it keeps saving into the same model.',
    );
    expect(runPlan({ ...facts, running: { origin: { kind: 'continue', name: 'net', to: 6 }, epochs: 20 } }).text).toBe(
      'Continuing “net” to epoch 6 (its learning-rate schedule keeps its plan of 20 epochs); every epoch is saved into it.',
    );
    expect(runPlan({ ...facts, running: { origin: null, epochs: 5 } }).text).toBe('A run is going; it saves itself into the models folder at every epoch end.');
  });
});
