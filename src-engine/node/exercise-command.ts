/**
 * `npm run cli -- exercise list` and `exercise check NAME FILE`: the Build it view's exercises
 * from a terminal, for a solution written in the learner's own editor. The verdict is the same
 * text the app shows (exercises/check.ts); the code runs in the same kind of sandbox.
 */
import { readFileSync } from 'node:fs';
import { checkResults, formatVerdict, type Verdict } from '../exercises/check';
import { EXERCISES, exerciseNamed } from '../exercises/exercises';
import { UsageError } from './cli-args';
import { runInSandbox } from './exercise-sandbox';

/** Check learner code against an exercise in the sandbox. */
export async function checkExercise(name: string, code: string): Promise<{ verdict: Verdict; text: string }> {
  const exercise = exerciseNamed(name);
  const cases = exercise.cases();
  const verdict = checkResults(exercise, cases, await runInSandbox(exercise, code, cases));
  return { verdict, text: formatVerdict(exercise, verdict) };
}

/** Run `exercise list|check`; returns the lines for stdout and whether it passed. */
export async function exerciseCommand(positionals: string[]): Promise<{ lines: string[]; passed: boolean; verdict?: Verdict }> {
  const [sub, name, file] = positionals;
  if (sub === 'list') {
    const lines = EXERCISES.flatMap((e, i) => [`${i + 1}. ${e.name.padEnd(22)} ${e.title}`, ...e.signature.split('\n').map((s) => `     ${s}`)]);
    return { lines, passed: true };
  }
  if (sub !== 'check') throw new UsageError('exercise takes "list" or "check NAME FILE"');
  if (!name || !file) throw new UsageError('usage: exercise check NAME FILE (exercise list shows the names)');
  const exercise = EXERCISES.find((e) => e.name === name);
  if (!exercise) throw new UsageError(`there is no exercise "${name}"; the exercises are: ${EXERCISES.map((e) => e.name).join(', ')}`);
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const { verdict, text } = await checkExercise(name, code);
  return { lines: text.split('\n'), passed: verdict.passed, verdict };
}
