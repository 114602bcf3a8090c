/**
 * The whole app in happy-dom over a scripted API: what Start will train on is said beside it, and
 * Start refuses when the dataset picked could not be opened (issue 14 #1); opening or continuing
 * a model puts its settings in the form and its name on the Weights view (#3, #16); the view tabs
 * follow the ARIA tabs pattern (#16).
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { DatasetInfo, ModelInfo, TrainConfig, WeightsSnapshot } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import type { ApiCallName, ScratchnetApi } from '../../../src-main/host/api-contract';
import type { ModelList } from '../../../src-main/library/models-contract';
import App from '../../../src-renderer/App.svelte';
import { fakeApi, type FakeApi } from '../fake-api';
import { summary } from '../models-fixtures';

const digits = [...'0123456789'];
const mnist: DatasetInfo = { name: 'MNIST', train: 60000, test: 10000, rows: 28, cols: 28, classes: digits, meanImages: new Uint8Array(7840), baselineAccuracy: 0.8203 };
const lecunConfig: TrainConfig = {
  ...DEFAULT_CONFIG, hidden: [300], activation: 'tanh', loss: 'mse', lr: 0.05, momentum: 0.9, schedule: 'step', batch: 32, epochs: 20,
};
const LECUN = 'mnist-784-300-10-2026-11-30-0910';
const lecun: ModelInfo = {
  architecture: mlpArchitecture([784, 300, 10], 'tanh', 'mse', digits, [28, 28]),
  config: lecunConfig,
  history: [],
  epoch: 20,
  step: 37500,
  datasetName: 'MNIST', baselineAccuracy: null, stepsPerEpoch: 1875, trainedSeconds: null,
  parameters: 238_510,
};
const list: ModelList = { dir: '/home/ada/models', models: [summary({ name: LECUN, architecture: '784-300-10 tanh', plannedEpochs: 20, epochs: 20, schedule: 'step', loss: 'mse', recipe: lecunConfig })], problems: [] };
const weights: WeightsSnapshot = {
  epoch: 20,
  step: 37500,
  layers: [
    { name: '0', in: 784, out: 300, weight: new Float32Array(784 * 300), bias: new Float32Array(300) },
    { name: '2', in: 300, out: 10, weight: new Float32Array(3000), bias: new Float32Array(10) },
  ],
};

let api: FakeApi;

async function app(answers: Partial<Record<ApiCallName, unknown>> = {}) {
  api = fakeApi({
    'app:info': { version: '0.1.0', dark: false, platform: 'linux' },
    'engine:kernels': { name: 'wasm-simd', threads: 1, maxThreads: 1 },
    'dataset:info': mnist,
    'dataset:open-path': new Error('/home/ada/nope.csv is not a file on this machine.'),
    'models:list': list,
    'models:open': lecun,
    'models:continue': { runId: 4, info: { ...lecun, config: { ...lecunConfig, epochs: 30 } } },
    'model:weights': weights,
    'training:start': { runId: 1, info: lecun },
    ...answers,
  });
  render(App);
  await screen.findByText('60,000 train · 10,000 test · 28×28 · 10 classes');
}

// NOTE: the app keeps the first API it gets (lib/api.ts): one stable object hands each call to this test's fake.
(window as unknown as { scratchnet: ScratchnetApi }).scratchnet = {
  get mode() {
    return api.mode;
  },
  call: (name, args) => api.call(name, args),
  onEvent: (listener) => api.onEvent(listener),
};

const started = () => api.calls.filter((c) => c.name === 'training:start');
const plan = () => screen.getByTestId('run-plan').textContent;
const value = (label: string) => (screen.getByLabelText(label) as HTMLInputElement | HTMLSelectElement).value;

async function openLecun(): Promise<void> {
  await fireEvent.click(screen.getByRole('tab', { name: 'Models' }));
  await fireEvent.click(await screen.findByRole('button', { name: 'Open' }));
  await screen.findByText(/^Opened "mnist-784-300-10/);
  await fireEvent.click(screen.getByRole('tab', { name: 'Train' }));
}

describe('Start says what it will train on', () => {
  it('names the network, the trainer and the data before anything starts', async () => {
    await app();
    expect(plan()).toBe(
      'Start begins a new run: 784-128-10 relu, cross-entropy, SGD at learning rate 0.05 (cosine), batch 64, 5 epochs, on MNIST (bundled).',
    );
    expect(screen.getByRole('button', { name: 'Start' }).getAttribute('aria-describedby')).toBe('run-plan');
  });

  it('refuses, with the reason, after a CSV path that could not be opened: it never trains MNIST instead', async () => {
    await app();
    await fireEvent.click(screen.getByRole('radio', { name: 'CSV file' }));
    expect(plan()).toBe('Start is refused: no CSV file is open yet: open one, or pick MNIST (bundled).');
    await fireEvent.input(screen.getByLabelText('CSV file path on the host'), { target: { value: '/home/ada/nope.csv' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    await screen.findByText('/home/ada/nope.csv is not a file on this machine.');
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await tick();
    expect(started()).toEqual([]);
    expect(screen.getByText('Not started: the CSV file could not be used: /home/ada/nope.csv is not a file on this machine.')).toBeTruthy();
    expect(screen.getByTestId('run-state').textContent).toContain('Ready');

    // back to MNIST: Start trains MNIST, and says so
    await fireEvent.click(screen.getByRole('radio', { name: 'MNIST (bundled)' }));
    expect(plan()).toMatch(/on MNIST \(bundled\)\.$/);
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await tick();
    await waitFor(() => expect(started()).toHaveLength(1));
    expect(started()[0].args).toMatchObject({ config: { dataset: { kind: 'mnist' } } });
  });
});

describe('the form shows the settings of the model on the dashboard', () => {
  it('opening a model puts its network and trainer in the form; Start says it begins a new run', async () => {
    await app();
    await openLecun();
    expect(value('Hidden layer 1 size')).toBe('300');
    expect(value('Activation')).toBe('tanh');
    expect(value('Loss')).toBe('mse');
    expect(value('LR schedule')).toBe('step');
    expect(value('Batch size')).toBe('32');
    expect(value('Epochs')).toBe('20');
    expect(screen.getByRole('button', { name: 'LeCun 1998' }).getAttribute('aria-pressed')).toBe('true');
    expect(plan()).toBe(
      'Start begins a new run: 784-300-10 tanh, mean squared error, SGD at learning rate 0.05 (step), batch 32, 20 epochs, on MNIST (bundled). ' +
        `These are the settings of “${LECUN}”; that model stays as it is.`,
    );
    // once changed here they are no longer that model's: the sentence says so, and goes back when undone
    await fireEvent.input(screen.getByLabelText('Batch size'), { target: { value: '64' } });
    expect(plan()).toContain(`These started as the settings of “${LECUN}” and have been changed here; that model stays as it is.`);
    await fireEvent.input(screen.getByLabelText('Batch size'), { target: { value: '32' } });
    expect(plan()).toContain(`These are the settings of “${LECUN}”;`);
  });

  it('continuing a model shows its settings and says the run continues it', async () => {
    await app();
    await fireEvent.click(screen.getByRole('tab', { name: 'Models' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Continue training' }));
    await screen.findByTestId('run-plan');
    expect(plan()).toBe(`Continuing “${LECUN}” to epoch 30; every epoch is saved into it.`);
    expect(value('Hidden layer 1 size')).toBe('300');
    expect(value('Epochs')).toBe('30');
  });
});

describe('view tabs and the Weights view', () => {
  it('arrow keys, Home and End move between the views (ARIA tabs), focus follows, one tab stop', async () => {
    await app();
    const tab = (name: string) => screen.getByRole('tab', { name });
    expect(tab('Train').tabIndex).toBe(0);
    expect(tab('Weights').tabIndex).toBe(-1);
    tab('Train').focus();
    await fireEvent.keyDown(tab('Train'), { key: 'ArrowRight' });
    expect(tab('Weights').getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(tab('Weights'));
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(tab('Weights').id);
    await fireEvent.keyDown(tab('Weights'), { key: 'End' });
    expect(document.activeElement).toBe(tab('Build it'));
    await fireEvent.keyDown(tab('Build it'), { key: 'ArrowRight' });
    expect(document.activeElement).toBe(tab('Train'));
    await fireEvent.keyDown(tab('Train'), { key: 'ArrowLeft' });
    expect(tab('Build it').getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(tab('Build it'), { key: 'Home' });
    expect(tab('Train').getAttribute('aria-selected')).toBe('true');
  });

  it('the Weights view names the model it shows', async () => {
    await app();
    await openLecun();
    await fireEvent.click(screen.getByRole('tab', { name: 'Weights' }));
    const heading = await screen.findByTestId('weights-model');
    expect(heading.textContent?.replace(/\s+/g, ' ').trim()).toBe(`Weights of ${LECUN} 784-300-10 tanh`);
  });
});
