/**
 * How a sandbox calls a learner's code, shared by the app's (a Worker in a sandboxed frame) and
 * the command line's (a worker thread with a bare vm context): the body that runs it, how its
 * results are read back, and how what it threw is told.
 */
import type { Exercise, ExerciseCase } from './exercise';

/** What a sandbox answers for a check: the outputs of every case, or why it could not run them. */
export type CaseResults = { ok: true; outputs: Record<string, Float64Array>[] } | { ok: false; error: string };

/** Names the sandbox forbids, each with the reason a learner reads when their code uses it. */
export const FORBIDDEN: Record<string, string> = {
  fetch: 'the network',
  XMLHttpRequest: 'the network',
  WebSocket: 'the network',
  EventSource: 'the network',
  importScripts: 'other scripts',
  require: 'modules and files',
  process: 'the engine process',
  postMessage: 'the app',
  parent: 'the app',
  window: 'the app',
  document: 'the app',
  localStorage: 'the app',
};

/** The sentence for code that reached for a forbidden name. */
export function forbiddenMessage(name: string): string {
  return `${name} is not available: exercise code runs in a sandbox, cut off from ${FORBIDDEN[name] ?? 'the outside'} (no network, files, engine or app). Compute with the arguments alone.`;
}

/**
 * The body of the function a sandbox builds with the exercise's params as arguments: the
 * learner's code, a check that each function is defined, then the exercise's call.
 */
export function learnerBody(exercise: Exercise, code: string): string {
  const checks = exercise.functions.map((f) => `if (typeof ${f} !== 'function') return { __missing: ${JSON.stringify(f)} };`).join('\n');
  // NOTE: the learner's code comes first and alone on its lines, so its line numbers are theirs (+1 for the wrapper).
  return `${code}\n;${checks}\n${exercise.call}`;
}

/** The plain message for what learner code threw (an Error from any realm, or any value). */
export function describeThrown(e: unknown): string {
  const err = e as { name?: unknown; message?: unknown } | null;
  if (err && typeof err === 'object' && typeof err.message === 'string') {
    const name = typeof err.name === 'string' ? err.name : 'Error';
    const m = /^(\w+) is not defined$/.exec(err.message);
    if (name === 'ReferenceError' && m && m[1] in FORBIDDEN) return forbiddenMessage(m[1]);
    if (name === 'EvalError' || /unsafe-eval|code generation from strings/i.test(err.message)) return 'eval and new Function are not available: exercise code runs in a sandbox that does not compile strings.';
    if (name === 'NetworkError' || name === 'SecurityError') return `${name}: ${err.message} (the sandbox allows no connections: no network, files, engine or app)`;
    return `${name}: ${err.message}`;
  }
  return `it threw ${String(e)}`;
}

/**
 * Read what the call returned into Float64Arrays, one per output; a string says what is wrong
 * (a missing function, a value that is not numbers, a wrong length).
 */
export function readOutputs(exercise: Exercise, c: ExerciseCase, raw: unknown): Record<string, Float64Array> | string {
  const r = raw as Record<string, unknown> | null;
  if (r && typeof r.__missing === 'string') return `Your code does not define a function named ${r.__missing}; the exercise expects:\n${exercise.signature}`;
  const out: Record<string, Float64Array> = {};
  for (const name of exercise.outputs) {
    const v = r?.[name];
    const shape = c.shapes[name];
    const want = shape.reduce((p, d) => p * d, 1);
    if (shape.length === 0) {
      if (typeof v !== 'number') return `${name} must be a number, but your code gave ${kindOf(v)}.`;
      out[name] = Float64Array.of(v);
      continue;
    }
    const length = (v as { length?: unknown } | null)?.length;
    if (v === null || typeof v !== 'object' || typeof length !== 'number') {
      return `${name} must be a Float64Array (or an array) of ${want} numbers, but your code gave ${kindOf(v)}.`;
    }
    const arr = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const x = (v as Record<number, unknown>)[i];
      if (typeof x !== 'number') return `${name}[${i}] must be a number, but it is ${kindOf(x)}.`;
      arr[i] = x;
    }
    out[name] = arr;
  }
  return out;
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'undefined (did the function return it?)';
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as { length?: unknown }).length !== undefined ? 'an array-like' : 'an object';
  return `a ${typeof v} (${String(v).slice(0, 40)})`;
}

/** What a learner reads when their code ran past the time limit (and was stopped). */
export function timeLimitMessage(limitMs: number): string {
  return `Your code did not finish within ${limitMs / 1000} s and was stopped (an endless loop?). Check that every loop ends.`;
}
