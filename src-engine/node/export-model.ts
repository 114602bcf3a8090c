/**
 * Export a model file as a Jupyter notebook (Node only: it reads the dataset files and hashes the
 * model). Shared by the command line and the app's Models view; ONNX needs no more than
 * export/onnx.ts.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Checkpoint } from '../checkpoint/codec';
import { filterClasses } from '../data/dataset';
import { exampleStep } from '../export/example-step';
import { buildNotebook } from '../export/notebook';
import type { DatasetSource } from '../protocol';
import { evaluate } from '../train/evaluate';
import { modelFromCheckpoint } from '../checkpoint/layout';
import { loadDataset, mnistDataDir } from './dataset-files';

export interface NotebookRequest {
  /** The model file (its absolute path goes into the notebook) and its bytes, decoded as c. */
  modelPath: string;
  bytes: Uint8Array;
  checkpoint: Checkpoint;
  /** The MNIST-layout folder the notebook reads: the bundled MNIST, or an idx: folder. */
  dataset: DatasetSource;
  created: string;
  appVersion: string;
  /**
   * Evaluate the model on the test images when its file does not record the accuracy of exactly
   * these weights (saved mid-epoch). The app says false: it must not block for a second or two.
   */
  evaluate: boolean;
}

/**
 * The engine's test result for the weights in the file, from its history: exact when the file was
 * saved at the end of an epoch on the bundled MNIST (that epoch's evaluation is of these weights).
 */
function recordedTest(c: Checkpoint, source: DatasetSource, count: number): { count: number; correct: number } | null {
  const t = c.training;
  const last = c.history[c.history.length - 1];
  if (source.kind !== 'mnist' || !t || t.config.dataset.kind !== 'mnist' || t.stepInEpoch !== 0 || c.history.length !== t.epoch || !last) return null;
  return Number.isFinite(last.test_accuracy) ? { count, correct: Math.round(last.test_accuracy * count) } : null;
}

/** The folder a notebook reads for this dataset; a CSV cannot be one (the notebook reads IDX files). */
function dataFolder(source: DatasetSource): string {
  if (source.kind === 'mnist') return mnistDataDir();
  if (source.kind === 'idx') return resolve(source.dir);
  throw new Error('the notebook reads MNIST-layout IDX files, not CSV: export it with the bundled MNIST or an idx: folder of the same images');
}

/**
 * The notebook's JSON text: the engine computes, here and now, the numbers the notebook checks
 * (one test example's forward, backward and SGD step, and the test accuracy on the folder).
 */
export function notebookFor(r: NotebookRequest): string {
  const c = r.checkpoint;
  const dataDir = dataFolder(r.dataset);
  let test = loadDataset(r.dataset.kind === 'mnist' ? r.dataset : { kind: 'idx', dir: dataDir }).test;
  if (!test || test.count === 0) throw new Error(`${dataDir} has no test images`);
  const classes = c.training?.config.classes;
  if (classes?.length) test = filterClasses(test, classes);
  const model = modelFromCheckpoint(c);
  const pixels = test.rows * test.cols;
  if (pixels !== model.inputSize) throw new Error(`the model takes ${model.inputSize} pixels per image but the test images in ${dataDir} have ${pixels}`);
  let scored = recordedTest(c, r.dataset, test.count);
  if (!scored && r.evaluate) {
    const e = evaluate(model, test);
    scored = { count: e.count, correct: Math.round(e.accuracy * e.count) };
  }
  const example = exampleStep(c, test.images.subarray(0, pixels), test.labels[0], c.training?.config.lr ?? 0.05);
  return buildNotebook(c, {
    modelPath: resolve(r.modelPath),
    modelSha256: createHash('sha256').update(r.bytes).digest('hex'),
    dataDir,
    example,
    exampleIndex: 0,
    test: scored,
    created: r.created,
    appVersion: r.appVersion,
  });
}
