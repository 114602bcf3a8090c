/**
 * The Worker that runs learner code, inside the sandboxed exercise frame (an opaque origin whose
 * policy allows no connection). It checks a piece on the cases it is sent, or trains the small
 * MNIST network with the learner's relu and with the engine's. Bundled whole (engine ops
 * included) into one script that the frame starts from a blob; it is terminated after a time limit.
 */
import { exerciseNamed } from '../../src-engine/exercises/exercises';
import type { ExerciseCase } from '../../src-engine/exercises/exercise';
import { type CaseResults, describeThrown, forbiddenMessage, learnerBody, readOutputs } from '../../src-engine/exercises/learner-call';
import { type DigitSet, type LearnerPieces, type SmallRunSettings, trainSmall } from '../../src-engine/exercises/train-with';

export type WorkerJob =
  | { kind: 'check'; exercise: string; code: string; cases: ExerciseCase[] }
  /** `pieces`: the learner's code of each exercise whose piece replaces the engine's (by exercise name). */
  | { kind: 'train'; pieces: Record<string, string>; train: DigitSet; test: DigitSet; settings: SmallRunSettings };

export type WorkerReply =
  | { type: 'checked'; results: CaseResults }
  | { type: 'progress'; run: 'engine' | 'yours'; epoch: number }
  | { type: 'trained'; engine: { accuracy: number; seconds: number }; yours: { accuracy: number; seconds: number } }
  | { type: 'failed'; error: string };

const send = self.postMessage.bind(self);
const post = (m: WorkerReply) => send(m);

// NOTE: the frame's policy (connect-src 'none', no script sources) is the wall; these only turn
// what would be a browser's terse refusal into a sentence a learner can act on.
for (const name of ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'postMessage']) {
  Object.defineProperty(self, name, { value: function forbidden() { throw new Error(forbiddenMessage(name)); }, writable: false, configurable: false });
}

function compile(exerciseName: string, code: string): (...args: unknown[]) => unknown {
  const exercise = exerciseNamed(exerciseName);
  try {
    return new Function(...exercise.params, learnerBody(exercise, code)) as (...args: unknown[]) => unknown;
  } catch (e) {
    throw new Error(`Your code does not compile: ${describeThrown(e)}`);
  }
}

function check(job: Extract<WorkerJob, { kind: 'check' }>): CaseResults {
  const exercise = exerciseNamed(job.exercise);
  let fn: (...args: unknown[]) => unknown;
  try {
    fn = compile(job.exercise, job.code);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const outputs: Record<string, Float64Array>[] = [];
  for (const c of job.cases) {
    let raw: unknown;
    try {
      raw = fn(...c.args.map((a) => (typeof a === 'number' ? a : a.slice())));
    } catch (e) {
      return { ok: false, error: `Your code threw an error on the case "${c.label}": ${describeThrown(e)}` };
    }
    const read = readOutputs(exercise, c, raw);
    if (typeof read === 'string') return { ok: false, error: read };
    outputs.push(read);
  }
  return { ok: true, outputs };
}

/** The learner's functions, by the name the trainer knows them by. */
function learnerPieces(codes: Record<string, string>): LearnerPieces {
  const fns = (name: string) => {
    const e = exerciseNamed(name);
    return new Function(`${codes[name]}\n;return { ${e.functions.join(', ')} };`)() as Record<string, unknown>;
  };
  const pieces: LearnerPieces = {};
  if (codes.relu !== undefined) pieces.relu = fns('relu') as unknown as LearnerPieces['relu'];
  if (codes['linear-backward'] !== undefined) pieces.linearBackward = fns('linear-backward').linearBackward as LearnerPieces['linearBackward'];
  if (codes['softmax-cross-entropy'] !== undefined) pieces.softmaxCrossEntropy = fns('softmax-cross-entropy').softmaxCrossEntropy as LearnerPieces['softmaxCrossEntropy'];
  if (codes.sgd !== undefined) pieces.sgdStep = fns('sgd').sgdStep as LearnerPieces['sgdStep'];
  return pieces;
}

function train(job: Extract<WorkerJob, { kind: 'train' }>): WorkerReply {
  let piece: LearnerPieces;
  try {
    piece = learnerPieces(job.pieces);
  } catch (e) {
    return { type: 'failed', error: `Your code does not compile: ${describeThrown(e)}` };
  }
  const now = () => performance.now();
  // NOTE: a short warm-up of each first, so that neither timed run pays for the JIT's first compiles.
  const warmUp = { ...job.settings, images: 2000, epochs: 1 };
  const few = { images: job.test.images.subarray(0, 500 * 784), labels: job.test.labels.subarray(0, 500) };
  trainSmall(job.train, few, warmUp, null, now);
  try {
    trainSmall(job.train, few, warmUp, piece, now);
  } catch (e) {
    return { type: 'failed', error: `Training with your code stopped: ${describeThrown(e)}` };
  }
  const engine = trainSmall(job.train, job.test, job.settings, null, now, (epoch) => post({ type: 'progress', run: 'engine', epoch }));
  let yours;
  try {
    yours = trainSmall(job.train, job.test, job.settings, piece, now, (epoch) => post({ type: 'progress', run: 'yours', epoch }));
  } catch (e) {
    return { type: 'failed', error: `Training with your code stopped: ${describeThrown(e)}` };
  }
  return { type: 'trained', engine: { accuracy: engine.accuracy, seconds: engine.seconds }, yours: { accuracy: yours.accuracy, seconds: yours.seconds } };
}

self.onmessage = (e: MessageEvent<WorkerJob>) => {
  const job = e.data;
  try {
    post(job.kind === 'check' ? { type: 'checked', results: check(job) } : train(job));
  } catch (err) {
    post({ type: 'failed', error: describeThrown(err) });
  }
};
