import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { DownloadFile, ModelList } from '../../../src-main/library/models-contract';
import { ModelLibrary } from '../../../src-renderer/state/models.svelte';
import ModelsView from '../../../src-renderer/views/ModelsView.svelte';
import { fakeLibraryApi, summary } from '../models-fixtures';

const list: ModelList = { dir: '/home/ada/.config/scratchnet/models', models: [summary({ name: 'net' })], problems: [] };

async function view(mode: 'browser' | 'desktop', answers: Parameters<typeof fakeLibraryApi>[0]) {
  const api = fakeLibraryApi({ 'models:list': list, ...answers }, mode);
  const downloads: DownloadFile[] = [];
  const library = new ModelLibrary(api, { download: (f) => downloads.push(f) });
  render(ModelsView, { props: { library, mode, runActive: false } });
  await screen.findByRole('heading', { name: 'net' });
  return { api, downloads, group: screen.getByRole('group', { name: 'Export as' }) };
}

describe('Models view: Export as', () => {
  it('browser mode: downloads the ONNX file the host made', async () => {
    const file: DownloadFile = { fileName: 'net.onnx', type: 'application/octet-stream', bytes: new Uint8Array([8, 8]) };
    const { api, downloads, group } = await view('browser', { 'models:export-as': { download: file, savedTo: null } });
    expect(within(group).getByText('Download as')).toBeTruthy();
    await fireEvent.click(within(group).getByRole('button', { name: 'ONNX' }));
    await waitFor(() => expect(downloads).toEqual([file]));
    expect(api.calls.find((c) => c.name === 'models:export-as')?.args).toEqual({ name: 'net', format: 'onnx' });
    expect(await screen.findByText('Downloading the ONNX export of "net" as net.onnx.')).toBeTruthy();
  });

  it('desktop: says where the notebook was saved, and shows a refusal as it is', async () => {
    const { api, group } = await view('desktop', { 'models:export-as': { download: null, savedTo: '/home/ada/net.ipynb' } });
    await fireEvent.click(within(group).getByRole('button', { name: 'Notebook…' }));
    expect(await screen.findByText('Saved the notebook of "net" to /home/ada/net.ipynb.')).toBeTruthy();
    expect(api.calls.find((c) => c.name === 'models:export-as')?.args).toEqual({ name: 'net', format: 'notebook' });
  });

  it('shows the one sentence of a model the target cannot express', async () => {
    const sentence = 'ONNX export cannot express layer 1 (softplus): only linear, relu, leaky_relu, sigmoid and tanh layers have an ONNX op here.';
    const { group } = await view('desktop', { 'models:export-as': new Error(sentence) });
    await fireEvent.click(within(group).getByRole('button', { name: 'ONNX float32…' }));
    expect(await screen.findByText(sentence)).toBeTruthy();
  });
});
