import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { problemsByField } from '../../../src-renderer/lib/config-fields';

describe('problemsByField', () => {
  it('has nothing to say about the defaults', () => {
    expect(problemsByField(DEFAULT_CONFIG)).toEqual({ all: [], byField: {} });
  });

  it('puts each engine message under the field that causes it', () => {
    const { all, byField } = problemsByField({ ...DEFAULT_CONFIG, lr: -1, batch: 0, hidden: [128, 0] });
    expect(all).toHaveLength(3);
    expect(byField.lr).toEqual(['learning rate must be a positive number (got -1)']);
    expect(byField.batch).toEqual(['batch size must be a whole number from 1 to 60000 (got 0)']);
    expect(byField.hidden).toEqual(['hidden layer 2 must have 1 to 4096 units (got 0)']);
    expect(byField.epochs).toBeUndefined();
  });

  it('shows a problem of two fields under the one that fixes it', () => {
    const { byField } = problemsByField({ ...DEFAULT_CONFIG, loss: 'bce' });
    expect(byField.loss).toEqual(['the bce loss is for two classes: pick exactly two, e.g. 3 and 7']);
  });
});
