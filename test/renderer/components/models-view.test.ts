import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { ModelInfo } from '../../../src-engine/protocol';
import type { DownloadFile, ModelList } from '../../../src-main/library/models-contract';
import { ModelLibrary } from '../../../src-renderer/state/models.svelte';
import ModelsView from '../../../src-renderer/views/ModelsView.svelte';
import { fakeLibraryApi, summary } from '../models-fixtures';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';

const list: ModelList = {
  dir: '/home/ada/.config/scratchnet/models',
  models: [
    summary(),
    summary({ name: 'tiny tanh', architecture: '784-16-10 tanh', bestTestAccuracy: 0.9012, accuracy: [0.85, 0.9012], epochs: 2, plannedEpochs: 5, schedule: 'constant' }),
  ],
  problems: [{ fileName: 'broken.safetensors', error: 'broken.safetensors: truncated (header says 814160 bytes of tensors, file has 4096)', modified: '', bytes: 4200 }],
};
const info = { architecture: mlpArchitecture([784, 128, 10], 'relu', 'cross_entropy', [...'0123456789']), history: [] } as unknown as ModelInfo;

async function view(mode: 'browser' | 'desktop' = 'browser', answers: Parameters<typeof fakeLibraryApi>[0] = {}) {
  const api = fakeLibraryApi({ 'models:list': list, ...answers }, mode);
  const opened: string[] = [];
  const downloads: DownloadFile[] = [];
  const library = new ModelLibrary(api, { opened: (_, name) => opened.push(name), download: (f) => downloads.push(f) });
  render(ModelsView, { props: { library, mode, runActive: false } });
  await screen.findByText('tiny tanh');
  return { api, library, opened, downloads };
}

describe('Models view', () => {
  it('lists every model with its facts and sparkline, and the files it could not read with why', async () => {
    await view();
    const items = screen.getAllByRole('listitem').filter((li) => li.querySelector('[data-model]'));
    expect(items).toHaveLength(2);
    expect(within(items[0]).getByText('97.41%')).toBeTruthy();
    expect(within(items[0]).getByText('784-128-10 relu · MNIST · 3 epochs')).toBeTruthy();
    expect(within(items[1]).getByText('784-16-10 tanh · MNIST · 2 of 5 epochs (interrupted)')).toBeTruthy();
    expect(items[0].querySelector('svg[aria-label="test accuracy by epoch"] path')?.getAttribute('d')).toMatch(/^M\S+ \S+ L\S+ \S+ L\S+ \S+$/);
    expect(screen.getByText('broken.safetensors: truncated (header says 814160 bytes of tensors, file has 4096)')).toBeTruthy();
    expect(screen.getByText('/home/ada/.config/scratchnet/models')).toBeTruthy();
  });

  it('draws a run under its mean-image baseline amber and says so; only a run above it is green', async () => {
    const below = summary({ name: 'too weak', bestTestAccuracy: 0.71, accuracy: [0.6, 0.71], baselineAccuracy: 0.8203 });
    const diverged = summary({ name: 'blown up', bestTestAccuracy: 0.098, accuracy: [0.098], outcome: { kind: 'diverged', message: 'the loss became NaN at epoch 1, step 3' } });
    const unknown = summary({ name: 'foreign', bestTestAccuracy: 0.5, baselineAccuracy: null });
    await view('browser', { 'models:list': { ...list, models: [...list.models, below, diverged, unknown] } });
    const best = (name: string) => document.querySelector(`[data-model="${name}"] .best`) as HTMLElement;
    expect(best('too weak').className).toMatch(/\bbelow\b/);
    expect(best('too weak').textContent).toBe('71.00%, below baseline'); // the comma for screen readers only
    expect(best('too weak').title).toBe('best test accuracy: below the mean-image baseline of 82.0%');
    expect(best('blown up').className).toMatch(/\bfailed\b/);
    for (const name of ['mnist-784-128-10-2026-11-22-1405', 'foreign']) {
      expect(best(name).className).not.toMatch(/\b(below|failed)\b/);
      expect(best(name).title).toBe('best test accuracy');
    }

    await fireEvent.click(document.querySelector('[data-model="too weak"]') as HTMLElement);
    // the details pane is made anew for each model
    const details = () => screen.getByRole('region', { name: 'Model details' });
    await waitFor(() => expect(within(details()).getByTestId('model-baseline').textContent).toBe('below the mean-image baseline 82.0%'));
    expect(within(details()).getByTestId('model-best').className).toMatch(/\bbelow\b/);
    await fireEvent.click(document.querySelector('[data-model="mnist-784-128-10-2026-11-22-1405"]') as HTMLElement);
    await waitFor(() => expect(within(details()).getByTestId('model-baseline').textContent).toBe('mean-image baseline 82.0%'));
    await fireEvent.click(document.querySelector('[data-model="foreign"]') as HTMLElement);
    await waitFor(() => expect(within(details()).queryByTestId('model-baseline')).toBeNull());
  });

  it('judges a file from before baselines were recorded by the dataset\'s, only when it was trained on all of it', async () => {
    const old = { baselineAccuracy: null, bestTestAccuracy: 0.7, accuracy: [0.7] };
    const models = [summary({ ...old, name: 'old full' }), summary({ ...old, name: 'old limited', recipe: { ...DEFAULT_CONFIG, limit: 3000 } })];
    const api = fakeLibraryApi({ 'models:list': { ...list, models } }, 'browser');
    render(ModelsView, { props: { library: new ModelLibrary(api, {}), mode: 'browser', runActive: false, baseline: { source: { kind: 'mnist' }, accuracy: 0.8203 } } });
    await screen.findAllByText('old full'); // in the list, and as the selected model's heading
    const best = (name: string) => document.querySelector(`[data-model="${name}"] .best`) as HTMLElement;
    expect(best('old full').className).toMatch(/\bbelow\b/);
    expect(best('old limited').className).not.toMatch(/\bbelow\b/); // 3,000 digits have a baseline of their own, unknown here
  });

  it('shows the selected model and opens it into the engine', async () => {
    const { api, opened } = await view('browser', { 'models:open': info });
    const details = screen.getByRole('region', { name: 'Model details' });
    expect(within(details).getByRole('heading', { name: 'mnist-784-128-10-2026-11-22-1405' })).toBeTruthy();
    expect(within(details).getByText('101,770')).toBeTruthy();
    await fireEvent.click(within(details).getByRole('button', { name: 'Open' }));
    await waitFor(() => expect(opened).toEqual(['mnist-784-128-10-2026-11-22-1405']));
    expect(api.calls.find((c) => c.name === 'models:open')?.args).toEqual({ name: 'mnist-784-128-10-2026-11-22-1405' });
    expect(await screen.findByText(/^Opened "mnist-784-128-10-2026-11-22-1405"\. Weights, the Digit pad, Step inside and Evaluate now use it/)).toBeTruthy();
  });

  it('offers to finish an interrupted run, and continues it to its planned epochs', async () => {
    const { api } = await view('browser', { 'models:continue': { runId: 1, info } });
    await fireEvent.click(screen.getByText('tiny tanh'));
    const details = screen.getByRole('region', { name: 'Model details' });
    expect(within(details).getByText(/continuing for 3 finishes it exactly as if it had never stopped/)).toBeTruthy();
    expect((within(details).getByRole('spinbutton', { name: 'More epochs' }) as HTMLInputElement).value).toBe('3');
    await fireEvent.click(within(details).getByRole('button', { name: 'Continue training' }));
    await waitFor(() => expect(api.calls.find((c) => c.name === 'models:continue')?.args).toEqual({ name: 'tiny tanh', epochs: 5 }));
  });

  it('refuses a path as a new name before asking the host, and renames with a good one', async () => {
    const { api } = await view('browser', { 'models:rename': ({ to }) => ({ name: to }) });
    const details = screen.getByRole('region', { name: 'Model details' });
    await fireEvent.click(within(details).getByRole('button', { name: 'Rename' }));
    await fireEvent.input(screen.getByRole('textbox', { name: 'New name' }), { target: { value: '../../x' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save name' }));
    expect(await screen.findByText('"../../x" cannot be a model name: it contains one of / \\ : * ? " < > | (names are not paths).')).toBeTruthy();
    expect(api.calls.some((c) => c.name === 'models:rename')).toBe(false);
    // the box stays open with what was typed, to correct it
    await waitFor(() => expect((screen.getByRole('textbox', { name: 'New name' }) as HTMLInputElement).value).toBe('../../x'));
    await fireEvent.input(screen.getByRole('textbox', { name: 'New name' }), { target: { value: 'best so far' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save name' }));
    expect(await screen.findByText('Renamed "mnist-784-128-10-2026-11-22-1405" to "best so far".')).toBeTruthy();
    expect(api.calls.find((c) => c.name === 'models:rename')?.args).toEqual({ name: 'mnist-784-128-10-2026-11-22-1405', to: 'best so far' });
  });

  it('deletes only after confirmation', async () => {
    const { api } = await view('browser', { 'models:delete': ({ name }) => ({ name }) });
    await fireEvent.click(screen.getByRole('button', { name: 'Delete…' }));
    expect(screen.getByRole('alert').textContent).toContain('Delete “mnist-784-128-10-2026-11-22-1405”? This cannot be undone.');
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.calls.some((c) => c.name === 'models:delete')).toBe(false);
    await fireEvent.click(screen.getByRole('button', { name: 'Delete…' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Deleted "mnist-784-128-10-2026-11-22-1405".')).toBeTruthy();
  });

  it('browser mode: uploads a picked file and downloads exports', async () => {
    const csv: DownloadFile = { fileName: 'tiny tanh.csv', type: 'text/csv', bytes: new TextEncoder().encode('epoch\n1\n') };
    const { api, downloads } = await view('browser', {
      'models:upload': { name: 'uploaded' },
      'models:export-csv': { download: csv, savedTo: null },
    });
    const input = screen.getByLabelText('Model file to import') as HTMLInputElement;
    const file = new File([new Uint8Array([1, 2, 3])], 'from-colab.safetensors');
    Object.defineProperty(input, 'files', { value: [file] });
    await fireEvent.change(input);
    await waitFor(() => expect(api.calls.find((c) => c.name === 'models:upload')).toBeTruthy());
    const upload = api.calls.find((c) => c.name === 'models:upload')!.args as { fileName: string; bytes: Uint8Array };
    expect(upload.fileName).toBe('from-colab.safetensors');
    expect([...upload.bytes]).toEqual([1, 2, 3]);
    await fireEvent.click(await screen.findByRole('button', { name: 'Download metrics (CSV)' }));
    await waitFor(() => expect(downloads).toEqual([csv]));
    expect(screen.queryByRole('button', { name: 'Show in folder' })).toBeNull();
  });

  it('shows a refused import as an error naming the file and the problem', async () => {
    await view('browser', { 'models:upload': new Error('bert.safetensors: not a Scratchnet model (no "architecture" metadata)') });
    const input = screen.getByLabelText('Model file to import') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [new File([new Uint8Array([1])], 'bert.safetensors')] });
    await fireEvent.change(input);
    const alert = await screen.findByText('bert.safetensors: not a Scratchnet model (no "architecture" metadata)');
    expect(alert.closest('[role="alert"]')).toBeTruthy();
  });

  it('desktop: imports through the Open dialog and reveals files; refreshes when a run saves', async () => {
    const { api } = await view('desktop', { 'models:import': null, 'models:reveal': { shown: true } });
    await fireEvent.click(screen.getByRole('button', { name: 'Import…' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Show in folder' }));
    await waitFor(() => expect(api.calls.map((c) => c.name)).toContain('models:reveal'));
    const before = api.calls.filter((c) => c.name === 'models:list').length;
    api.emit({ type: 'models:saved', runId: 1, name: 'tiny tanh', reason: 'epoch', epoch: 3, step: 30 });
    await waitFor(() => expect(api.calls.filter((c) => c.name === 'models:list').length).toBe(before + 1));
  });

  it('lists runs that never completed an epoch apart from the models, and deletes them all after asking', async () => {
    let files = [
      summary(),
      summary({ name: 'mnist-784-800-10-2026-12-01-1915', epochs: 0, bestTestAccuracy: null, accuracy: [], plannedEpochs: 3 }),
      summary({ name: 'mnist-784-800-10-2026-12-01-1920', epochs: 0, bestTestAccuracy: null, accuracy: [], plannedEpochs: 3 }),
    ];
    const deleted: string[] = [];
    const api = fakeLibraryApi({
      'models:list': () => ({ dir: list.dir, models: files, problems: [] }),
      'models:delete': ({ name }) => {
        deleted.push(name);
        files = files.filter((m) => m.name !== name);
        return { name };
      },
    });
    render(ModelsView, { props: { library: new ModelLibrary(api, {}), mode: 'browser', runActive: false } });
    const saved = await screen.findByRole('list', { name: 'Saved models' });
    expect(within(saved).getAllByRole('listitem').map((li) => li.querySelector('[data-model]')!.getAttribute('data-model'))).toEqual(['mnist-784-128-10-2026-11-22-1405']);
    const unfinished = screen.getByRole('region', { name: 'Unfinished runs' });
    expect(within(unfinished).getByText('Stopped before their first epoch ended')).toBeTruthy();
    expect(within(unfinished).getAllByRole('listitem')).toHaveLength(2);

    await fireEvent.click(within(unfinished).getByRole('button', { name: 'Delete these 2…' }));
    expect(deleted).toEqual([]); // it asks first
    await fireEvent.click(within(unfinished).getByRole('button', { name: 'Delete all 2' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Unfinished runs' })).toBeNull());
    expect(deleted).toEqual(['mnist-784-800-10-2026-12-01-1915', 'mnist-784-800-10-2026-12-01-1920']);
    expect(screen.getByText('Deleted 2 unfinished runs.')).toBeTruthy();
  });
});
