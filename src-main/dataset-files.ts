/**
 * Datasets given by path or by upload (browser mode): checks that the files are there, and
 * writes uploads under fixed, canonical names in a temporary folder. A name coming from the page
 * only decides which canonical name a file gets; it is never joined into a path.
 */
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetChoice, DatasetKind, UploadedFile } from './api-contract';

import { expandHome, IDX_ROLES, idxRole } from '../src-engine/node/dataset-files';

/**
 * Which chosen CSV file trains and which tests (uploads and the desktop dialog alike): one file
 * trains; of two, the one whose name contains "test" tests. Throws a sentence for the person
 * when that does not decide it.
 * @param nameOf the file name a person would recognise (not a path from the page)
 */
export function pairCsvFiles<F>(files: readonly F[], nameOf: (file: F) => string): { train: F; test?: F } {
  if (files.length === 0 || files.length > 2) throw new Error('Choose one CSV file, or two (training and test).');
  if (files.length === 1) return { train: files[0] };
  const tests = files.filter((f) => /test/i.test(nameOf(f)));
  if (tests.length !== 1) throw new Error('Of two CSV files, name the test one (and only that one) with "test" in it.');
  const test = tests[0];
  return { train: files.find((f) => f !== test)!, test };
}

async function kindOf(p: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

/** A dataset from a typed path (`~/` is the home folder): an IDX folder, or a CSV file (and optional test CSV). */
export async function datasetFromPath(kind: DatasetKind, typed: string, testTyped?: string): Promise<DatasetChoice> {
  const p = path.resolve(expandHome(typed));
  if (kind === 'idx') {
    if ((await kindOf(p)) !== 'dir') throw new Error(`${p} is not a folder on this machine.`);
    return { source: { kind: 'idx', dir: p }, label: path.basename(p) };
  }
  if ((await kindOf(p)) !== 'file') throw new Error(`${p} is not a file on this machine.`);
  if (testTyped === undefined) return { source: { kind: 'csv', train: p }, label: path.basename(p) };
  const t = path.resolve(expandHome(testTyped));
  if ((await kindOf(t)) !== 'file') throw new Error(`${t} is not a file on this machine.`);
  return { source: { kind: 'csv', train: p, test: t }, label: `${path.basename(p)} + ${path.basename(t)}` };
}

/**
 * Store uploaded files in a fresh folder under `root`: four IDX files (any MNIST-style names,
 * raw or .gz), or one CSV (training) or two (the one whose name contains "test" is for testing).
 */
export async function datasetFromUpload(root: string, kind: DatasetKind, files: UploadedFile[]): Promise<DatasetChoice> {
  const dir = await mkdtemp(path.join(root, 'upload-'));
  if (kind === 'idx') {
    const seen = new Map<string, UploadedFile & { gz: boolean }>();
    for (const f of files) {
      const r = idxRole(f.name);
      if (!r) throw new Error(`"${f.name}" is not an MNIST-layout IDX file name (e.g. train-images-idx3-ubyte.gz).`);
      if (seen.has(r.role)) throw new Error(`two files are ${r.role}.`);
      seen.set(r.role, { ...f, gz: r.gz });
    }
    const missing = IDX_ROLES.filter((r) => !seen.has(r));
    if (missing.length) throw new Error(`missing ${missing.join(', ')} (an IDX dataset is four files).`);
    for (const [role, f] of seen) await writeFile(path.join(dir, role + (f.gz ? '.gz' : '')), f.bytes);
    return { source: { kind: 'idx', dir }, label: 'uploaded IDX files' };
  }
  const { train, test } = pairCsvFiles(files, (f) => f.name);
  const trainPath = path.join(dir, 'train.csv');
  await writeFile(trainPath, train.bytes);
  if (!test) return { source: { kind: 'csv', train: trainPath }, label: train.name };
  const testPath = path.join(dir, 'test.csv');
  await writeFile(testPath, test.bytes);
  return { source: { kind: 'csv', train: trainPath, test: testPath }, label: `${train.name} + ${test.name}` };
}
