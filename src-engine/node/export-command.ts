/**
 * `export MODEL --notebook FILE.ipynb | --onnx FILE.onnx [--float32]`: the way out to Jupyter,
 * PyTorch and ONNX. Each file is written atomically; a model a target cannot express is one
 * sentence on stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeCheckpoint } from '../checkpoint/codec';
import { exportOnnx } from '../export/onnx';
import type { DatasetSource } from '../protocol';
import { appVersion } from './app-version';
import { atomicWrite } from './atomic-write';
import { datasetFlag, type Flags, UsageError } from './cli-args';
import { notebookFor } from './export-model';

/** The notebook's data: --dataset, else the bundled MNIST for a model trained on it (a path stored in a file is never used). */
function notebookDataset(flags: Flags, modelPath: string, stored: DatasetSource | undefined): DatasetSource {
  if (flags.dataset !== undefined) return datasetFlag(flags);
  if (!stored || stored.kind === 'mnist') return { kind: 'mnist' };
  throw new UsageError(`${modelPath} was not trained on the bundled MNIST; give the notebook an MNIST-layout folder of its images with --dataset idx:DIR (a path stored inside a model file is never used)`);
}

/** @returns the --json result: the files written */
export function exportCommand(positionals: string[], flags: Flags): { notebook?: string; onnx?: string; lines: string[] } {
  const modelPath = positionals[0];
  if (!modelPath) throw new UsageError('export needs a model file: npm run cli -- export MODEL --notebook FILE.ipynb | --onnx FILE.onnx');
  if (flags.notebook === undefined && flags.onnx === undefined) throw new UsageError('export needs --notebook FILE.ipynb or --onnx FILE.onnx (or both)');
  if (flags.float32 && flags.onnx === undefined) throw new UsageError('--float32 applies to --onnx only');
  if (!existsSync(modelPath)) throw new UsageError(`${modelPath}: no such file`);
  for (const target of [flags.notebook, flags.onnx]) {
    if (target !== undefined && resolve(String(target)) === resolve(modelPath)) throw new UsageError(`${String(target)} is the model file itself; choose another name for the export`);
  }
  const bytes = new Uint8Array(readFileSync(modelPath));
  const c = decodeCheckpoint(bytes, modelPath);
  const lines: string[] = [];
  const result: { notebook?: string; onnx?: string } = {};
  if (flags.onnx !== undefined) {
    const path = String(flags.onnx);
    atomicWrite(path, exportOnnx(c, { float32: flags.float32 === true, appVersion: appVersion() }));
    lines.push(`wrote ${path}: ONNX (${flags.float32 ? 'float32' : 'float64'}); input "pixels" [batch, ${c.architecture.input.shape.reduce((p, d) => p * d, 1)}] of image bytes 0..255, output "logits"`);
    result.onnx = path;
  }
  if (flags.notebook !== undefined) {
    const path = String(flags.notebook);
    const dataset = notebookDataset(flags, modelPath, c.training?.config.dataset);
    const text = notebookFor({ modelPath, bytes, checkpoint: c, dataset, created: new Date().toISOString(), appVersion: appVersion(), evaluate: true });
    atomicWrite(path, new TextEncoder().encode(text));
    lines.push(`wrote ${path}: a Jupyter notebook that opens ${modelPath} with numpy and PyTorch (run it: jupyter notebook ${path})`);
    result.notebook = path;
  }
  return { ...result, lines };
}
