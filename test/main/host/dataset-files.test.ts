import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { idxRole } from '../../../src-engine/node/dataset-files';
import { datasetFromPath, datasetFromUpload } from '../../../src-main/host/dataset-files';

const root = mkdtempSync(path.join(os.tmpdir(), 'scratchnet-datasets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A file as the web host's streaming upload leaves it in `root`, named by its id. */
const file = (name: string, text = name) => {
  const upload = randomBytes(16).toString('base64url');
  writeFileSync(path.join(root, `incoming-${upload}`), text);
  return { name, upload };
};

describe('datasets by path and upload', () => {
  it('recognises MNIST-style IDX names, Kaggle dots and .gz included', () => {
    expect(idxRole('train-images-idx3-ubyte')).toEqual({ role: 'train-images-idx3-ubyte', gz: false });
    expect(idxRole('t10k-labels.idx1-ubyte.gz')).toEqual({ role: 't10k-labels-idx1-ubyte', gz: true });
    expect(idxRole('train-images-idx1-ubyte')).toBeNull();
    expect(idxRole('../../etc/passwd')).toBeNull();
  });

  it('stores four IDX uploads under canonical names in a fresh folder; names never become paths', async () => {
    const choice = await datasetFromUpload(root, 'idx', [
      file('train-images.idx3-ubyte.gz'), file('train-labels-idx1-ubyte'), file('t10k-images-idx3-ubyte'), file('t10k-labels-idx1-ubyte'),
    ]);
    expect(choice.source.kind).toBe('idx');
    const dir = (choice.source as { dir: string }).dir;
    expect(path.dirname(dir)).toBe(root);
    expect(readdirSync(dir).sort()).toEqual(['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte']);
    expect(choice.uploads).toContainEqual({ path: path.join(dir, 'train-images-idx3-ubyte.gz'), name: 'train-images.idx3-ubyte.gz' });
    await expect(datasetFromUpload(root, 'idx', [file('../../evil')])).rejects.toThrow('"../../evil" is not an MNIST-layout IDX file name');
    await expect(datasetFromUpload(root, 'idx', [file('train-images-idx3-ubyte')])).rejects.toThrow(
      'missing train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (an IDX dataset is four files).',
    );
  });

  it('stores CSV uploads as train.csv and test.csv', async () => {
    const choice = await datasetFromUpload(root, 'csv', [file('mnist_test.csv', '7,0,0'), file('mnist_train.csv', '5,0,0')]);
    const source = choice.source as { train: string; test: string };
    expect(path.basename(source.train)).toBe('train.csv');
    expect(readFileSync(source.train, 'utf8')).toBe('5,0,0');
    expect(readFileSync(source.test, 'utf8')).toBe('7,0,0');
    // the learner's names for the copies, which messages about them use
    expect(choice.uploads).toEqual([{ path: source.train, name: 'mnist_train.csv' }, { path: source.test, name: 'mnist_test.csv' }]);
    await expect(datasetFromUpload(root, 'csv', [file('a.csv'), file('b.csv')])).rejects.toThrow('Of two CSV files, name the test one (and only that one) with "test" in it.');
  });

  it('uses each upload once and refuses ids the host did not give out', async () => {
    const once = file('digits.csv', '1,0');
    await datasetFromUpload(root, 'csv', [once]);
    await expect(datasetFromUpload(root, 'csv', [once])).rejects.toThrow('"digits.csv" is no longer on the host (each upload is used once): upload it again.');
    await expect(datasetFromUpload(root, 'csv', [{ name: 'x.csv', upload: '../../etc/passwd' }])).rejects.toThrow('that upload id is not one the host gave out');
    const before = readdirSync(root).filter((n) => n.startsWith('upload-')).length;
    await expect(datasetFromUpload(root, 'idx', [file('nope')])).rejects.toThrow('"nope" is not an MNIST-layout IDX file name');
    expect(readdirSync(root).filter((n) => n.startsWith('upload-')).length).toBe(before);
  });

  it('checks typed paths exist and are of the right kind', async () => {
    writeFileSync(path.join(root, 'digits.csv'), '1,0');
    expect(await datasetFromPath('idx', root)).toEqual({ source: { kind: 'idx', dir: root }, label: path.basename(root) });
    expect(await datasetFromPath('csv', path.join(root, 'digits.csv'))).toEqual({
      source: { kind: 'csv', train: path.join(root, 'digits.csv') },
      label: 'digits.csv',
    });
    await expect(datasetFromPath('idx', path.join(root, 'digits.csv'))).rejects.toThrow(`${path.join(root, 'digits.csv')} is not a folder on this machine.`);
    await expect(datasetFromPath('csv', path.join(root, 'nope.csv'))).rejects.toThrow('is not a file on this machine.');
  });
});
