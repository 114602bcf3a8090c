/**
 * The one checker of the exercises, for the app and the command line: compare what a learner's
 * code gave on every case with the engine's own op and, for gradients, with central finite
 * differences; find the first difference, recognise a common mistake, and say it in words.
 */
import { GRADCHECK_ATOL, GRADCHECK_RTOL } from '../gradcheck';
import type { Exercise, ExerciseCase, Outputs } from './exercise';
import type { CaseResults } from './learner-call';

/** Learner against the engine: the same arithmetic, so only rounding may differ. */
const ATOL = 1e-9;
const RTOL = 1e-7;

export interface Entry {
  /** Row and column (or just the index) in the output's shape. */
  at: number[];
  yours: number;
  expected: number;
}

/** The first output of the first case that differs. */
export interface Difference {
  caseLabel: string;
  output: string;
  shape: number[];
  /** What it was compared with. */
  against: 'engine' | 'finite differences';
  differing: number;
  total: number;
  /** The entry that differs most. */
  largest: Entry & { by: number };
  /** The first few differing entries, in order. */
  entries: Entry[];
  yours: Float64Array;
  expected: Float64Array;
  /** A wrong length: the other fields describe the values as far as they go. */
  lengthMismatch: boolean;
}

export interface Verdict {
  exercise: string;
  passed: boolean;
  /** Cases the code was run on. */
  cases: string[];
  /** The code could not be run or gave no numbers (syntax error, a throw, a time limit, a wrong type). */
  error: string | null;
  difference: Difference | null;
  /** A common mistake recognised in the difference. */
  hint: string | null;
  /** Largest gap between the learner's gradients and central finite differences (null: nothing to compare). */
  numericGap: number | null;
}

const close = (a: number, b: number, atol: number, rtol: number) => Math.abs(a - b) <= atol + rtol * Math.abs(b);

/** Row and column of flat index i in a shape (the index itself for 1-D). */
function position(i: number, shape: number[]): number[] {
  if (shape.length < 2) return [i];
  const cols = shape[shape.length - 1];
  return [Math.floor(i / cols), i % cols];
}

function compare(c: ExerciseCase, output: string, yours: Float64Array, expected: Float64Array, against: Difference['against'], atol: number, rtol: number): Difference | null {
  const shape = c.shapes[output];
  const lengthMismatch = yours.length !== expected.length;
  const entries: Entry[] = [];
  let differing = 0;
  let largest: Difference['largest'] | null = null;
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) continue; // not comparable here (a kink)
    const y = i < yours.length ? yours[i] : NaN;
    if (close(y, expected[i], atol, rtol)) continue;
    differing++;
    const entry = { at: position(i, shape), yours: y, expected: expected[i] };
    if (entries.length < 5) entries.push(entry);
    const by = Number.isNaN(y) ? Infinity : Math.abs(y - expected[i]);
    if (!largest || by > largest.by) largest = { ...entry, by };
  }
  if (!differing && !lengthMismatch) return null;
  largest ??= { at: [expected.length], yours: NaN, expected: NaN, by: Infinity };
  return { caseLabel: c.label, output, shape, against, differing, total: expected.length, largest, entries, yours, expected, lengthMismatch };
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => close(v, b[i], 1e-9, 1e-6));
}

/** The hint of the first listed mistake whose outputs are exactly what the learner gave. */
function recognise(exercise: Exercise, c: ExerciseCase, yours: Outputs): string | null {
  for (const m of exercise.mistakes) {
    const wrong = m.outputs(c.args);
    if (!wrong) continue;
    const names = Object.keys(wrong);
    if (names.length && names.every((n) => yours[n] && sameValues(yours[n], wrong[n]!))) return m.hint;
  }
  return null;
}

/** A hint from the difference itself when no listed mistake matches. */
function generalHint(exercise: Exercise, d: Difference, c: ExerciseCase): string | null {
  if (d.lengthMismatch) {
    return `${d.output} should have ${d.total} values (shape [${d.shape.join(', ')}]) but has ${d.yours.length}: check which sizes your loops run over.`;
  }
  if (Number.isNaN(d.largest.yours)) return `${d.output} has NaN at [${d.largest.at.join(', ')}]: something divided 0 by 0, took the log of 0, or read past the end of an array (undefined).`;
  if (d.yours.every((v) => v === 0)) {
    return d.shape.length === 0
      ? `${d.output} is 0: is the sum started but never added to, or computed and not returned?`
      : `${d.output} is all zeros: the array is created but never filled (or filled and not returned).`;
  }
  const ratio = d.largest.yours / d.largest.expected;
  for (const [k, name] of exercise.params.entries()) {
    const n = c.args[k];
    if (typeof n !== 'number' || n <= 1) continue;
    if (Math.abs(ratio - n) < 1e-6) return `${d.output} is ${n} times too large: is a division by ${name} missing?`;
    if (Math.abs(ratio * n - 1) < 1e-6) return `${d.output} is ${n} times too small: is it divided by ${name} once too often?`;
  }
  if (Math.abs(ratio + 1) < 1e-9) return `${d.output} has the opposite sign: check the sign of each term.`;
  return null;
}

/**
 * Check a learner's results on the exercise's cases.
 * @param results what the sandbox returned for exercise.cases(), in order
 */
export function checkResults(exercise: Exercise, cases: ExerciseCase[], results: CaseResults): Verdict {
  const labels = cases.map((c) => c.label);
  const verdict = (v: Partial<Verdict>): Verdict => ({ exercise: exercise.name, passed: false, cases: labels, error: null, difference: null, hint: null, numericGap: null, ...v });
  if (!results.ok) return verdict({ error: results.error });
  let gap: number | null = null;
  for (let k = 0; k < cases.length; k++) {
    const c = cases[k];
    const yours = results.outputs[k];
    const expected = exercise.expected(c.args);
    for (const output of exercise.outputs) {
      const d = compare(c, output, yours[output], expected[output], 'engine', ATOL, RTOL);
      if (d) return verdict({ difference: d, hint: recognise(exercise, c, yours) ?? generalHint(exercise, d, c) });
    }
    const numeric = exercise.numeric?.(c.args);
    for (const output of exercise.gradients) {
      if (!numeric) break;
      const d = compare(c, output, yours[output], numeric[output], 'finite differences', GRADCHECK_ATOL, GRADCHECK_RTOL);
      if (d) return verdict({ difference: d, hint: recognise(exercise, c, yours) ?? generalHint(exercise, d, c) });
      numeric[output].forEach((v, i) => Number.isNaN(v) || (gap = Math.max(gap ?? 0, Math.abs(v - yours[output][i]))));
    }
  }
  return verdict({ passed: true, numericGap: gap });
}

const fmt = (v: number) => (Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));

/** The verdict as a learner reads it, the same in the app and on the command line. */
export function formatVerdict(exercise: Exercise, v: Verdict): string {
  if (v.error) return `✗ ${exercise.name}: your code could not be checked.\n${v.error}`;
  if (v.passed) {
    const numeric = v.numericGap === null ? '' : `, and its gradients agree with central finite differences (largest gap ${v.numericGap.toExponential(1)})`;
    return `✓ ${exercise.name} passes: on all ${v.cases.length} cases (${v.cases.join('; ')}) it gives what the engine's own version gives${numeric}.`;
  }
  const d = v.difference!;
  const who = d.against === 'engine' ? 'the engine' : 'finite differences';
  const short = d.against === 'engine' ? 'engine' : 'finite differences';
  const form = d.shape.length === 0 ? 'a single number' : `[${d.shape.join(', ')}]`;
  const lines = [`✗ ${exercise.name}: ${d.output} differs from ${who} on the case "${d.caseLabel}" (${d.output} is ${form}).`];
  if (d.lengthMismatch) lines.push(`  It has ${d.yours.length} values; ${d.total} are expected.`);
  else {
    const l = d.largest;
    // NOTE: a NaN ranks first (by Infinity), but its difference is not a number, not "Infinity"
    const off = Number.isNaN(l.yours) ? 'not a number' : `off by ${fmt(l.by)}`;
    if (d.total === 1) lines.push(`  Yours ${fmt(l.yours)}, ${short} ${fmt(l.expected)} (${off}).`);
    else {
      const largest = Number.isNaN(l.yours) ? `yours is not a number at [${l.at.join(', ')}]` : `the largest by ${fmt(l.by)} at [${l.at.join(', ')}]`;
      lines.push(`  ${d.differing} of ${d.total} entries ${d.differing === 1 ? 'differs' : 'differ'}; ${largest}: yours ${fmt(l.yours)}, ${short} ${fmt(l.expected)}.`);
      for (const e of d.entries) lines.push(`    [${e.at.join(', ')}]  yours ${fmt(e.yours)}   ${short} ${fmt(e.expected)}`);
    }
  }
  if (v.hint) lines.push(`Hint: ${v.hint}`);
  return lines.join('\n');
}
