import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectOneLineError } from './run-cli';

const FIXTURE = 'idx:test/fixtures/mnist-500';

/** Run the real CLI as a user would (through tsx, no build step). */
describe('command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-cli-'));
  const model = join(dir, 'm.safetensors');

  it('train writes the model and prints JSON results as the last stdout line', () => {
    const r = cli('train', '--dataset', FIXTURE, '--layers', '784,16,10', '--epochs', '2', '--batch', '32', '--out', model, '--json');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.epochs).toHaveLength(2);
    expect(j.epochs[1]).toEqual(expect.objectContaining({ epoch: 2, train_loss: expect.any(Number), train_accuracy: expect.any(Number), test_accuracy: expect.any(Number), seconds: expect.any(Number) }));
    expect(j.test_accuracy).toBeGreaterThan(0.5);
    expect(j.samples_per_second).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/epoch 2: train loss/);
  });

  it('resume trains more epochs from exactly where the file stopped', () => {
    const r = cli('train', '--resume', model, '--epochs', '1', '--dataset', FIXTURE, '--json');
    expect(r.code).toBe(0);
    expect(r.json().epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3]);
  });

  it('resume refuses to change the recipe', () => {
    expectOneLineError(cli('train', '--resume', model, '--lr', '0.5'), '--lr cannot change when resuming: the run continues with its own settings (only --epochs, --stretch-schedule, --dataset, --out and --json apply)');
  });

  it('eval prints accuracy and the confusion matrix', () => {
    const r = cli('eval', model, '--dataset', FIXTURE, '--json');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/confusion matrix/);
    const j = r.json();
    expect(j.confusion).toHaveLength(10);
    expect(j.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(100);
    // the field names are a contract (README): scripts read them
    expect(Object.keys(j).sort()).toEqual(['classes', 'confusion', 'count', 'per_class_accuracy', 'per_class_precision', 'test_accuracy', 'test_loss']);
    const c: number[][] = j.confusion;
    c.forEach((row, k) => {
      const ofK = row.reduce((a, b) => a + b, 0);
      const asK = c.reduce((a, r) => a + r[k], 0);
      expect(j.per_class_accuracy[k]).toBe(ofK ? row[k] / ofK : null);
      expect(j.per_class_precision[k]).toBe(asK ? row[k] / asK : null);
    });
    expect(j.test_accuracy).toBe(c.reduce((a, r, k) => a + r[k], 0) / j.count);
  });

  it('predict gives class, probabilities and logits per image', () => {
    const r = cli('predict', model, '--images', 'test/fixtures/mnist-500/t10k-images-idx3-ubyte.gz', '--limit', '3', '--json');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j).toMatchObject({ loss: 'cross_entropy', outputs: 'probabilities', classes: [...'0123456789'] });
    const p = j.predictions;
    expect(p).toHaveLength(3);
    expect(Object.keys(p[0]).sort()).toEqual(['class', 'index', 'logits', 'probabilities']);
    expect(p[0].probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0].logits).toHaveLength(10);
    expect(r.stdout.split('\n')[0]).toMatch(/^ {4}0 {2} {2}\d {2}p=[01]\.\d{4}$/);
    expect(r.stderr).toBe(''); // probabilities of every digit: nothing to explain
  });

  it('baseline prints the mean-image accuracy', () => {
    const r = cli('baseline', '--dataset', FIXTURE, '--json');
    expect(r.code).toBe(0);
    expect(r.json().test_accuracy).toBeGreaterThan(0.5);
  });

  it('gradcheck passes', () => {
    const r = cli('gradcheck', '--json');
    expect(r.code).toBe(0);
    expect(r.json().failed).toBe(0);
    expect(r.stdout).toMatch(/all \d+ gradient checks passed/);
  });

  it('bad arguments and bad files are one clear line and a non-zero exit', () => {
    expectOneLineError(cli('train', '--lr', '-1', '--dataset', FIXTURE), 'learning rate must be a positive number (got -1)');
    expectOneLineError(cli('train', '--lr', 'fast'), '--lr must be a number (got "fast")');
    expectOneLineError(cli('train', '--batch', '0', '--dataset', FIXTURE), 'batch size must be a whole number from 1 to 60000 (got 0)');
    expectOneLineError(cli('train', '--layers', '100,10', '--dataset', FIXTURE), '--layers starts with 100 but the images have 784 pixels (28x28)');
    expectOneLineError(cli('train', '--bogus'), "unknown option '--bogus'");
    expectOneLineError(cli('frobnicate'), 'unknown command "frobnicate" (train, eval, predict, baseline, gradcheck, bench, lr-find, explain, export, exercise; --help for more)');
    expectOneLineError(cli('eval', join(dir, 'missing.safetensors')), `${join(dir, 'missing.safetensors')}: no such file`);
    const junk = join(dir, 'junk.safetensors');
    writeFileSync(junk, 'this is not a model');
    const r = cli('eval', junk);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(new RegExp(`^error: ${junk.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    const missing = cli('train', '--dataset', 'idx:/nonexistent/folder');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^error: .*\/nonexistent\/folder/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
