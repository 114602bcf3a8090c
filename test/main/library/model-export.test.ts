/**
 * The Models view's "Export as" calls on real model files in a real store: a notebook that names
 * the model's own path and the MNIST folder, ONNX in float64 and float32, downloads in browser
 * mode and Save As on the desktop; a dataset the session did not choose is refused.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelProto } from '../../../src-engine/export/onnx-schema';
import { mnistDataDir } from '../../../src-engine/node/dataset-files';
import type { DatasetSource } from '../../../src-engine/protocol';
import { Autosaver } from '../../../src-main/library/autosave';
import { ModelApi, type ExportKind, type ModelPlatform } from '../../../src-main/library/model-api';
import { checkApiCall } from '../../../src-main/host/validate-api';
import { FIXTURE_SOURCE, trainedModel, useTempStore } from './model-fixtures';

const lib = useTempStore();

function setup(platform: ModelPlatform = {}, approved = true) {
  const engine = { call: async () => ({}) as never };
  return new ModelApi({
    store: lib.store,
    autosave: new Autosaver(lib.store),
    engine,
    platform,
    checkDataset: (_s: DatasetSource) => {
      if (!approved) throw new Error('That dataset was not chosen in this session; choose it again with the dataset picker.');
    },
  });
}

type Notebook = { nbformat: number; cells: { source: string[] }[] };
const code = (nb: Notebook) => nb.cells.map((c) => c.source.join('')).join('\n');

describe('export as a notebook or ONNX', () => {
  it('browser mode: downloads a notebook that opens this model file and the bundled MNIST, and both ONNX files', async () => {
    lib.store.save('net', trainedModel({ dataset: { kind: 'mnist' }, limit: 300, epochs: 1 }));
    const api = setup();
    const nb = await api.handle('models:export-as', { name: 'net', format: 'notebook' });
    expect(nb.download).toMatchObject({ fileName: 'net.ipynb', type: 'application/x-ipynb+json' });
    const notebook = JSON.parse(new TextDecoder().decode(nb.download!.bytes)) as Notebook;
    expect(notebook.nbformat).toBe(4);
    expect(code(notebook)).toContain(`MODEL_PATH = ${JSON.stringify(lib.store.pathOf('net'))}`);
    expect(code(notebook)).toContain(`DATA_DIR = ${JSON.stringify(mnistDataDir())}`);
    expect(code(notebook)).toMatch(/"test":\{"count":10000,"correct":\d+\}/); // saved at an epoch end: its recorded accuracy is exact

    const onnx = await api.handle('models:export-as', { name: 'net', format: 'onnx' });
    expect(onnx.download).toMatchObject({ fileName: 'net.onnx', type: 'application/octet-stream' });
    const graph = modelProto().toObject(modelProto().decode(onnx.download!.bytes)) as { graph: { node: { opType: string }[] } };
    expect(graph.graph.node.map((n) => n.opType)).toEqual(['Mul', 'Gemm', 'Relu', 'Gemm']);
    const f32 = await api.handle('models:export-as', { name: 'net', format: 'onnx-float32' });
    expect(f32.download!.fileName).toBe('net-float32.onnx');
    expect(f32.download!.bytes.length).toBeLessThan(onnx.download!.bytes.length * 0.6);
  });

  it('desktop: Save As (titled for the kind) writes the file; cancelling writes nothing', async () => {
    lib.store.save('net', trainedModel({ dataset: { kind: 'mnist' }, limit: 300, epochs: 1 }));
    const asked: { name: string; kind: ExportKind }[] = [];
    let answer: string | null = path.join(lib.dir, 'mine.ipynb');
    const api = setup({ saveDialog: async (name, kind) => (asked.push({ name, kind }), answer) });
    expect(await api.handle('models:export-as', { name: 'net', format: 'notebook' })).toEqual({ download: null, savedTo: answer });
    expect((JSON.parse(readFileSync(answer!, 'utf8')) as Notebook).nbformat).toBe(4);
    answer = null;
    expect(await api.handle('models:export-as', { name: 'net', format: 'onnx' })).toEqual({ download: null, savedTo: null });
    expect(asked).toEqual([{ name: 'net.ipynb', kind: 'notebook' }, { name: 'net.onnx', kind: 'onnx' }]);
  });

  it("a model trained on a folder: the notebook reads that folder only if this session chose it", async () => {
    lib.store.save('fixture', trainedModel());
    const nb = await setup().handle('models:export-as', { name: 'fixture', format: 'notebook' });
    expect(code(JSON.parse(new TextDecoder().decode(nb.download!.bytes)) as Notebook)).toContain(`DATA_DIR = ${JSON.stringify(FIXTURE_SOURCE.dir)}`);
    await expect(setup({}, false).handle('models:export-as', { name: 'fixture', format: 'notebook' })).rejects.toThrow('That dataset was not chosen in this session');
  });

  it('refuses an unknown format and a bad name before anything runs', () => {
    expect(() => checkApiCall('models:export-as', { name: 'net', format: 'tflite' })).toThrow('export format must be one of notebook, onnx, onnx-float32 (got "tflite")');
    expect(() => checkApiCall('models:export-as', { name: '../x', format: 'onnx' })).toThrow();
  });
});
