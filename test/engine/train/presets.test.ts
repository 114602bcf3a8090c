import { describe, expect, it } from 'vitest';
import { configProblems, DEFAULT_CONFIG, type TrainConfig } from '../../../src-engine/train/config';
import { followsRecipe, PRESETS, presetOf } from '../../../src-engine/train/presets';

const lecun = PRESETS.find((p) => p.id === 'lecun-1998')!;
const asRun = (over: Partial<TrainConfig> = {}): TrainConfig => ({ ...DEFAULT_CONFIG, ...lecun.recipe, seed: 1, ...over });

describe('the preset a run followed', () => {
  it('a run that names its preset keeps it, changed or not; one that names none is matched by its recipe', () => {
    expect(presetOf(asRun({ preset: 'lecun-1998' }))).toEqual({ preset: lecun, changed: false });
    expect(presetOf(asRun({ preset: 'lecun-1998', lr: 0.5 }))).toEqual({ preset: lecun, changed: true });
    expect(presetOf(asRun())).toEqual({ preset: lecun, changed: false }); // a file from before runs named their preset
    expect(presetOf(asRun({ lr: 0.5 }))).toBeNull(); // the learner's own settings
    expect(presetOf(asRun({ preset: 'from-a-later-version', lr: 0.5 }))).toBeNull();
  });

  it('no classes listed is all of them, as a recipe without classes means; the validation split is the learner\'s', () => {
    expect(followsRecipe({ ...asRun(), classes: [] }, lecun.recipe)).toBe(true);
    expect(followsRecipe({ ...asRun(), validation: 0.1 }, lecun.recipe)).toBe(true);
    expect(followsRecipe({ ...asRun(), classes: [3, 7] }, lecun.recipe)).toBe(false);
    expect(followsRecipe({ ...asRun(), hidden: [300, 100] }, lecun.recipe)).toBe(false);
  });

  it('a config names a preset by a short name or not at all', () => {
    expect(configProblems(asRun({ preset: 'simard-2003' }))).toEqual([]);
    expect(configProblems(asRun({ preset: 'a-name-from-a-later-version' }))).toEqual([]);
    expect(configProblems(asRun({ preset: 'Not a name!' }))).toEqual(['preset must be a preset\'s name such as lecun-1998 (got "Not a name!")']);
    expect(configProblems(asRun({ preset: 3 as never }))).toEqual(['preset must be a preset\'s name such as lecun-1998 (got 3)']);
  });
});
