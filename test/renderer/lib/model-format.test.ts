import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { PRESETS } from '../../../src-engine/train/presets';
import { epochsText, fileSize, presetText, savedAt, suggestedMoreEpochs } from '../../../src-renderer/lib/model-format';

describe('model facts in words', () => {
  it('says how far a run got, and when it was interrupted', () => {
    expect(epochsText({ epochs: 1, plannedEpochs: 1 })).toBe('1 epoch');
    expect(epochsText({ epochs: 5, plannedEpochs: null })).toBe('5 epochs');
    expect(epochsText({ epochs: 2, plannedEpochs: 5 })).toBe('2 of 5 epochs (interrupted)');
    expect(epochsText({ epochs: 0, plannedEpochs: 2, intoEpoch: 688 / 844, outcome: { kind: 'stopped', message: '' } })).toBe('0 of 2 epochs and 82% of epoch 1 (stopped)');
    expect(epochsText({ epochs: 8, plannedEpochs: 300, intoEpoch: 0.001, outcome: null })).toBe('8 of 300 epochs and under 1% of epoch 9 (interrupted)');
  });

  it('suggests finishing an interrupted run, else as many epochs again (1 to 10)', () => {
    expect(suggestedMoreEpochs({ epochs: 2, plannedEpochs: 5 })).toBe(3);
    expect(suggestedMoreEpochs({ epochs: 4, plannedEpochs: 4 })).toBe(4);
    expect(suggestedMoreEpochs({ epochs: 0, plannedEpochs: null })).toBe(1);
    expect(suggestedMoreEpochs({ epochs: 40, plannedEpochs: 40 })).toBe(10);
  });

  it('names the preset a run began from, and whether it was changed', () => {
    const simard = { ...DEFAULT_CONFIG, ...PRESETS.find((p) => p.id === 'simard-2003')!.recipe, preset: 'simard-2003' };
    expect(presetText(simard)).toBe('Simard 2003');
    expect(presetText({ ...simard, epochs: 3 })).toBe('Simard 2003, changed');
    expect(presetText({ ...simard, epochs: 3, preset: undefined })).toBe('none');
  });

  it('formats sizes and dates', () => {
    expect(fileSize(900)).toBe('900 B');
    expect(fileSize(1_630_000)).toBe('1.6 MB');
    expect(savedAt('2026-11-22T14:05:00.000Z', 'en-GB')).toMatch(/^22 Nov 2026, \d\d:05$/);
    expect(savedAt('')).toBe('–');
  });
});
