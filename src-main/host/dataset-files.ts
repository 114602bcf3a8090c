/**
 * Datasets given by path or by upload (browser mode): checks that the files are there, and
 * moves uploads under fixed, canonical names into a temporary folder. A name coming from the page
 * only decides which canonical name a file gets; it is never joined into a path.
 */
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetChoice, DatasetKind, UploadedFile } from './api-contract';
import { uploadFile } from './upload-folders';

import { expandHome, IDX_ROLES, idxRole } from '../../src-engine/node/dataset-files';

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
 * Move uploaded files (streamed into `root` by the web host) into a fresh folder under `root`:
 * four IDX files (any MNIST-style names, raw or .gz), or one CSV (training) or two (the one
 * whose name contains "test" is for testing). Each upload can be used once.
 */
export async function datasetFromUpload(root: string, kind: DatasetKind, files: UploadedFile[]): Promise<DatasetChoice> {
  const stored = files.map((f) => uploadFile(root, f.upload));
  for (const [i, f] of files.entries()) {
    if ((await kindOf(stored[i])) !== 'file') throw new Error(`"${f.name}" is no longer on the host (each upload is used once): upload it again.`);
  }
  if (new Set(stored).size !== stored.length) throw new Error('the same upload was named twice.');
  const dir = await mkdtemp(path.join(root, 'upload-'));
  const keep = (f: UploadedFile, as: string) => rename(uploadFile(root, f.upload), path.join(dir, as));
  try {
    return await placeUploads(dir, kind, files, keep);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function placeUploads(
  dir: string,
  kind: DatasetKind,
  files: UploadedFile[],
  keep: (f: UploadedFile, as: string) => Promise<void>,
): Promise<DatasetChoice> {
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
    const uploads: { path: string; name: string }[] = [];
    for (const [role, f] of seen) {
      const as = role + (f.gz ? '.gz' : '');
      await keep(f, as);
      uploads.push({ path: path.join(dir, as), name: f.name });
    }
    return { source: { kind: 'idx', dir }, label: 'uploaded IDX files', uploads };
  }
  const { train, test } = pairCsvFiles(files, (f) => f.name);
  const trainPath = path.join(dir, 'train.csv');
  await keep(train, 'train.csv');
  if (!test) return { source: { kind: 'csv', train: trainPath }, label: train.name, uploads: [{ path: trainPath, name: train.name }] };
  const testPath = path.join(dir, 'test.csv');
  await keep(test, 'test.csv');
  return {
    source: { kind: 'csv', train: trainPath, test: testPath },
    label: `${train.name} + ${test.name}`,
    uploads: [{ path: trainPath, name: train.name }, { path: testPath, name: test.name }],
  };
}
