/**
 * The Build it view's state: which exercise is open, the learner's code and progress (kept by
 * the host in the user's data folder), the last verdict, and training with the learner's relu.
 * Learner code runs only in the exercise sandbox (lib/exercise-sandbox.ts).
 */
import type { ScratchnetApi } from '../../src-main/host/api-contract';
import type { ExerciseProgress } from '../../src-main/library/exercise-progress';
import { checkResults, formatVerdict, type Verdict } from '../../src-engine/exercises/check';
import type { Exercise } from '../../src-engine/exercises/exercise';
import { EXERCISES, exerciseNamed } from '../../src-engine/exercises/exercises';
import { type DigitSet, runFor, SMALL_RUN } from '../../src-engine/exercises/train-with';
import { CHECK_LIMIT_MS, EPOCH_LIMIT_MS, ExerciseSandbox } from '../lib/exercise-sandbox';

export interface CheckShown {
  exercise: string;
  /** The code as it was checked: an edit since then makes the verdict an old one. */
  code: string;
  verdict: Verdict;
  text: string;
}

/** The exercises whose pieces the network can train with, in the order the network uses them. */
export const TRAINABLE = EXERCISES.filter((e) => e.trainAs !== null);

export interface TrainingShown {
  phase: 'data' | 'engine' | 'yours' | 'done' | 'failed';
  epoch: number;
  /** The pieces of the learner's it trains with, as named in sentences ("relu", "SGD step"). */
  pieces?: string[];
  engine?: { accuracy: number; seconds: number };
  yours?: { accuracy: number; seconds: number };
  error?: string;
}

const SAVE_DELAY_MS = 600;

export class BuildItState {
  current = $state<string>(EXERCISES[0].name);
  progress = $state<ExerciseProgress>({});
  /** Whether the saved progress has been read (the editor waits for it, so nothing typed is overwritten). */
  loaded = $state(false);
  /** Why progress could not be loaded or saved (null: all kept). */
  storeError = $state<string | null>(null);
  checking = $state(false);
  shown = $state.raw<CheckShown | null>(null);
  showEngine = $state(false);
  training = $state.raw<TrainingShown | null>(null);
  /** Solved pieces the learner chose to leave out of training (by exercise name). */
  leftOut = $state<Record<string, boolean>>({});
  /** The solved pieces that the next training run uses. */
  readonly chosen = $derived(TRAINABLE.filter((e) => this.passed(e.name) && !this.leftOut[e.name]));
  /** The settings of the run those pieces train in. */
  readonly run = $derived(runFor(this.chosen.map((e) => e.name)));
  readonly exercise = $derived(exerciseNamed(this.current));
  private data: { train: DigitSet; test: DigitSet } | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly api: ScratchnetApi,
    private readonly sandbox = new ExerciseSandbox(),
  ) {}

  /** Read the saved progress from the host. */
  async load(): Promise<void> {
    try {
      this.progress = await this.api.call('exercises:load', {});
      this.storeError = null;
    } catch (e) {
      this.storeError = `Your saved exercises could not be read: ${(e as Error).message}`;
    } finally {
      this.loaded = true;
    }
  }

  /** The learner's code for an exercise (its starting stub before they write any). */
  code(e: Exercise = this.exercise): string {
    return this.progress[e.name]?.code ?? e.stub;
  }

  passed(name: string): boolean {
    return this.progress[name]?.passed ?? false;
  }

  tried(name: string): boolean {
    return this.progress[name]?.tried ?? false;
  }

  open(name: string): void {
    this.current = name;
    this.shown = null;
    this.showEngine = false;
    if (!TRAINABLE.some((e) => e.name === name)) this.training = null;
  }

  /** The learner edited the code: kept (saved a moment after the last keystroke). */
  edit(code: string): void {
    const e = this.exercise;
    const was = this.progress[e.name];
    this.progress = { ...this.progress, [e.name]: { code, passed: was?.passed ?? false, tried: was?.tried ?? false } };
    this.scheduleSave();
  }

  /** Start again from the stub (kept like any edit). */
  reset(): void {
    this.edit(this.exercise.stub);
    this.shown = null;
  }

  /** Run the code in the sandbox on every case and check it against the engine. */
  async check(): Promise<void> {
    const e = this.exercise;
    const code = this.code(e);
    this.checking = true;
    try {
      const verdict = await this.verify(e, code);
      if (this.current === e.name) this.shown = { exercise: e.name, code, verdict, text: formatVerdict(e, verdict) };
      this.progress = { ...this.progress, [e.name]: { code, passed: verdict.passed, tried: true } };
      await this.save();
    } catch (err) {
      this.shown = { exercise: e.name, code, verdict: checkResults(e, [], { ok: false, error: (err as Error).message }), text: `✗ ${e.name}: ${(err as Error).message}` };
    } finally {
      this.checking = false;
    }
  }

  /**
   * Train the small MNIST network with the engine's own ops and then with the chosen pieces of the
   * learner's in their place, on the same seed.
   */
  async train(): Promise<void> {
    const chosen = this.chosen;
    const names = chosen.map((e) => e.trainAs!);
    this.training = { phase: 'data', epoch: 0, pieces: names };
    try {
      const codes: Record<string, string> = {};
      for (const e of chosen) {
        // NOTE: the code may have changed since it passed: it trains only as it is now, and only if it still passes
        const code = this.code(e);
        const verdict = await this.verify(e, code);
        if (!verdict.passed) {
          const why = formatVerdict(e, verdict).split('\n').slice(0, 2).join(' ');
          this.training = { phase: 'failed', epoch: 0, error: `Your ${e.trainAs} as it is now does not pass the check, so it cannot train: ${why}` };
          return;
        }
        codes[e.name] = code;
      }
      this.data ??= await this.loadDigits();
      const settings = runFor(Object.keys(codes));
      const job = { kind: 'train' as const, pieces: codes, train: this.data.train, test: this.data.test, settings };
      const reply = await this.sandbox.run(job, EPOCH_LIMIT_MS, (r) => {
        if (r.type === 'progress') this.training = { phase: r.run, epoch: r.epoch, pieces: names };
      });
      if (reply.type === 'trained') this.training = { phase: 'done', epoch: settings.epochs, pieces: names, engine: reply.engine, yours: reply.yours };
      else this.training = { phase: 'failed', epoch: 0, error: reply.type === 'failed' ? reply.error : 'The sandbox gave no answer.' };
    } catch (err) {
      this.training = { phase: 'failed', epoch: 0, error: (err as Error).message };
    }
  }

  dispose(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      void this.save();
    }
    this.sandbox.dispose();
  }

  /** Run code on the exercise's cases in the sandbox and check what it gave. */
  private async verify(e: Exercise, code: string): Promise<Verdict> {
    const cases = e.cases();
    const reply = await this.sandbox.run({ kind: 'check', exercise: e.name, code, cases }, CHECK_LIMIT_MS);
    const results = reply.type === 'checked' ? reply.results : { ok: false as const, error: reply.type === 'failed' ? reply.error : 'The sandbox gave no answer.' };
    return checkResults(e, cases, results);
  }

  private async loadDigits(): Promise<{ train: DigitSet; test: DigitSet }> {
    const train = await this.api.call('dataset:digits', { split: 'train', start: 0, count: SMALL_RUN.images });
    const test = await this.api.call('dataset:digits', { split: 'test', start: 0, count: 10000 });
    return { train, test };
  }

  private scheduleSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.save(), SAVE_DELAY_MS);
  }

  private async save(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    try {
      await this.api.call('exercises:save', { progress: $state.snapshot(this.progress) });
      this.storeError = null;
    } catch (e) {
      this.storeError = `Your code could not be saved: ${(e as Error).message}`;
    }
  }
}
