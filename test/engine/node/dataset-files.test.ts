import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../../src-engine/data/idx';
import { loadDataset, readIdxImages } from '../../../src-engine/node/dataset-files';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'mnist-500');
const root = mkdtempSync(join(tmpdir(), 'scratchnet-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let folders = 0;
/** A folder of MNIST-layout files: count images of 2x2 with pixels [i, i, i, i] and label i % 3. */
function idxFolder(files: Partial<Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', { name: string; bytes: Uint8Array }>> = {}): string {
  const dir = join(root, `set-${++folders}`);
  mkdirSync(dir);
  const imgs = (n: number, side = 2): Uint8Array => encodeIdx([n, side, side], Uint8Array.from({ length: n * side * side }, (_, i) => Math.floor(i / (side * side))));
  const labs = (n: number): Uint8Array => encodeIdx([n], Uint8Array.from({ length: n }, (_, i) => i % 3));
  const all = {
    trainImages: { name: 'train-images-idx3-ubyte', bytes: imgs(6) },
    trainLabels: { name: 'train-labels-idx1-ubyte', bytes: labs(6) },
    testImages: { name: 't10k-images-idx3-ubyte', bytes: imgs(3) },
    testLabels: { name: 't10k-labels-idx1-ubyte', bytes: labs(3) },
    ...files,
  };
  for (const f of Object.values(all)) writeFileSync(join(dir, f.name), f.bytes);
  return dir;
}

describe('loadDataset mnist', () => {
  it('loads the bundled MNIST once and caches it', () => {
    const a = loadDataset({ kind: 'mnist' });
    expect(a.train.name).toBe('MNIST');
    expect([a.train.count, a.train.rows, a.train.cols]).toEqual([60000, 28, 28]);
    expect(a.test?.count).toBe(10000);
    expect(a.train.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([...a.train.labels.subarray(0, 5)]).toEqual([5, 0, 4, 1, 9]);
    expect(loadDataset({ kind: 'mnist' })).toBe(a);
  });
});

describe('loadDataset idx', () => {
  it('loads the gzipped mnist-500 fixture (the first bundled digits)', () => {
    const { train, test } = loadDataset({ kind: 'idx', dir: FIXTURE });
    expect(train.name).toBe('mnist-500');
    expect([train.count, test?.count, train.rows, train.cols]).toEqual([500, 100, 28, 28]);
    const mnist = loadDataset({ kind: 'mnist' });
    expect([...train.labels]).toEqual([...mnist.train.labels.subarray(0, 500)]);
    expect([...(test?.images ?? [])]).toEqual([...(mnist.test?.images.subarray(0, 100 * 784) ?? [])]);
  });

  it('loads raw files, dotted names and a mix of raw and .gz', () => {
    const dir = idxFolder({
      trainImages: { name: 'train-images.idx3-ubyte', bytes: encodeIdx([6, 2, 2], Uint8Array.from({ length: 24 }, (_, i) => Math.floor(i / 4))) },
      testLabels: { name: 't10k-labels-idx1-ubyte.gz', bytes: gzipSync(encodeIdx([3], Uint8Array.from([2, 0, 1]))) },
    });
    const { train, test } = loadDataset({ kind: 'idx', dir: dir + '/' });
    expect(train.name).toBe(dir.split('/').pop());
    expect([...train.labels]).toEqual([0, 1, 2, 0, 1, 2]);
    expect([...train.images.subarray(20)]).toEqual([5, 5, 5, 5]);
    expect([...(test?.labels ?? [])]).toEqual([2, 0, 1]);
    expect(test?.classes).toEqual(['0', '1', '2']);
  });

  it('gives train and test the same classes', () => {
    const dir = idxFolder({ testLabels: { name: 't10k-labels-idx1-ubyte', bytes: encodeIdx([3], Uint8Array.from([0, 3, 1])) } });
    const { train, test } = loadDataset({ kind: 'idx', dir });
    expect(train.classes).toEqual(['0', '1', '2', '3']);
    expect(test?.classes).toEqual(train.classes);
  });

  it('names a missing file or folder', () => {
    const dir = idxFolder();
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    expect(() => loadDataset({ kind: 'idx', dir })).toThrow(`no t10k-labels-idx1-ubyte(.gz) in ${dir}`);
    expect(() => loadDataset({ kind: 'idx', dir: join(root, 'nope') })).toThrow(`no such folder: ${join(root, 'nope')}`);
    writeFileSync(join(root, 'plain-file'), 'x');
    expect(() => loadDataset({ kind: 'idx', dir: join(root, 'plain-file') })).toThrow(`${join(root, 'plain-file')} is not a folder`);
  });

  it('names a file that is not gzip or is a broken gzip', () => {
    const notGz = idxFolder({ trainLabels: { name: 'train-labels-idx1-ubyte.gz', bytes: encodeIdx([6], new Uint8Array(6)) } });
    expect(() => loadDataset({ kind: 'idx', dir: notGz })).toThrow(`${join(notGz, 'train-labels-idx1-ubyte.gz')} is not a valid gzip file`);
    const gz = gzipSync(encodeIdx([6], new Uint8Array(6)));
    const cut = idxFolder({ trainLabels: { name: 'train-labels-idx1-ubyte.gz', bytes: gz.subarray(0, gz.length - 10) } });
    expect(() => loadDataset({ kind: 'idx', dir: cut })).toThrow(`${join(cut, 'train-labels-idx1-ubyte.gz')} is not a valid gzip file (unexpected end of file)`);
  });

  it('names a malformed IDX file', () => {
    const dir = idxFolder({ trainImages: { name: 'train-images-idx3-ubyte', bytes: encodeIdx([6, 2, 2], new Uint8Array(24)).subarray(0, 30) } });
    expect(() => loadDataset({ kind: 'idx', dir })).toThrow(
      `${join(dir, 'train-images-idx3-ubyte')}: IDX dimensions [6, 2, 2]: expected 24 bytes of data, found 14`,
    );
  });

  it('checks that images and labels agree', () => {
    const dir = idxFolder({ trainLabels: { name: 'train-labels-idx1-ubyte', bytes: encodeIdx([5], new Uint8Array(5)) } });
    expect(() => loadDataset({ kind: 'idx', dir })).toThrow(`${join(dir, 'train-labels-idx1-ubyte')} has 5 labels but ${join(dir, 'train-images-idx3-ubyte')} has 6 images`);
    const sizes = idxFolder({ testImages: { name: 't10k-images-idx3-ubyte', bytes: encodeIdx([3, 3, 3], new Uint8Array(27)) } });
    expect(() => loadDataset({ kind: 'idx', dir: sizes })).toThrow(
      `${join(sizes, 't10k-images-idx3-ubyte')} has 3x3 images but ${join(sizes, 'train-images-idx3-ubyte')} has 2x2`,
    );
    const one = idxFolder({ trainLabels: { name: 'train-labels-idx1-ubyte', bytes: encodeIdx([6], new Uint8Array(6)) } });
    expect(() => loadDataset({ kind: 'idx', dir: one })).toThrow('every label is 0; a classifier needs at least two classes');
  });
});

describe('loadDataset csv', () => {
  it('loads a train and a test CSV named after the train file', () => {
    const train = join(root, 'digits.csv');
    const test = join(root, 'digits-test.csv');
    writeFileSync(train, 'label,p0,p1,p2,p3\r\n1,0,1,2,3\r\n0,4,5,6,7\r\n');
    writeFileSync(test, '2,9,9,9,9\n');
    const ds = loadDataset({ kind: 'csv', train, test });
    expect(ds.train.name).toBe('digits.csv');
    expect([...ds.train.labels]).toEqual([1, 0]);
    expect(ds.test?.count).toBe(1);
    expect(ds.train.classes).toEqual(['0', '1', '2']);
    expect(loadDataset({ kind: 'csv', train }).test).toBeNull();
  });

  it('names missing files, CSV errors and mismatched image sizes', () => {
    const train = join(root, 'a.csv');
    writeFileSync(train, '1,0,1,2,3\n0,4,5,6,7\n');
    expect(() => loadDataset({ kind: 'csv', train, test: join(root, 'missing.csv') })).toThrow(`no such file: ${join(root, 'missing.csv')}`);
    expect(() => loadDataset({ kind: 'csv', train: root })).toThrow(`${root} is a folder, not a file`);
    const bad = join(root, 'bad.csv');
    writeFileSync(bad, '1,0,1,2,3\n0,4,x,6,7\n');
    expect(() => loadDataset({ kind: 'csv', train: bad })).toThrow(`${bad}: line 2, column 3: "x" is not an integer 0-255`);
    const big = join(root, 'big.csv');
    writeFileSync(big, '1,0,1,2,3,4,5,6,7,8\n');
    expect(() => loadDataset({ kind: 'csv', train, test: big })).toThrow(`${big} has 3x3 images but ${train} has 2x2`);
  });
});

describe('readIdxImages', () => {
  it('reads raw and gzipped image files', () => {
    const bytes = encodeIdx([2, 2, 3], Uint8Array.from({ length: 12 }, (_, i) => i));
    writeFileSync(join(root, 'imgs.idx'), bytes);
    writeFileSync(join(root, 'imgs.idx.gz'), gzipSync(bytes));
    for (const f of ['imgs.idx', 'imgs.idx.gz']) {
      const r = readIdxImages(join(root, f));
      expect([r.count, r.rows, r.cols]).toEqual([2, 2, 3]);
      expect([...r.images]).toEqual(Array.from({ length: 12 }, (_, i) => i));
    }
  });

  it('refuses a labels file or a missing file', () => {
    writeFileSync(join(root, 'labels.idx'), encodeIdx([3], new Uint8Array(3)));
    expect(() => readIdxImages(join(root, 'labels.idx'))).toThrow(
      `${join(root, 'labels.idx')}: expected images with 3 dimensions [count, rows, cols], found [3]`,
    );
    expect(() => readIdxImages(join(root, 'none.idx'))).toThrow(`no such file: ${join(root, 'none.idx')}`);
  });
});
