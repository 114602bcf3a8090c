/**
 * `models:compare`: what the Compare runs panel overlays, read from 2 to 6 model files: each
 * run's per-epoch history, its settings and how many training images an epoch saw.
 */
import { describeArchitecture, parameterCount } from '../../src-engine/architecture';
import type { CheckpointStore } from './checkpoint-store';
import type { ComparedRun } from './models-contract';

/** Fewest and most runs compared at once. */
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 6;

/** Read the runs (in the order given); throws "<name>.safetensors: <problem>" for a bad file. */
export async function compareRuns(store: CheckpointStore, names: string[]): Promise<ComparedRun[]> {
  if (names.length < COMPARE_MIN || names.length > COMPARE_MAX) throw new Error(`Select ${COMPARE_MIN} to ${COMPARE_MAX} models to compare (got ${names.length}).`);
  if (new Set(names).size !== names.length) throw new Error('Each model can be compared once.');
  const runs: ComparedRun[] = [];
  for (const name of names) {
    const { checkpoint: c } = await store.load(name);
    runs.push({
      name,
      architecture: describeArchitecture(c.architecture),
      parameters: parameterCount(c.architecture),
      config: c.training?.config ?? null,
      history: c.history,
      dataset: c.dataset?.name ?? null,
      trainImages: c.dataset?.train ?? null,
    });
  }
  return runs;
}
