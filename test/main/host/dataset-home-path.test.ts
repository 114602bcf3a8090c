/**
 * `~/` in a dataset path is the home folder (issue 14 #15), both where the host checks a typed
 * path (browser mode) and where the engine opens the files (the app and the CLI's --dataset).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandHome, loadDataset } from '../../../src-engine/node/dataset-files';
import { datasetFromPath } from '../../../src-main/host/dataset-files';

const home = mkdtempSync(path.join(os.tmpdir(), 'scratchnet-home-'));
const realHome = process.env.HOME;

beforeAll(() => {
  // NOTE: os.homedir() reads $HOME on Linux and macOS.
  process.env.HOME = home;
  mkdirSync(path.join(home, 'data', 'mnist-500'), { recursive: true });
  const fixture = path.resolve('test/fixtures/mnist-500');
  for (const f of readdirSync(fixture)) copyFileSync(path.join(fixture, f), path.join(home, 'data', 'mnist-500', f));
  writeFileSync(path.join(home, 'data', 'train.csv'), '0,0,255,0,0\n1,255,0,0,0\n0,0,0,255,0\n');
});

afterAll(() => {
  process.env.HOME = realHome;
  rmSync(home, { recursive: true, force: true });
});

describe('~/ in dataset paths', () => {
  it('expands a leading ~ only', () => {
    expect(expandHome('~/data/x.csv', '/home/ada')).toBe(path.join('/home/ada', 'data/x.csv'));
    expect(expandHome('~', '/home/ada')).toBe('/home/ada');
    expect(expandHome('/data/~/x.csv', '/home/ada')).toBe('/data/~/x.csv');
    expect(expandHome('~bob/x.csv', '/home/ada')).toBe('~bob/x.csv');
  });

  it('the host finds a typed ~/ path and hands the engine the full path', async () => {
    const csv = await datasetFromPath('csv', '~/data/train.csv');
    expect(csv.source).toEqual({ kind: 'csv', train: path.join(home, 'data', 'train.csv') });
    const idx = await datasetFromPath('idx', '~/data/mnist-500');
    expect(idx.source).toEqual({ kind: 'idx', dir: path.join(home, 'data', 'mnist-500') });
    await expect(datasetFromPath('csv', '~/data/nope.csv')).rejects.toThrow(`${path.join(home, 'data', 'nope.csv')} is not a file on this machine.`);
  });

  it('the engine opens ~/ paths (as the CLI gets them from --dataset csv:~/…)', () => {
    expect(loadDataset({ kind: 'csv', train: '~/data/train.csv' }).train.count).toBe(3);
    const idx = loadDataset({ kind: 'idx', dir: '~/data/mnist-500' });
    expect(idx.train.name).toBe('mnist-500');
    expect(idx.train.count).toBeGreaterThan(0);
  });
});
