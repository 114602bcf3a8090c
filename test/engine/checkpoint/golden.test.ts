import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeArchitecture } from '../../../src-engine/architecture';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src-engine/checkpoint/codec';

// Written by scripts/make-golden-checkpoint.ts; it must never drift.
const PATH = join(__dirname, '..', '..', 'fixtures', 'golden-784-4-10.safetensors');

describe('golden checkpoint golden-784-4-10.safetensors', () => {
  const bytes = new Uint8Array(readFileSync(PATH));
  const c = decodeCheckpoint(bytes, 'golden-784-4-10.safetensors');

  it('decodes to the known model', () => {
    expect(bytes.length).toBe(52968);
    expect(describeArchitecture(c.architecture)).toBe('784-4-10 relu');
    expect(c.architecture.input).toEqual({ shape: [28, 28], scale: 1 / 255 });
    expect(c.params.get('0.weight')?.shape).toEqual([4, 784]);
    expect([...(c.params.get('0.weight')?.data.subarray(0, 3) ?? [])]).toEqual([-0.10358206494916099, -0.02281539904135051, -0.03279365222229652]);
    expect([...(c.params.get('2.bias')?.data.subarray(0, 2) ?? [])]).toEqual([0.0026997840866132394, 0.004967110044504612]);
    expect([...c.optimizer.keys()].sort()).toEqual(['0.bias.momentum', '0.weight.momentum', '2.bias.momentum', '2.weight.momentum']);
    expect(c.training?.step).toBe(1876);
    expect(c.training?.config.momentum).toBe(0.9);
    expect(c.history.map((h) => h.test_accuracy)).toEqual([0.7854, 0.8249]);
    expect(c.dataset).toEqual({ name: 'MNIST', train: 60000, test: 10000, hash: '20b10782' });
    expect([c.created, c.appVersion]).toEqual(['2025-01-01T00:00:00.000Z', '0.1.0']);
  });

  it('re-encodes byte for byte', () => {
    expect(encodeCheckpoint(c)).toEqual(bytes);
  });
});
