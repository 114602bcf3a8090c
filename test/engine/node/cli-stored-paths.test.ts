/**
 * A model file can carry any dataset path (another tool, or a file someone sent): the command line
 * shows it but opens only paths given on the command line, or the bundled MNIST (issue 15, item 9).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli';

describe('a dataset path stored inside a model file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-stored-'));
  const train = join(dir, 'someone-elses.csv');
  const test = join(dir, 'someone-elses-test.csv');
  const stored = `${train},${test}`;
  const model = join(dir, 'm.safetensors');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    // 2x2 images of two classes: a model trained on it stores the path csv:<stored>
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i % 2},${i % 2 ? '200,200,0,0' : '0,0,200,200'}`).join('\n') + '\n';
    writeFileSync(train, rows(40));
    writeFileSync(test, rows(10));
    const r = cli('train', '--dataset', `csv:${stored}`, '--layers', '4,2', '--epochs', '1', '--batch', '8', '--out', model);
    expect(r.stderr).toMatch(/ended in .*saved/);
    expect(r.code).toBe(0);
  });

  const refusal = (command: string) =>
    `error: ${model} was trained on csv:${stored}, a path stored inside the model file; the command line never opens a path it finds in a file. ` +
    `To ${command} on that data, give it yourself: --dataset csv:${stored}`;

  it('eval shows the stored path and does not open it', () => {
    const r = cli('eval', model);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(refusal('evaluate'));
    expect(r.stdout).toBe('');
  });

  it('train --resume shows the stored path and does not open it', () => {
    const r = cli('train', '--resume', model, '--epochs', '1');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(refusal('continue training'));
  });

  it('opens the path when it is given on the command line', () => {
    expect(cli('eval', model, '--dataset', `csv:${stored}`).code).toBe(0);
    const r = cli('train', '--resume', model, '--epochs', '1', '--dataset', `csv:${stored}`, '--out', join(dir, 'more.safetensors'));
    expect(r.stderr).toMatch(/resuming .* epochs 2-2/);
    expect(r.code).toBe(0);
  });
});
