/**
 * `exercise list` and `exercise check NAME FILE` as a learner runs them: the names and signatures;
 * the same verdict text the app shows; and learner code that loops forever, throws, or reaches for
 * fetch, require, process or the file system stopped with a clear message, never a hang or a stack.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELU_TIMES_OUTPUT, SOLUTIONS } from '../../fixtures/exercises/solutions';
import { cli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-exercise-'));

/** Check code written to a file, as the learner's own editor would leave it. */
function check(name: string, code: string) {
  const file = join(dir, `${name}-${Math.abs(hash(code))}.js`);
  writeFileSync(file, code);
  return cli('exercise', 'check', name, file);
}

const hash = (s: string) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7);

describe('exercise command', () => {
  it('list names every exercise with its signature', () => {
    const r = cli('exercise', 'list');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2. relu                   ReLU, forward and backward');
    expect(r.stdout).toContain('     reluBackward(x: Float64Array, dy: Float64Array): Float64Array');
    expect(r.stdout).toContain('7. momentum');
  });

  it('check passes a right solution (status 0) and explains a wrong one (status 1)', () => {
    const right = check('relu', SOLUTIONS.relu);
    expect(right.code).toBe(0);
    expect(right.stdout).toMatch(/^✓ relu passes: on all 5 cases/);
    const wrong = check('relu', RELU_TIMES_OUTPUT);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain("Hint: It looks like dy is multiplied by relu's output");
  });

  it.each([
    ['an endless loop', 'function sgdStep(w, g, lr) { for (;;) {} }', 'Your code did not finish within 5 s and was stopped (an endless loop?)'],
    ['a thrown error', 'function sgdStep(w, g, lr) { throw new TypeError("not today"); }', 'Your code threw an error on the case "6 weights, lr 0.1" (line 1): TypeError: not today'],
    ['fetch', 'function sgdStep(w, g, lr) { fetch("http://127.0.0.1/"); }', 'fetch is not available: exercise code runs in a sandbox, cut off from the network'],
    ['require', 'function sgdStep(w, g, lr) { return require("fs").readFileSync("/etc/passwd"); }', 'require is not available: exercise code runs in a sandbox, cut off from modules and files'],
    ['process', 'function sgdStep(w, g, lr) { process.exit(0); }', 'process is not available: exercise code runs in a sandbox, cut off from the engine process'],
    ['a way out through a constructor', 'function sgdStep(w, g, lr) { return w.constructor.constructor("return process")().exit(0); }', 'eval and new Function are not available'],
    ['a syntax error', 'function sgdStep(w, g, lr) { return w +; }', 'Your code does not compile'],
    ['a huge allocation', 'function sgdStep(w, g, lr) { const a = []; for (;;) a.push(new Array(1e6).fill(1)); }', 'ran out of memory'],
  ])('stops %s with a clear message (status 1, no stack trace)', (_what, code, message) => {
    const r = check('sgd', code);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ sgd: your code could not be checked.');
    expect(r.stdout).toContain(message);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an unknown exercise or a missing file in one line', () => {
    const unknown = cli('exercise', 'check', 'conv2d', join(dir, 'x.js'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('error: there is no exercise "conv2d"; the exercises are: neuron, relu, sigmoid-backward, softmax-cross-entropy, linear-backward, sgd, momentum');
    const missing = cli('exercise', 'check', 'relu', join(dir, 'nope.js'));
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^error: cannot read .*nope\.js \(ENOENT\)$/);
  });
});
