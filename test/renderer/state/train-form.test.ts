import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { DatasetSource } from '../../../src-engine/protocol';
import { PRESET_SEED, PRESETS } from '../../../src-renderer/lib/presets';
import { TrainForm, parseClasses } from '../../../src-renderer/state/train-form.svelte';

describe('TrainForm', () => {
  it('starts sound and gives the config to start with', () => {
    const form = new TrainForm();
    expect(form.problems.all).toEqual([]);
    expect(form.submit()).toMatchObject({ dataset: { kind: 'mnist' }, hidden: [128], optimizer: 'sgd' });
    expect(form.refused).toBe(false);
  });

  it('refuses to submit an unsound config and says why, field by field', () => {
    const form = new TrainForm();
    form.lr = -1;
    form.epochs = null;
    expect(form.submit()).toBeNull();
    expect(form.refused).toBe(true);
    expect(form.problems.byField.lr).toEqual(['learning rate must be a positive number (got -1)']);
    expect(form.problems.byField.epochs).toEqual(['enter a number for epochs']);
    expect(form.problems.all).toEqual(['learning rate must be a positive number (got -1)', 'enter a number for epochs']);
  });

  it('every preset is a sound recipe, and the 3-vs-7 one sets the classes and bce', () => {
    const form = new TrainForm();
    for (const preset of PRESETS) {
      form.applyPreset(preset);
      expect(form.problems.all, preset.name).toEqual([]);
      expect(form.matchingPreset?.id).toBe(preset.id);
    }
    form.applyPreset(PRESETS.find((p) => p.id === '3-vs-7')!);
    expect(form.submit()).toMatchObject({ loss: 'bce', classes: [3, 7] });
    form.lr = 0.5;
    expect(form.matchingPreset).toBeNull();
  });

  it('refuses a limit past the dataset\'s training images, which would claim images the run never had', () => {
    const form = new TrainForm(() => ({ kind: 'mnist' }), () => null, () => 10, () => 60000);
    form.limit = 100000;
    expect(form.problems.byField.limit).toEqual(['the dataset has 60,000 training images: leave the limit empty to use them all']);
    expect(form.submit()).toBeNull();
    form.limit = 60000;
    expect(form.problems.all).toEqual([]);
  });

  it('refuses what Start would only fail on: a class the dataset lacks, a negative validation split', () => {
    const form = new TrainForm(() => ({ kind: 'mnist' }), () => null, () => 10);
    form.classesText = '11, 12';
    expect(form.problems.byField.classes).toEqual(['class 11 is not in the dataset (labels 0-9)']);
    expect(form.submit()).toBeNull();
    form.classesText = '3, 7';
    expect(form.problems.all).toEqual([]);
    form.validation = -0.1;
    expect(form.problems.byField.validation).toEqual(['validation split must be a fraction from 0 to 0.5 (got -0.1)']);
    form.validation = 0;
    expect(form.problems.all).toEqual([]);
    expect(form.submit()).not.toHaveProperty('validation');
  });

  it('a run from a changed preset records it, and the form says so again when the model comes back (after a reload)', () => {
    const form = new TrainForm();
    const simard = PRESETS.find((p) => p.id === 'simard-2003')!;
    form.applyPreset(simard);
    form.epochs = 3;
    expect(form.matchingPreset).toBeNull();
    const config = form.submit()!;
    expect(config.preset).toBe('simard-2003');
    const again = new TrainForm();
    again.load({ architecture: mlpArchitecture([784, ...config.hidden, 10], config.activation, config.loss, Array.from({ length: 10 }, (_, i) => String(i)), [28, 28]), config } as never, 'run');
    expect(again.presetId).toBe('simard-2003'); // "Based on Simard 2003, with your changes", as before the reload
    expect(again.matchingPreset).toBeNull();
    expect(new TrainForm().submit()!.preset).toBeUndefined(); // the learner's own settings name none
  });

  it('a preset recreates the conditions its figures were measured in, and says when the run differs from them', () => {
    let source: DatasetSource = { kind: 'mnist' };
    const form = new TrainForm(() => source);
    const threes = PRESETS.find((p) => p.id === '3-vs-7')!;
    Object.assign(form, { limit: 5, validation: 0.1, seed: 7 }); // left from an earlier run
    form.applyPreset(threes);
    expect(form.submit()).toMatchObject({ seed: PRESET_SEED });
    expect(form.submit()).not.toHaveProperty('limit');
    expect(form.submit()).not.toHaveProperty('validation');
    expect(form.presetDifferences).toEqual([]);
    Object.assign(form, { limit: 500, validation: 0.2, seed: 3 });
    expect(form.matchingPreset?.id).toBe('3-vs-7'); // the same recipe, but its figures no longer apply
    expect(form.presetDifferences).toEqual(['500 training images', '20% held out for validation', 'seed 3']);
    source = { kind: 'idx', dir: '/data/letters' };
    expect(form.presetDifferences[0]).toBe('another dataset');
  });

  it('the record preset sets augmentation, time limit and validation; dropout follows the hidden layers', () => {
    const form = new TrainForm();
    const record = PRESETS.find((p) => p.id === 'record')!;
    form.applyPreset(record);
    expect(form.submit()).toMatchObject({ augment: record.recipe.augment, timeLimit: record.recipe.timeLimit, validation: record.recipe.validation });
    expect(form.submit()).not.toHaveProperty('dropout');
    form.addLayer();
    form.dropout[1] = 0.5;
    expect(form.submit()).toMatchObject({ hidden: [800, 800], dropout: [0, 0.5] });
    form.removeLayer(0);
    expect(form.submit()).toMatchObject({ hidden: [800], dropout: [0.5] });
    expect(form.matchingPreset).toBeNull();
    form.strengths.rotation = null;
    expect(form.problems.byField.augment).toEqual(['augmentation rotation must be a number from 0 to 45 (got null)']);
    form.augmentKind = 'none';
    expect(form.problems.all).toEqual([]);
    expect(form.submit()).not.toHaveProperty('augment');
    form.timeLimit = -2;
    expect(form.problems.byField.timeLimit).toEqual(['time limit must be a number of minutes above 0 and at most 10080 (got -2)']);
  });

  it('recreates the literature\'s layer sizes', () => {
    const form = new TrainForm();
    const sizes = (id: string) => {
      form.applyPreset(PRESETS.find((p) => p.id === id)!);
      return form.hidden;
    };
    expect(sizes('seeds')).toEqual([128]);
    expect(sizes('lecun-1998')).toEqual([300]);
    expect(sizes('simard-2003')).toEqual([800]);
  });

  it('adds and removes hidden layers', () => {
    const form = new TrainForm();
    form.addLayer();
    expect(form.hidden).toEqual([128, 128]);
    form.removeLayer(0);
    form.removeLayer(0);
    form.addLayer();
    expect(form.hidden).toEqual([64]);
  });

  it('parses classes', () => {
    expect(parseClasses('')).toBeUndefined();
    expect(parseClasses('3, 7')).toEqual([3, 7]);
    expect(parseClasses('3 x')).toEqual([3, NaN]);
  });
});
