import { describe, expect, it } from 'vitest';
import { flatMapNote, varyingUnits } from '../../../src-renderer/lib/flat-map';

describe('the hidden-layer map of dead units', () => {
  it('counts the units that vary over the digits, and says why a map is one spot or one line', () => {
    // three digits, three units: unit 0 dead (all 0), unit 1 the same for all, unit 2 varies
    const acts = Float32Array.from([0, 0.5, 1, 0, 0.5, 2, 0, 0.5, 3]);
    expect(varyingUnits(acts, 3, 3)).toBe(1);
    expect(varyingUnits(new Float32Array(9), 3, 3)).toBe(0);
    expect(flatMapNote(0, 128, 1000)).toMatch(/^Every unit of this layer gives all 1,000 digits the same value/);
    expect(flatMapNote(1, 128, 1000)).toMatch(/^Only 1 of 128 units/);
    expect(flatMapNote(2, 128, 1000)).toBeNull();
  });
});
