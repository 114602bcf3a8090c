/**
 * examples/load_numpy.py against models written by the real engine (its command line): the
 * numpy-only script must get exactly the engine's test accuracy and the same logits.
 * Skipped, saying so, when python3 with numpy is not installed.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mnistDataDir } from '../../src-engine/node/dataset-files';
import { tempDir } from '../main/library/model-fixtures';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'examples', 'load_numpy.py');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'mnist-500');

const probe = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
const numpy = probe.status === 0 ? probe.stdout.trim() : null;
if (!numpy) console.warn('SKIPPED examples/load_numpy.py test: python3 with numpy is not installed on this machine.');

const tmp = tempDir('scratchnet-numpy-');
afterAll(() => tmp.cleanup());

/** Run the engine's command line; returns the --json result line. */
function cli(...args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-engine/node/cli.ts'), ...args, '--json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

function example(model: string, ...args: string[]): { stdout: string; result: { accuracy: number; correct: number; count: number; logits: number[][] } } {
  const r = spawnSync('python3', [SCRIPT, model, ...args, '--json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`load_numpy.py failed: ${r.stderr}`);
  return { stdout: r.stdout, result: JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

function sameLogits(numpyLogits: number[][], engine: { logits: number[] }[]): void {
  expect(numpyLogits).toHaveLength(engine.length);
  numpyLogits.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - engine[i].logits[j])).toBeLessThan(1e-9 * (1 + Math.abs(v)))));
}

describe.skipIf(!numpy)(`examples/load_numpy.py (numpy ${numpy ?? 'not installed'})`, () => {
  it('matches the engine on the 10,000 MNIST test digits: accuracy exactly, logits to 1e-9', () => {
    const model = path.join(tmp.dir, 'mnist.safetensors');
    cli('train', '--layers', '784,32,10', '--limit', '3000', '--epochs', '1', '--seed', '4', '--out', model);
    const engine = cli('eval', model);
    const { stdout, result } = example(model);
    expect(result.count).toBe(10000);
    expect(result.accuracy).toBe(engine.test_accuracy);
    expect(result.accuracy).toBeGreaterThan(0.8);
    expect(stdout).toContain(`accuracy: ${((engine.test_accuracy as number) * 100).toFixed(2)}% (${result.correct} of 10000)`);
    const predicted = cli('predict', model, '--images', path.join(mnistDataDir(), 't10k-images-idx3-ubyte'), '--limit', '10');
    sameLogits(result.logits, predicted.predictions as { logits: number[] }[]);
  });

  it('runs a 3-vs-7 tanh model with one bce output, given a data folder of .gz files', () => {
    const model = path.join(tmp.dir, 'three-seven.safetensors');
    cli('train', '--dataset', `idx:${FIXTURE}`, '--layers', '784,12,6,1', '--activation', 'tanh', '--loss', 'bce', '--classes', '3,7', '--epochs', '3', '--out', model);
    const engine = cli('eval', model, '--dataset', `idx:${FIXTURE}`); // the CLI never opens a path stored in the file
    const { result } = example(model, '--data', FIXTURE);
    expect(result.accuracy).toBe(engine.test_accuracy);
    expect(result.count).toBe(engine.count); // only the 3s and 7s of the test set
    expect(result.accuracy).toBeGreaterThan(0.8);
  });
});
