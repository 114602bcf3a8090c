/**
 * Dataset files that are too large, compressed bombs, odd encodings and stray labels (issue 15,
 * items 5-7): each gets one clear error naming the file (and the line where one applies), found
 * without reading or unzipping more than the file's own header allows.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../../src-engine/data/idx';
import { loadDataset, MAX_DATASET_FILE_BYTES, readIdxImages } from '../../../src-engine/node/dataset-files';

const root = mkdtempSync(join(tmpdir(), 'scratchnet-limits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An IDX header claiming `dims` (unsigned bytes), without the data. */
function idxHeader(dims: number[]): Uint8Array {
  const h = new Uint8Array(4 + 4 * dims.length);
  h[2] = 0x08;
  h[3] = dims.length;
  dims.forEach((d, i) => new DataView(h.buffer).setUint32(4 + 4 * i, d));
  return h;
}

/**
 * A gzip "bomb": the IDX header, then `megabytes` MB of zeros as concatenated gzip members
 * (a valid gzip file; each 1 MB member is about 1 KB).
 */
function gzipBomb(dims: number[], megabytes: number): Buffer {
  const member = gzipSync(Buffer.alloc(1 << 20));
  return Buffer.concat([gzipSync(idxHeader(dims)), ...Array.from({ length: megabytes }, () => member)]);
}

let folders = 0;
/** An MNIST-layout folder of 2x2 images; `labels` are the training labels (test: 0, 1, 2). */
function idxFolder(labels: number[], replace: Record<string, Uint8Array> = {}): string {
  const dir = join(root, `set-${++folders}`);
  mkdirSync(dir);
  const n = labels.length;
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': encodeIdx([n, 2, 2], new Uint8Array(n * 4)),
    'train-labels-idx1-ubyte': encodeIdx([n], Uint8Array.from(labels)),
    't10k-images-idx3-ubyte': encodeIdx([3, 2, 2], new Uint8Array(12)),
    't10k-labels-idx1-ubyte': encodeIdx([3], Uint8Array.from([0, 1, 2])),
    ...replace,
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

describe('compressed-file bombs (item 5)', () => {
  it('stops unzipping at what the IDX header claims and says "too large"', () => {
    const file = join(root, 'bomb-small-claim.idx.gz');
    writeFileSync(file, gzipBomb([1, 28, 28], 64)); // 64 KB that unzips to 64 MB; the header says 784 bytes
    expect(() => readIdxImages(file)).toThrow(`${file} is too large when unzipped: it holds more than the 784 bytes its IDX header [1, 28, 28] describes. The file is damaged or not a real dataset.`);
  });

  it('stops a 5 GB bomb whose header claims a plausible size at that size', () => {
    const file = join(root, 'bomb-5g.idx.gz');
    writeFileSync(file, gzipBomb([60000, 28, 28], 5 * 1024)); // 5 MB on disk, 5 GB unzipped
    expect(() => readIdxImages(file)).toThrow(`${file} is too large when unzipped: it holds more than the 47 MB its IDX header [60000, 28, 28] describes. The file is damaged or not a real dataset.`);
  });

  it('refuses a header that claims more than the hard limit before unzipping anything', () => {
    const file = join(root, 'bomb-huge-claim.idx.gz');
    writeFileSync(file, gzipBomb([4_000_000, 28, 28], 1));
    expect(() => readIdxImages(file)).toThrow(`${file} is too large: its IDX header [4000000, 28, 28] describes 3.1 GB of data; Scratchnet reads dataset files up to 1 GB.`);
  });

  it('still reads an honest gzip file', () => {
    const file = join(root, 'honest.idx.gz');
    writeFileSync(file, gzipSync(encodeIdx([2, 2, 2], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]))));
    expect([...readIdxImages(file).images]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('CSV files (item 6)', () => {
  it('reads a file with 20 million blank lines after its rows, without an allocation per line', () => {
    const file = join(root, 'blank-tail.csv');
    const fd = openSync(file, 'w');
    const row = (label: number) => [label, ...new Array(784).fill(7)].join(',') + '\n'; // 28x28, as MNIST
    writeSync(fd, row(0) + row(1));
    const blank = Buffer.alloc(1 << 20, 0x0a);
    for (let i = 0; i < 20; i++) writeSync(fd, blank); // 20,971,520 blank lines
    closeSync(fd);
    const { train } = loadDataset({ kind: 'csv', train: file });
    expect([train.count, train.rows, train.cols]).toEqual([2, 28, 28]);
    expect([...train.labels]).toEqual([0, 1]);
  });

  it('checks the size first: a 2 GB file is refused at once, naming the file', () => {
    const file = join(root, 'huge.csv');
    writeFileSync(file, '');
    truncateSync(file, 2_000_000_000); // sparse: no disk space, nothing read
    expect(() => loadDataset({ kind: 'csv', train: file })).toThrow(`${file} is too large (2 GB); Scratchnet reads dataset files up to 1 GB (the MNIST training set as CSV is 110 MB).`);
    expect(MAX_DATASET_FILE_BYTES).toBeLessThan(2_000_000_000);
    rmSync(file);
  });

  it('recognises UTF-16 text and names the encoding instead of printing NUL bytes', () => {
    const bom = join(root, 'utf16-bom.csv');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('label,a,b,c,d\n1,2,3,4,5\n', 'utf16le')]));
    const message = 'is UTF-16 text; Scratchnet reads CSV files saved as UTF-8 or plain ASCII. Save it again as "CSV UTF-8" (or plain CSV) and try again.';
    expect(() => loadDataset({ kind: 'csv', train: bom })).toThrow(`${bom}: ${message}`);
    const noBom = join(root, 'utf16-no-bom.csv');
    writeFileSync(noBom, Buffer.from('1,2,3,4,5\n0,2,3,4,5\n', 'utf16le'));
    expect(() => loadDataset({ kind: 'csv', train: noBom })).toThrow(`${noBom}: line 1 contains NUL bytes, so it looks like UTF-16 text or a binary file; Scratchnet reads CSV files saved as UTF-8 or plain ASCII.`);
    try {
      loadDataset({ kind: 'csv', train: noBom });
    } catch (e) {
      expect((e as Error).message).not.toContain('\0');
    }
  });

  it('says that a gzip file must be unzipped first', () => {
    const file = join(root, 'zipped.csv');
    writeFileSync(file, gzipSync('1,2,3,4,5\n'));
    expect(() => loadDataset({ kind: 'csv', train: file })).toThrow(`${file}: is a gzip file; unzip it first (CSV files are read as plain text).`);
  });
});

describe('stray labels (item 7)', () => {
  const counts = '0: 2, 1: 2, 2: 1';

  it('refuses an IDX label that would make a 201-class dataset, with the label counts', () => {
    const dir = idxFolder([0, 1, 2, 0, 1, 200]);
    expect(() => loadDataset({ kind: 'idx', dir })).toThrow(
      `${join(dir, 'train-labels-idx1-ubyte')}: label 200 (at index 5) would make 201 classes, but labels 3-199 have no images. Labels must number the classes 0, 1, 2, … without gaps; fix or remove the stray label. Label counts: ${counts}, 200: 1.`,
    );
  });

  it('refuses a CSV label 255, naming its line', () => {
    const file = join(root, 'stray.csv');
    writeFileSync(file, 'label,a,b,c,d\n0,1,1,1,1\n1,1,1,1,1\n255,1,1,1,1\n2,1,1,1,1\n0,1,1,1,1\n1,1,1,1,1\n');
    expect(() => loadDataset({ kind: 'csv', train: file })).toThrow(
      `${file}: label 255 (line 4) would make 256 classes, but labels 3-254 have no images. Labels must number the classes 0, 1, 2, … without gaps; fix or remove the stray label. Label counts: ${counts}, 255: 1.`,
    );
  });

  it('refuses a stray label in the test set too', () => {
    const dir = idxFolder([0, 1, 2, 0, 1, 2], { 't10k-labels-idx1-ubyte': encodeIdx([3], Uint8Array.from([0, 1, 200])) });
    expect(() => loadDataset({ kind: 'idx', dir })).toThrow(`${join(dir, 't10k-labels-idx1-ubyte')}: label 200 (at index 2) would make 201 classes, but labels 3-199 have no images.`);
  });

  it('accepts classes 0..n-1 that each have images (in the training or the test set)', () => {
    const dir = idxFolder([0, 1, 2, 0, 1, 2], { 't10k-labels-idx1-ubyte': encodeIdx([3], Uint8Array.from([0, 3, 1])) });
    expect(loadDataset({ kind: 'idx', dir }).train.classes).toEqual(['0', '1', '2', '3']);
  });
});
