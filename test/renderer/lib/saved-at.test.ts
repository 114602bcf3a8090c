import { describe, expect, it } from 'vitest';
import { savedAt } from '../../../src-renderer/lib/saved-at';

describe('savedAt', () => {
  it('names an epoch only for a save at its end', () => {
    expect(savedAt(2, 1876, 938)).toBe('saved after epoch 2');
    expect(savedAt(1, 1548, 938)).toBe('saved at epoch 2, step 610'); // stopped mid-epoch: not epoch 1's weights
    expect(savedAt(0, 281, 938)).toBe('saved at epoch 1, step 281'); // paused in the first epoch: there is no epoch 0
  });

  it('falls back to the step when the epoch length is not known, and says nothing before a save', () => {
    expect(savedAt(1, 1548, 0)).toBe('saved at step 1,548');
    expect(savedAt(3, null, 938)).toBe('saved after epoch 3');
    expect(savedAt(0, null, 938)).toBe('');
    expect(savedAt(null, null, 938)).toBe('');
  });
});
