/**
 * `predict` names the model's outputs for what they are (issue 14 #4, on the command line, read
 * as the Digit pad reads them): a model trained with MSE gives scores, not probabilities; a bce
 * model's probability is of one of its two classes against the other, and it knows only those.
 * It used to call an MSE model's outputs probabilities (the softmax of its scores).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli';

const FIXTURE = 'idx:test/fixtures/mnist-500';
const IMAGES = 'test/fixtures/mnist-500/t10k-images-idx3-ubyte.gz';

/** The printed rows (stdout without the --json line). */
const rows = (stdout: string) => stdout.trimEnd().split('\n').slice(0, -1);

describe('predict says what the outputs are', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-predict-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an MSE model: scores, not probabilities, printed and in the JSON', () => {
    const model = join(dir, 'mse.safetensors');
    expect(cli('train', '--dataset', FIXTURE, '--layers', '784,16,10', '--loss', 'mse', '--epochs', '1', '--batch', '50', '--out', model).code).toBe(0);
    const r = cli('predict', model, '--images', IMAGES, '--limit', '3', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `${model}: Trained with mean squared error, the model gives each class a score that aims at 1 for the right class and 0 for the others: scores, not probabilities.\n`,
    );
    const j = r.json();
    expect(j).toMatchObject({ loss: 'mse', outputs: 'scores', classes: [...'0123456789'] });
    expect(j.predictions).toHaveLength(3);
    j.predictions.forEach((p: { index: number; class: string; scores: number[] }, i: number) => {
      expect(Object.keys(p).sort()).toEqual(['class', 'index', 'scores']); // no "probabilities" they are not
      expect(p.scores).toHaveLength(10);
      const best = p.scores.indexOf(Math.max(...p.scores));
      expect(p.class).toBe(String(best));
      expect(rows(r.stdout)[i]).toBe(`${String(i).padStart(5)}  ${p.class.padStart(3)}  score=${p.scores[best].toFixed(4)}`);
    });
  });

  it('a bce model: the probability of one class against the other, and only its two classes', () => {
    const model = join(dir, 'bce.safetensors');
    expect(cli('train', '--dataset', FIXTURE, '--layers', '784,8,1', '--loss', 'bce', '--classes', '3,7', '--epochs', '1', '--batch', '50', '--out', model).code).toBe(0);
    const r = cli('predict', model, '--images', IMAGES, '--limit', '4', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${model}: It knows only 3 and 7: whatever the image, it answers one of them.\n`);
    const j = r.json();
    expect(j).toMatchObject({ loss: 'bce', outputs: 'probabilities', classes: ['3', '7'] });
    j.predictions.forEach((p: { class: string; probabilities: number[]; logits: number[] }, i: number) => {
      expect(p.logits).toHaveLength(1);
      expect(p.probabilities[1]).toBeCloseTo(1 / (1 + Math.exp(-p.logits[0])), 12); // σ(logit): the second class's
      expect(p.probabilities[0] + p.probabilities[1]).toBeCloseTo(1, 12);
      const answer = p.class === '7' ? 1 : 0;
      expect(rows(r.stdout)[i]).toBe(`${String(i).padStart(5)}  ${p.class.padStart(3)}  p=${p.probabilities[answer].toFixed(4)} (${p.class} rather than ${p.class === '7' ? '3' : '7'})`);
    });
  });
});
