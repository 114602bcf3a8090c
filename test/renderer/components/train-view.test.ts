import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { DatasetInfo, ModelInfo } from '../../../src-engine/protocol';
import TrainView from '../../../src-renderer/views/TrainView.svelte';
import { fakeApi } from '../fake-api';
import { trainViewState } from '../train-view-state';

const mnist: DatasetInfo = {
  name: 'MNIST', train: 60000, test: 10000, rows: 28, cols: 28, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  meanImages: new Uint8Array(7840), baselineAccuracy: 0.8203,
};

async function view() {
  const api = fakeApi({
    'dataset:info': mnist,
    'training:start': { runId: 1, info: { parameters: 101770, architecture: mlpArchitecture([784, 128, 10], 'relu', 'cross_entropy', mnist.classes) } as ModelInfo },
    'training:pause': { state: 'paused' },
    'engine:kernels': { name: 'wasm-relaxed-simd-2t', threads: 2, maxThreads: 2 },
    'engine:set-threads': { name: 'wasm-relaxed-simd', threads: 1, maxThreads: 2 },
  });
  const { session, dataset, form, engine } = await trainViewState(api);
  const start = () => {
    const config = form.submit();
    if (config) void session.start(config);
  };
  render(TrainView, { props: { session, form, dataset, engine, mode: 'browser', dark: true, mac: false, onStart: start } });
  return { api, session, form };
}

const started = (api: ReturnType<typeof fakeApi>) => api.calls.filter((c) => c.name === 'training:start');

describe('Train view', () => {
  it('shows the engine\'s kernels and sets their thread count, but not while a run goes', async () => {
    const { api } = await view();
    expect(screen.getByText('WebAssembly SIMD with fused multiply-add')).toBeTruthy();
    const threads = within(screen.getByRole('radiogroup', { name: 'Threads' }));
    const radio = (n: string) => threads.getByRole('radio', { name: n }) as HTMLInputElement;
    expect(radio('2').checked).toBe(true);
    await fireEvent.click(radio('1'));
    await tick();
    expect(api.calls.filter((c) => c.name === 'engine:set-threads')).toEqual([{ name: 'engine:set-threads', args: { threads: 1 } }]);
    expect(radio('1').checked).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await tick();
    expect(radio('2').disabled).toBe(true);
  });

  it('shows the dataset, its baseline and the network it will train', async () => {
    await view();
    expect(screen.getByText('60,000 train · 10,000 test · 28×28 · 10 classes')).toBeTruthy();
    expect(screen.getByText('82.0%')).toBeTruthy();
    expect(screen.getByText('101,770')).toBeTruthy(); // 784·128+128 + 128·10+10 parameters
  });

  it('refuses an invalid learning rate in the form, with the message, before anything starts', async () => {
    const { api } = await view();
    const lr = screen.getByRole('spinbutton', { name: 'Learning rate' }) as HTMLInputElement;
    await fireEvent.input(lr, { target: { value: '-1' } });
    expect(screen.getByText('learning rate must be a positive number (got -1)')).toBeTruthy();
    expect(lr.getAttribute('aria-invalid')).toBe('true');

    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(screen.getByText('Not started: learning rate must be a positive number (got -1).')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('Ready');
    expect(started(api)).toEqual([]);
  });

  it('refuses a zero batch size and a hidden layer of 5000 units', async () => {
    const { api } = await view();
    await fireEvent.input(screen.getByLabelText('Batch size'), { target: { value: '0' } });
    await fireEvent.input(screen.getByLabelText('Hidden layer 1 size'), { target: { value: '5000' } });
    expect(screen.getByText('batch size must be a whole number from 1 to 60000 (got 0)')).toBeTruthy();
    expect(screen.getByText('hidden layer 1 must have 1 to 4096 units (got 5000)')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(started(api)).toEqual([]);
  });

  it('starts once the values are sound, locks the settings and offers Pause', async () => {
    const { api } = await view();
    await fireEvent.input(screen.getByLabelText('Training images'), { target: { value: '5000' } });
    await fireEvent.input(screen.getByLabelText('Epochs'), { target: { value: '1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(started(api)).toHaveLength(1);
    expect(started(api)[0].args).toMatchObject({ config: { limit: 5000, epochs: 1, hidden: [128] } });
    await screen.findByRole('button', { name: 'Pause' });
    expect(screen.getByText('784-128-10 relu')).toBeTruthy();
    expect((screen.getByRole('spinbutton', { name: 'Learning rate' }) as HTMLInputElement).disabled).toBe(true);
  });

  it('a preset fills in its recipe', async () => {
    await view();
    await fireEvent.click(screen.getByRole('button', { name: '3 vs 7' }));
    expect((screen.getByLabelText('Classes') as HTMLInputElement).value).toBe('3, 7');
    expect((screen.getByLabelText('Loss') as HTMLSelectElement).value).toBe('bce');
    expect(screen.getByText(/one sigmoid output and binary cross-entropy/)).toBeTruthy();
  });
});
