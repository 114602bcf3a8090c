/**
 * Writes test/fixtures/mnist-500: the first 500 training and first 100 test images of the bundled
 * MNIST, as gzipped IDX files in the MNIST layout, for fast unit tests with real digits.
 * Run: npx tsx scripts/make-mnist-fixture.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../src-engine/data/idx';
import { loadDataset } from '../src-engine/node/dataset-files';
import type { Dataset } from '../src-engine/data/dataset';

const OUT = join(import.meta.dirname, '..', 'test', 'fixtures', 'mnist-500');
const { train, test } = loadDataset({ kind: 'mnist' });

function write(ds: Dataset, n: number, prefix: string): void {
  const p = ds.rows * ds.cols;
  const images = encodeIdx([n, ds.rows, ds.cols], ds.images.subarray(0, n * p));
  const labels = encodeIdx([n], ds.labels.subarray(0, n));
  writeFileSync(join(OUT, `${prefix}-images-idx3-ubyte.gz`), gzipSync(images, { level: 9 }));
  writeFileSync(join(OUT, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(labels, { level: 9 }));
}

mkdirSync(OUT, { recursive: true });
write(train, 500, 'train');
write(test as Dataset, 100, 't10k');
console.log(`wrote ${OUT}`);
