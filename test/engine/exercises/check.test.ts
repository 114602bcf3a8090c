/**
 * The exercises' checker on real learner code run in the command line's sandbox (a worker thread):
 * every right solution passes; each common mistake is told by its own hint; the engine's answers
 * agree with central finite differences on every case (so a case can never fail a right answer).
 */
import { describe, expect, it } from 'vitest';
import { checkResults, formatVerdict } from '../../../src-engine/exercises/check';
import { EXERCISES, exerciseNamed } from '../../../src-engine/exercises/exercises';
import { checkExercise } from '../../../src-engine/node/exercise-command';
import { LINEAR_MISSING_TRANSPOSE, RELU_TIMES_OUTPUT, SOLUTIONS } from '../../fixtures/exercises/solutions';

const swap = (name: string, from: string, to: string) => {
  const code = SOLUTIONS[name];
  if (!code.includes(from)) throw new Error(`${name}'s solution has no "${from}"`);
  return code.replace(from, to);
};

/** A mistake, the code that makes it, and the words its hint must hold. */
const MISTAKES: [string, string, string][] = [
  ['relu', RELU_TIMES_OUTPUT, "dy is multiplied by relu's output"],
  ['relu', swap('relu', 'dx[i] = x[i] > 0 ? dy[i] : 0;', 'dx[i] = x[i] >= 0 ? dy[i] : 0;'), 'at exactly x = 0'],
  ['relu', swap('relu', 'dx[i] = x[i] > 0 ? dy[i] : 0;', 'dx[i] = x[i] > 0 ? 1 : 0;'), 'dx is the mask alone'],
  ['sigmoid-backward', swap('sigmoid-backward', 'dx[i] = dy[i] * s * (1 - s);', 'dx[i] = dy[i] * x[i] * (1 - x[i]);'), "applied to x itself"],
  ['sigmoid-backward', swap('sigmoid-backward', 'dx[i] = dy[i] * s * (1 - s);', 'dx[i] = dy[i] * s;'), 'the (1 − σ(x)) factor is missing'],
  ['softmax-cross-entropy', swap('softmax-cross-entropy', '(p - (j === labels[r] ? 1 : 0)) / batch', 'p - (j === labels[r] ? 1 : 0)'), 'the 1/batch is missing'],
  ['softmax-cross-entropy', swap('softmax-cross-entropy', 'return { loss: loss / batch, dlogits };', 'return { loss, dlogits };'), 'summed over the batch, not averaged'],
  ['linear-backward', LINEAR_MISSING_TRANSPOSE, 'W is used without its transpose'],
  ['linear-backward', swap('linear-backward', 'dw[i * outF + j] += x[b * inF + i] * g;', 'dw[i * outF + j] += x[i * batch + b] * g;'), 'x is used without its transpose'],
  ['linear-backward', swap('linear-backward', 'dw[i * outF + j] += x[b * inF + i] * g;', 'dw[j * inF + i] += x[b * inF + i] * g;'), "stored [out, in] (PyTorch's layout)"],
  ['linear-backward', swap('linear-backward', 'return { dw, db, dx };', 'return { dw, db: db.map((v) => v / batch), dx };'), 'db looks divided by the batch'],
  ['linear-backward', SOLUTIONS['linear-backward'].replace('db[j] += g;', 'db[b] += g;').replace('const db = new Float64Array(outF);', 'const db = new Float64Array(batch);'), 'db looks like a sum over the wrong axis'],
  ['sgd', swap('sgd', 'w[i] - lr * g[i]', 'w[i] + lr * g[i]'), 'goes up the gradient'],
  ['momentum', swap('momentum', 'nextW[i] = w[i] - lr * nextV[i];', 'nextW[i] = w[i] - lr * v[i];'), 'uses the old velocity'],
  ['momentum', swap('momentum', 'nextV[i] = mu * v[i] + g[i];\n    nextW[i] = w[i] - lr * nextV[i];', 'nextV[i] = mu * v[i] - lr * g[i];\n    nextW[i] = w[i] + nextV[i];'), "PyTorch's form"],
  ['neuron', swap('neuron', 'return z + b;', 'return z;'), 'the bias is missing'],
];

describe('exercises', () => {
  it('has the seven pieces in the order a learner meets them, each with a stub that defines its functions', () => {
    expect(EXERCISES.map((e) => e.name)).toEqual(['neuron', 'relu', 'sigmoid-backward', 'softmax-cross-entropy', 'linear-backward', 'sgd', 'momentum']);
    for (const e of EXERCISES) for (const f of e.functions) expect(e.stub, e.name).toContain(`function ${f}(`);
  });

  it('speaks of a single number as one, not as an empty shape or an unfilled array (the neuron\'s untouched stub)', () => {
    const e = exerciseNamed('neuron');
    const cases = e.cases();
    const text = formatVerdict(e, checkResults(e, cases, { ok: true, outputs: cases.map(() => ({ z: Float64Array.of(0) })) }));
    expect(text.split('\n')[0]).toMatch(/\(z is a single number\)\.$/);
    expect(text).toContain('z is 0: is the sum started but never added to, or computed and not returned?');
  });

  it('the cases hold zeros, negatives and the edge cases (exact zeros for relu, ±1000 logits)', () => {
    const relu = exerciseNamed('relu').cases();
    expect(relu.some((c) => (c.args[0] as Float64Array).some((v) => v === 0))).toBe(true);
    expect(relu.some((c) => (c.args[0] as Float64Array).every((v) => v < 0))).toBe(true);
    expect(exerciseNamed('softmax-cross-entropy').cases().some((c) => (c.args[0] as Float64Array).some((v) => Math.abs(v) > 500))).toBe(true);
  });

  it("the engine's own answers agree with central finite differences on every case", () => {
    for (const e of EXERCISES) {
      if (!e.numeric) continue;
      for (const c of e.cases()) {
        const numeric = e.numeric(c.args);
        const expected = e.expected(c.args);
        for (const g of e.gradients) {
          numeric[g].forEach((v, i) => Number.isNaN(v) || expect(Math.abs(v - expected[g][i]), `${e.name} ${c.label} ${g}[${i}]`).toBeLessThan(1e-5 + 1e-3 * Math.abs(v)));
        }
      }
    }
  });

  it.each(Object.keys(SOLUTIONS))('a right %s passes, against the engine and (for gradients) finite differences', async (name) => {
    const { verdict, text } = await checkExercise(name, SOLUTIONS[name]);
    expect(verdict.error).toBeNull();
    expect(verdict.passed).toBe(true);
    expect(text).toMatch(new RegExp(`^✓ ${name} passes: on all \\d cases`));
    if (exerciseNamed(name).gradients.length) expect(verdict.numericGap).toBeLessThan(1e-5);
  });

  it.each(MISTAKES)('%s: a common mistake gets its own hint (%#)', async (name, code, hint) => {
    const { verdict, text } = await checkExercise(name, code);
    expect(verdict.passed).toBe(false);
    expect(verdict.hint).toContain(hint);
    expect(text).toContain(`Hint: ${verdict.hint}`);
  });

  it('says which entries differ, by how much and where, for the missing transpose', async () => {
    const { verdict, text } = await checkExercise('linear-backward', LINEAR_MISSING_TRANSPOSE);
    const d = verdict.difference!;
    expect(d).toMatchObject({ output: 'dx', caseLabel: 'batch 2, 3 → 4', shape: [2, 3], against: 'engine', total: 6 });
    expect(d.entries[0].at).toEqual([0, 0]);
    expect(text.split('\n')[0]).toBe('✗ linear-backward: dx differs from the engine on the case "batch 2, 3 → 4" (dx is [2, 3]).');
    expect(text.split('\n')[1]).toMatch(/^ {2}\d of 6 entries differ; the largest by [\d.]+ at \[\d, \d\]: yours -?[\d.]+, engine -?[\d.]+\.$/);
  });

  it('a wrong length, NaN, or nothing returned are said in words', async () => {
    const short = await checkExercise('linear-backward', swap('linear-backward', 'const db = new Float64Array(outF);', 'const db = new Float64Array(batch);'));
    expect(short.text).toContain('should have');
    const none = await checkExercise('sgd', 'function sgdStep(w, g, lr) { }');
    expect(none.text).toBe("✗ sgd: your code could not be checked.\nw2 must be a Float64Array (or an array) of 6 numbers, but your code gave undefined (did the function return it?).");
    const nan = await checkExercise('neuron', 'function neuron(x, w, b) { return NaN; }');
    expect(nan.text.split('\n')[1]).toMatch(/^ {2}Yours NaN, engine -?[\d.]+ \(not a number\)\.$/);
    const off = await checkExercise('neuron', 'function neuron(x, w, b) { return 0; }');
    expect(off.text.split('\n')[1]).toMatch(/^ {2}Yours 0, engine -?[\d.]+ \(off by [\d.]+\)\.$/);
    const missing = await checkExercise('relu', 'function relu(x) { return x; }');
    expect(missing.text).toContain('Your code does not define a function named reluBackward');
  });

  it('formats a sandbox failure as the message itself', () => {
    const e = exerciseNamed('neuron');
    expect(formatVerdict(e, checkResults(e, e.cases(), { ok: false, error: 'Your code did not finish within 5 s' }))).toBe('✗ neuron: your code could not be checked.\nYour code did not finish within 5 s');
  });
});
