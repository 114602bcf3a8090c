import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Activation, type LossName, mlpArchitecture } from '../../../src-engine/architecture';
import { traceExample } from '../../../src-engine/inspect/tape';
import { Model } from '../../../src-engine/nn/model';
import { Random } from '../../../src-engine/random';
import { OP_SOURCES } from '../../../src-renderer/lib/engine-sources';
import { locateOp, OPS_WITH_SOURCE } from '../../../src-renderer/lib/op-source';

/** The ops of real tapes of every kind of network the app trains. */
function opsOnTapes(): Set<string> {
  const ops = new Set<string>();
  const random = new Random(3);
  for (const activation of ['relu', 'leaky_relu', 'sigmoid', 'tanh'] as Activation[]) {
    for (const loss of ['cross_entropy', 'mse', 'bce'] as LossName[]) {
      const classes = loss === 'bce' ? ['3', '7'] : ['0', '1', '2'];
      const arch = mlpArchitecture([16, 6, 5, loss === 'bce' ? 1 : 3], activation, loss, classes);
      const x = Float64Array.from({ length: 16 }, () => random.next());
      for (const op of traceExample(new Model(arch, random), x, 1).tape.ops) ops.add(op.op);
    }
  }
  return ops;
}

describe('the code of every op on a tape', () => {
  it('is the engine source file itself, bundled at build time', () => {
    for (const file of ['matmul.ts', 'activations.ts', 'unary.ts', 'losses.ts']) {
      expect(OP_SOURCES[file]).toBe(readFileSync(`src-engine/ops/${file}`, 'utf8'));
    }
  });

  it('resolves to real lines: the forward from the function to its result(), the backward closure to its end', () => {
    const ops = opsOnTapes();
    expect([...ops].sort()).toEqual(['bce', 'input', 'leaky_relu', 'linear', 'mse', 'relu', 'sigmoid', 'softmax_cross_entropy', 'tanh']);
    for (const op of [...ops].filter((o) => o !== 'input')) {
      const where = locateOp(op, OP_SOURCES);
      expect(where, op).not.toBeNull();
      const lines = (r: { file: string; from: number; to: number }) => OP_SOURCES[r.file].split('\n').slice(r.from - 1, r.to);
      const first = where!.forward[0];
      expect(lines(first)[0], op).toMatch(new RegExp(`^export function ${where!.name}\\(`));
      const back = where!.backward.at(-1)!;
      const code = lines(back);
      expect(code[0], op).toMatch(/return result\(/);
      expect(code.at(-1), op).toMatch(/^\s*\}\);$/);
      expect(code.join('\n'), op).toMatch(/\bd[xz]\[|\bdx\b|\bdw\b/);
      expect(back.to - back.from, op).toBeGreaterThanOrEqual(1);
    }
    expect(locateOp('input', OP_SOURCES)).toBeNull();
    expect(OPS_WITH_SOURCE).toContain('linear');
  });

  it('marks sigmoid and tanh in their own function (the derivative) and in unary() (the closure that applies it)', () => {
    const s = locateOp('sigmoid', OP_SOURCES)!;
    expect(s.backward.map((r) => r.file)).toEqual(['activations.ts', 'unary.ts']);
    expect(OP_SOURCES['activations.ts'].split('\n').slice(s.backward[0].from - 1, s.backward[0].to).join('\n')).toContain('y * (1 - y)');
  });
});
