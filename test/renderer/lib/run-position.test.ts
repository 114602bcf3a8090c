import { describe, expect, it } from 'vitest';
import { runPlace, savedPosition } from '../../../src-renderer/lib/run-position';

describe('savedPosition', () => {
  it('names an epoch only for a save at its end', () => {
    expect(savedPosition(2, 1876, 938)).toBe('saved after epoch 2');
    expect(savedPosition(1, 1548, 938)).toBe('saved at epoch 2, step 610'); // stopped mid-epoch: not epoch 1's weights
    expect(savedPosition(0, 281, 938)).toBe('saved at epoch 1, step 281'); // paused in the first epoch: there is no epoch 0
  });

  it('falls back to the step when the epoch length is not known, and says nothing before a save', () => {
    expect(savedPosition(1, 1548, 0)).toBe('saved at step 1,548');
    expect(savedPosition(3, null, 938)).toBe('saved after epoch 3');
    expect(savedPosition(0, null, 938)).toBe('');
    expect(savedPosition(null, null, 938)).toBe('');
  });
});

describe('runPlace', () => {
  it('tells an epoch\'s end from a step part-way into one, and both from the start', () => {
    expect(runPlace(0, 0, 938)).toEqual({ place: 'start', text: 'before training' });
    expect(runPlace(2, 1876, 938)).toEqual({ place: 'epoch-end', text: 'after epoch 2' });
    expect(runPlace(1, 1148, 938)).toEqual({ place: 'mid-epoch', text: 'epoch 2, step 210' });
    expect(runPlace(1, 1148, 0)).toEqual({ place: 'step', text: 'step 1,148' });
  });
});
