/**
 * The Train view shows only what is true: a refused value never reaches the charts or the
 * parameter count.
 */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { DatasetInfo } from '../../../src-engine/protocol';
import TrainView from '../../../src-renderer/views/TrainView.svelte';
import { axisNumber } from '../../../src-renderer/lib/format';
import { DatasetState } from '../../../src-renderer/state/dataset.svelte';
import { EngineSettings } from '../../../src-renderer/state/engine.svelte';
import { TrainForm } from '../../../src-renderer/state/train-form.svelte';
import { TrainingSession } from '../../../src-renderer/state/training.svelte';
import { fakeApi } from '../fake-api';

export const mnist: DatasetInfo = {
  name: 'MNIST', train: 60000, test: 10000, rows: 28, cols: 28, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  meanImages: new Uint8Array(7840), baselineAccuracy: 0.8203,
};

async function view(answers: Parameters<typeof fakeApi>[0] = {}) {
  const api = fakeApi({ 'dataset:info': mnist, 'engine:kernels': { name: 'wasm-simd', threads: 1, maxThreads: 1 }, ...answers });
  const session = new TrainingSession(api, () => 0);
  const dataset = new DatasetState(api);
  await dataset.useMnist();
  const form = new TrainForm(() => dataset.source);
  const engine = new EngineSettings(api, null);
  await engine.load();
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

  it('a refused layer size has no parameter count', async () => {
    await view();
    expect(screen.getByText('101,770')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Hidden layer 1 size'), { target: { value: '5000' } });
    expect(screen.queryByText('3,979,010')).toBeNull();
    expect(screen.getByText('parameters').querySelector('b')?.textContent).toBe('–');
  });
});
