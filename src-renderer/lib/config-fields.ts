/**
 * Which form field each config problem belongs to. The engine's configProblems gives sentences;
 * a problem belongs to a field when putting a sound value into that field makes it go away, so
 * the form can show each message under the field that caused it without parsing the wording.
 */
import { DEFAULT_CONFIG, configProblems } from '../../src-engine/train/config';
import type { TrainConfig } from '../../src-engine/protocol';

export type ConfigField = Exclude<keyof TrainConfig, 'dataset'> | 'dataset';

const SOUND: { [K in ConfigField]: TrainConfig[K] } = {
  ...DEFAULT_CONFIG,
  classes: undefined,
  limit: undefined,
  validation: undefined,
  augment: undefined,
  dropout: undefined,
  timeLimit: undefined,
  preset: undefined,
};

/** Problems of a (possibly incomplete) config, grouped by field; `all` keeps the order. */
export function problemsByField(config: Partial<TrainConfig>): { all: string[]; byField: Partial<Record<ConfigField, string[]>> } {
  const all = configProblems(config);
  const byField: Partial<Record<ConfigField, string[]>> = {};
  if (all.length === 0) return { all, byField };
  for (const field of Object.keys(SOUND) as ConfigField[]) {
    const remaining = new Set(configProblems({ ...config, [field]: SOUND[field] }));
    const own = all.filter((p) => !remaining.has(p));
    if (own.length) byField[field] = own;
  }
  return { all, byField };
}
