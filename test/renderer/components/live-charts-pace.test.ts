/**
 * The live charts redraw at a sane pace while a run trains: the engine sends up to 20 batch events
 * a second, and redrawing every chart on each one cost the browser more CPU than the training
 * itself. chart.js is replaced by a recorder of its builds (a new config: lines, axes, theme) and
 * redraws (points pushed into the same lines).
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { DatasetInfo, HealthSample, LayerHealth, ModelInfo } from '../../../src-engine/protocol';
import TrainView from '../../../src-renderer/views/TrainView.svelte';
import { fakeApi } from '../fake-api';
import { trainViewState } from '../train-view-state';

const charts = vi.hoisted(() => ({ builds: [] as { title: string; data: unknown[][] }[], redraws: [] as string[] }));
vi.mock('../../../src-renderer/lib/draw-chart', () => ({
  drawChart: (chart: unknown, canvas: HTMLCanvasElement, next: { data: { datasets: { data: unknown[] }[] } }) => {
    const title = canvas.closest('figure')?.querySelector('figcaption')?.textContent ?? '';
    charts.builds.push({ title, data: next.data.datasets.map((d) => d.data) });
    if (chart) {
      (chart as { data: unknown }).data = next.data;
      return chart;
    }
    return { data: next.data, update: () => charts.redraws.push(canvas.closest('figure')?.querySelector('figcaption')?.textContent ?? ''), destroy: () => {} };
  },
}));

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  charts.builds.length = 0;
  charts.redraws.length = 0;
});

const mnist: DatasetInfo = {
  name: 'MNIST', train: 60000, test: 10000, rows: 28, cols: 28, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  meanImages: new Uint8Array(7840), baselineAccuracy: 0.8203,
};

function layer(over: Partial<LayerHealth>): LayerHealth {
  return { name: '0', activation: 'relu', units: 4, act_mean: 0.31, act_std: 0.52, dead_fraction: 0.5, saturated_fraction: null, grad_norm: 0.25, update_ratio: 1.2e-3, unitFlags: Uint8Array.of(1, 1, 0, 0), ...over };
}
const sample = (step: number): HealthSample => ({ step, layers: [layer({})] });

/** The Train view with a run going, under fake timers (set before the view, whose charts ask for frames). */
async function training() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
  const api = fakeApi({
    'dataset:info': mnist,
    'training:start': { runId: 1, info: { parameters: 101770, architecture: mlpArchitecture([784, 128, 10], 'relu', 'cross_entropy', mnist.classes) } as ModelInfo },
    'engine:kernels': { name: 'wasm-relaxed-simd-2t', threads: 2, maxThreads: 2 },
  });
  const { session, dataset, form, engine } = await trainViewState(api);
  render(TrainView, { props: { session, form, dataset, engine, mode: 'browser', dark: false, mac: false, onStart: () => void session.start(form.submit()!) } });
  screen.getByRole('button', { name: 'Start' }).click();
  await tick();
  await tick();
  expect(session.state).toBe('training');
  vi.advanceTimersByTime(1000);
  flushSync();
  /** `n` batch events 50 ms apart (20 a second), 5 steps each, from step `from`. */
  const batch = (first: number) => {
    api.emit({ type: 'batch', runId: 1, epoch: 1, firstStep: first, losses: Float64Array.of(2, 1.9, 1.8, 1.7, 1.6), accuracy: 0.5, lr: 0.05, stepInEpoch: first + 5, stepsPerEpoch: 938, samplesPerSecond: 6400, eta: 60, seconds: 1 });
    flushSync();
  };
  const batches = (from: number, n: number) => {
    for (let i = 0; i < n; i++) {
      batch(from + i * 5);
      vi.advanceTimersByTime(50);
      flushSync();
    }
    vi.advanceTimersByTime(1000);
    flushSync();
  };
  return { api, session, batch, batches };
}

describe('live charts while a run trains', () => {
  it('the Train view redraws its charts at most 5 times a second under 20 batch events a second, and draws every point', async () => {
    const { session, batches } = await training();
    charts.redraws.length = 0;
    batches(0, 40); // two seconds of a run
    const lossRedraws = charts.redraws.filter((t) => t === 'Batch loss').length;
    expect(lossRedraws).toBeGreaterThanOrEqual(5);
    expect(lossRedraws).toBeLessThanOrEqual(11); // 2 s at 5 a second, and the last
    // the lines drawn are the session's own arrays: the last redraw shows all 200 steps
    const loss = charts.builds.filter((b) => b.title === 'Batch loss').at(-1)!;
    expect(loss.data[0]).toHaveLength(200);
    // the progress figures follow too, to the last event
    const epochs = session.config!.epochs;
    expect(screen.getByRole('progressbar', { name: 'Training progress' }).getAttribute('aria-valuetext')).toBe(`${Math.round((200 / 938 / epochs) * 1000) / 10}% — epoch 1 of ${epochs}`);
  });

  it('the Health tab redraws its charts on a new sample, and neither rebuilds nor redraws them on a batch event', async () => {
    const { api, batches } = await training();
    screen.getByRole('tab', { name: 'Health' }).click();
    api.emit({ type: 'health', runId: 1, samples: [sample(5)] });
    batches(0, 2);
    const isHealth = (title: string) => /^(Activations|Dead units|Gradient norm|Update ratio)/.test(title);
    const health = () => charts.builds.filter((b) => isHealth(b.title));
    const built = health().length;
    expect(built).toBeGreaterThanOrEqual(4); // one layer: activations, dead units, gradient, update ratio
    charts.redraws.length = 0;
    batches(10, 40); // no new sample
    expect(health()).toHaveLength(built);
    expect(charts.redraws.filter(isHealth)).toEqual([]);
    api.emit({ type: 'health', runId: 1, samples: [sample(210)] });
    batches(210, 1);
    expect(health()).toHaveLength(built);
    expect(charts.redraws.filter(isHealth)).toHaveLength(4);
    // every chart shows both samples: the lines are the same arrays, grown
    for (const title of ['Activations', 'Dead units', 'Gradient norm', 'Update ratio']) {
      expect(health().filter((b) => b.title.startsWith(title)).at(-1)!.data[0]).toHaveLength(2);
    }
  });

  it('a new state (a pause, a reload mid-run, the end) shows the figures of its moment at once', async () => {
    const { api, batch, batches } = await training();
    batches(0, 1);
    batch(5); // shown at once: the last redraw was a second ago
    batch(10); // waits for its turn
    const figures = () => document.querySelector('.progress .figures')!.textContent!.replace(/\s+/g, ' ');
    expect(figures()).toContain('Step 10 / 938');
    api.emit({ type: 'state', runId: 1, state: 'paused' });
    flushSync();
    expect(screen.getByTestId('run-state').textContent).toBe('Paused');
    expect(figures()).toContain('Step 15 / 938');
  });
});
