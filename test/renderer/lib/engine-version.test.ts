/** "Show the engine's version": each exercise's reference is cut whole from the real source. */
import { describe, expect, it } from 'vitest';
import { EXERCISES } from '../../../src-engine/exercises/exercises';
import { cutDefinition, engineVersion } from '../../../src-renderer/lib/engine-version';

describe('engine source', () => {
  it('finds every exercise\'s reference in the engine files', () => {
    for (const e of EXERCISES) expect(engineVersion(e.references), e.name).not.toContain('(not found:');
  });

  it('cuts a definition with its doc comment, up to its own closing brace', () => {
    const src = 'import x;\n\n/** Doubles. */\nexport function two(a) {\n  if (a) {\n    return 2 * a;\n  }\n  return 0;\n}\n\nexport const y = 1;\n';
    expect(cutDefinition(src, 'export function two(')).toBe('/** Doubles. */\nexport function two(a) {\n  if (a) {\n    return 2 * a;\n  }\n  return 0;\n}');
    expect(cutDefinition(src, 'export function three(')).toBeNull();
  });

  it("shows relu's forward and backward as the engine runs them", () => {
    const relu = engineVersion(EXERCISES.find((e) => e.name === 'relu')!.references);
    expect(relu).toContain('// src-engine/ops/activations.ts\n/** max(x, 0) */\nexport function relu(x: Tensor): Tensor {');
    expect(relu).toContain('reluBackward(x, dy, dx, accumulate) {');
  });
});
