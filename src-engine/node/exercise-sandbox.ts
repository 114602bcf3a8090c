/**
 * The command line's sandbox for learner code: a worker thread that compiles it in a bare vm
 * context (no require, process, fetch or file system; eval and new Function refused) and calls
 * it on the exercise's cases. The thread is terminated after a time limit, so an endless loop
 * or a runaway allocation ends with a message instead of a hang.
 */
import { Worker } from 'node:worker_threads';
import type { Exercise, ExerciseCase } from '../exercises/exercise';
import { type CaseResults, describeThrown, learnerBody, readOutputs, timeLimitMessage } from '../exercises/learner-call';

/** How long one check may run. */
export const CHECK_TIME_LIMIT_MS = 5000;

// NOTE: plain JavaScript run with `eval: true`, so the thread needs no TypeScript loader. Values
// cross into the context only as numbers and as typed arrays made by the context itself: a host
// object there would hand the learner the host's Function, and through it `process`.
const WORKER_SOURCE = `(() => {
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');
const { params, body, outputs, cases } = workerData;
const context = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
const thrown = (e) => ({ name: e && typeof e.name === 'string' ? e.name : 'Error', message: e && typeof e.message === 'string' ? e.message : String(e), line: /your-code\\.js:(\\d+)/.exec(String(e && e.stack))?.[1] ?? null });
let fn;
try {
  fn = vm.runInContext('(function (' + params.join(', ') + ') {\\n' + body + '\\n})', context, { filename: 'your-code.js', lineOffset: -1 });
} catch (e) {
  parentPort.postMessage({ ok: false, thrown: thrown(e), compile: true });
  return;
}
const makeF64 = vm.runInContext('(n) => new Float64Array(n)', context);
const makeU8 = vm.runInContext('(n) => new Uint8Array(n)', context);
const into = (make, values) => { const a = make(values.length); for (let i = 0; i < values.length; i++) a[i] = values[i]; return a; };
const plain = (v) => {
  if (typeof v === 'number' || v === undefined || v === null) return v;
  if (typeof v !== 'object') return String(v);
  const n = v.length;
  if (typeof n !== 'number' || n < 0 || n > 1e7) return {};
  const out = new Array(n);
  for (let i = 0; i < n; i++) { const x = v[i]; out[i] = typeof x === 'number' ? x : x === undefined ? undefined : String(x); }
  return out;
};
const raws = [];
for (let k = 0; k < cases.length; k++) {
  const args = cases[k].map((a) => typeof a === 'number' ? a : into(a instanceof Uint8Array ? makeU8 : makeF64, a));
  let r;
  try {
    r = fn(...args);
  } catch (e) {
    parentPort.postMessage({ ok: false, thrown: thrown(e), at: k });
    return;
  }
  const raw = {};
  if (r && typeof r.__missing === 'string') raw.__missing = String(r.__missing);
  for (const name of outputs) raw[name] = plain(r == null ? undefined : r[name]);
  raws.push(raw);
}
parentPort.postMessage({ ok: true, raws });
})();
`;

interface WorkerReply {
  ok: boolean;
  raws?: Record<string, unknown>[];
  thrown?: { name: string; message: string; line: string | null };
  compile?: boolean;
  at?: number;
}

/** Run the learner's code on the cases in a fresh sandboxed thread; never throws, never hangs. */
export function runInSandbox(exercise: Exercise, code: string, cases: ExerciseCase[], limitMs = CHECK_TIME_LIMIT_MS): Promise<CaseResults> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { params: exercise.params, body: learnerBody(exercise, code), outputs: exercise.outputs, cases: cases.map((c) => c.args) },
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
    });
    let settled = false;
    const done = (r: CaseResults) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, error: timeLimitMessage(limitMs) }), limitMs);
    worker.on('message', (m: WorkerReply) => {
      if (m.ok) {
        const outputs: Record<string, Float64Array>[] = [];
        for (const [k, raw] of (m.raws ?? []).entries()) {
          const read = readOutputs(exercise, cases[k], raw);
          if (typeof read === 'string') return done({ ok: false, error: read });
          outputs.push(read);
        }
        return done({ ok: true, outputs });
      }
      const t = m.thrown!;
      const where = m.compile ? 'Your code does not compile' : `Your code threw an error on the case "${cases[m.at ?? 0]?.label}"`;
      done({ ok: false, error: `${where}${t.line ? ` (line ${t.line})` : ''}: ${describeThrown(t)}` });
    });
    worker.on('error', (e: Error & { code?: string }) => {
      done({ ok: false, error: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'Your code ran out of memory (more than 256 MB) and was stopped.' : `The sandbox failed: ${e.message}` });
    });
    worker.on('exit', () => done({ ok: false, error: 'The sandbox stopped before your code finished.' }));
  });
}
