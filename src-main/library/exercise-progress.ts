/**
 * The Build it view's progress in the user's data folder (exercises.json): for each exercise the
 * learner's code, whether it passed, and whether they have tried it (which unlocks the engine's
 * version). Written atomically, so a crash mid-save keeps the previous file; a damaged file is
 * set aside rather than overwritten, and the view starts afresh.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { atomicWrite } from '../../src-engine/node/atomic-write';

export interface ExerciseEntry {
  code: string;
  passed: boolean;
  tried: boolean;
}

/** Exercise name -> what the learner has done in it. */
export type ExerciseProgress = Record<string, ExerciseEntry>;

/** The largest code kept per exercise, in characters. */
export const MAX_EXERCISE_CODE = 200_000;

export class ExerciseProgressStore {
  constructor(readonly file: string) {}

  /** The saved progress ({} before the first save). */
  load(): ExerciseProgress {
    if (!existsSync(this.file)) return {};
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      return parsed as ExerciseProgress;
    } catch {
      // NOTE: never lose what was there: keep the damaged file beside for a person to look at.
      renameSync(this.file, `${this.file}.damaged-${Date.now()}`);
      return {};
    }
  }

  /** Replace the saved progress. */
  save(progress: ExerciseProgress): void {
    atomicWrite(this.file, new TextEncoder().encode(JSON.stringify(progress, null, 1)));
  }
}
