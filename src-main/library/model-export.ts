/**
 * A library model as a Jupyter notebook or ONNX file, for the Models view's Export menu. The
 * notebook embeds the absolute paths of the model file and of the MNIST files it reads, so it
 * runs where it is saved; a dataset path stored in the model is used only if this session chose
 * that folder itself (checkDataset).
 */
import type { DatasetSource } from '../../src-engine/protocol';
import { exportOnnx } from '../../src-engine/export/onnx';
import { appVersion } from '../../src-engine/node/app-version';
import { notebookFor } from '../../src-engine/node/export-model';
import type { CheckpointStore } from './checkpoint-store';
import type { ExportFormat } from './models-contract';

export interface ExportedFile {
  fileName: string;
  kind: 'notebook' | 'onnx';
  type: string;
  bytes: Uint8Array;
}

/** The file to deliver; throws one sentence when the model cannot be exported this way. */
export async function exportModelAs(store: CheckpointStore, name: string, format: ExportFormat, checkDataset: (s: DatasetSource) => void): Promise<ExportedFile> {
  const { bytes, checkpoint } = await store.load(name); // NOTE: decoded first: a broken file is refused
  if (format !== 'notebook') {
    const float32 = format === 'onnx-float32';
    const onnx = exportOnnx(checkpoint, { float32, appVersion: appVersion() });
    return { fileName: `${name}${float32 ? '-float32' : ''}.onnx`, kind: 'onnx', type: 'application/octet-stream', bytes: onnx };
  }
  const dataset = checkpoint.training?.config.dataset ?? { kind: 'mnist' };
  if (dataset.kind === 'csv') throw new Error(`"${name}" was trained on a CSV file, and the notebook reads MNIST-layout IDX files; export it from the command line with --dataset idx:DIR.`);
  if (dataset.kind === 'idx') checkDataset(dataset);
  const text = notebookFor({ modelPath: store.pathOf(name), bytes, checkpoint, dataset, created: new Date().toISOString(), appVersion: appVersion(), evaluate: false });
  return { fileName: `${name}.ipynb`, kind: 'notebook', type: 'application/x-ipynb+json', bytes: new TextEncoder().encode(text) };
}
