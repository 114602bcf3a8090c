import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { decodeSafetensors } from '../../../src-engine/checkpoint/safetensors';
import { filterClasses } from '../../../src-engine/data/dataset';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import { PY, warnMissing } from '../../export/python-tools';
import { referenceStep } from '../inspect/reference-mlp';
import { cli, expectOneLineError } from './run-cli';

const FIXTURE = 'idx:test/fixtures/mnist-500';
const test = loadDataset({ kind: 'idx', dir: 'test/fixtures/mnist-500' }).test!;

// numpy, sharing nothing with the engine: its own safetensors reader, forward and backward.
const NUMPY_CHECK = String.raw`
import json, struct, sys
import numpy as np
def read(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    h = json.loads(b[8:8 + n])
    meta = h.pop('__metadata__', {})
    t = {k: np.frombuffer(b[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]], dtype='<f8').reshape(v['shape']) for k, v in h.items()}
    return t, meta
model, meta = read(sys.argv[1])
grads, _ = read(sys.argv[2])
arch = json.loads(meta['architecture'])
x = np.array(json.loads(sys.argv[3]), dtype=np.float64)[None, :] * arch['input']['scale']
label = int(sys.argv[4])
a, ins, outs = x, [], []
for i, l in enumerate(arch['layers']):
    ins.append(a)
    if l['type'] == 'linear': a = a @ model[f'{i}.weight'].T + model[f'{i}.bias']
    elif l['type'] == 'relu': a = np.maximum(a, 0)
    elif l['type'] == 'leaky_relu': a = np.where(a > 0, a, l.get('slope', 0.01) * a)
    elif l['type'] == 'sigmoid': a = 1 / (1 + np.exp(-a))
    elif l['type'] == 'tanh': a = np.tanh(a)
    outs.append(a)
if arch['loss'] == 'cross_entropy':
    p = np.exp(a - a.max()); p /= p.sum(); d = p.copy(); d[0, label] -= 1
elif arch['loss'] == 'mse':
    t = np.zeros_like(a); t[0, label] = 1; d = 2 * (a - t) / a.size
else:
    d = 1 / (1 + np.exp(-a)) - label
worst = 0.0
for i in reversed(range(len(arch['layers']))):
    l = arch['layers'][i]
    worst = max(worst, np.abs(grads[f'act.{i}'] - outs[i]).max())
    if l['type'] == 'linear':
        worst = max(worst, np.abs(grads[f'{i}.weight'] - d.T @ ins[i]).max(), np.abs(grads[f'{i}.bias'] - d[0]).max())
        d = d @ model[f'{i}.weight']
    elif l['type'] == 'relu': d = d * (ins[i] > 0)
    elif l['type'] == 'leaky_relu': d = np.where(ins[i] > 0, d, l.get('slope', 0.01) * d)
    elif l['type'] == 'sigmoid': d = d * outs[i] * (1 - outs[i])
    elif l['type'] == 'tanh': d = d * (1 - outs[i] ** 2)
print(json.dumps({'worst': float(worst), 'names': sorted(grads)}))
`;

describe('explain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-explain-'));
  warnMissing('the numpy check of explain --grads', !PY.numpy);

  const nets = [
    { name: 'relu2', train: ['--layers', '784,20,12,10', '--activation', 'relu'], index: 7 },
    { name: 'tanh-mse', train: ['--layers', '784,16,10', '--activation', 'tanh', '--loss', 'mse'], index: 3 },
    { name: 'bce', train: ['--layers', '784,8,1', '--activation', 'sigmoid', '--loss', 'bce', '--classes', '3,7'], index: 2 },
  ];
  for (const net of nets) {
    it(`--grads holds every parameter's gradient and every layer's output, equal to loops and to numpy within 1e-12 (${net.name})`, () => {
      const model = join(dir, `${net.name}.safetensors`);
      const grads = join(dir, `${net.name}.grads.safetensors`);
      expect(cli('train', '--dataset', FIXTURE, ...net.train, '--epochs', '1', '--limit', '300', '--batch', '30', '--out', model).code).toBe(0);
      const r = cli('explain', model, '--dataset', FIXTURE, '--index', String(net.index), '--grads', grads, '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/#\s+op\s+output shape\s+mean\s+min\s+max\s+grad norm/);

      const c = decodeCheckpoint(new Uint8Array(readFileSync(model)), model);
      const file = decodeSafetensors(new Uint8Array(readFileSync(grads)));
      const params = new Map([...decodeSafetensors(new Uint8Array(readFileSync(model))).tensors].filter(([k]) => !k.startsWith('optim.')).map(([k, v]) => [k, v.data]));
      const set = c.training?.config.classes?.length ? filterClasses(test, c.training.config.classes) : test;
      const pixels = set.images.slice(net.index * 784, (net.index + 1) * 784);
      const label = set.labels[net.index];
      const x = Float64Array.from(pixels, (b) => b * c.architecture.input.scale);
      const ref = referenceStep(c.architecture, params, x, label);
      const expected = [...params.keys(), ...c.architecture.layers.map((_, i) => `act.${i}`)].sort();
      expect([...file.tensors.keys()].sort()).toEqual(expected);
      for (const [name, g] of ref.grads) {
        const t = file.tensors.get(name)!;
        expect(t.dtype).toBe('F64');
        expect(t.shape).toEqual(decodeSafetensors(new Uint8Array(readFileSync(model))).tensors.get(name)!.shape);
        g.forEach((v, i) => expect(Math.abs(t.data[i] - v), `${name}[${i}]`).toBeLessThanOrEqual(1e-12));
      }
      ref.acts.forEach((act, i) => {
        const t = file.tensors.get(`act.${i}`)!;
        expect(t.shape).toEqual([1, act.length]);
        act.forEach((v, j) => expect(Math.abs(t.data[j] - v)).toBeLessThanOrEqual(1e-12));
      });

      const j = r.json();
      expect(j.label).toBe(label);
      expect(Math.abs(j.loss - ref.loss)).toBeLessThanOrEqual(1e-12);
      expect(j.tape.map((o: { op: string }) => o.op)).toEqual(['input', ...c.architecture.layers.map((l) => l.type), { cross_entropy: 'softmax_cross_entropy', mse: 'mse', bce: 'bce' }[c.architecture.loss]]);
      expect(j.probabilities).toHaveLength(c.architecture.classes.length);

      if (PY.numpy) {
        const script = join(dir, 'check.py');
        writeFileSync(script, NUMPY_CHECK);
        const py = spawnSync(PY.python!, [script, model, grads, JSON.stringify(Array.from(pixels)), String(label)], { encoding: 'utf8' });
        expect(py.stderr).toBe('');
        const out = JSON.parse(py.stdout);
        expect(out.names).toEqual(expected);
        expect(out.worst).toBeLessThanOrEqual(1e-12);
      }
    });
  }

  it('says one clear sentence for an index out of range and a model that does not fit the dataset', () => {
    const model = join(dir, 'relu2.safetensors');
    expectOneLineError(cli('explain', model, '--dataset', FIXTURE, '--index', '100'), '--index must be 0 to 99 (the test set has 100 images)');
    expectOneLineError(cli('explain', model, '--dataset', FIXTURE), 'explain needs --index N: which test image to step through');
    const csv = join(dir, 'tiny.csv');
    writeFileSync(csv, Array.from({ length: 12 }, (_, i) => [i % 10, ...Array.from({ length: 16 }, (_, k) => (i * 7 + k * 13) % 256)].join(',')).join('\n') + '\n');
    expectOneLineError(cli('explain', model, '--dataset', `csv:${csv},${csv}`, '--index', '0'), 'the model takes 784 pixels per image but the test images have 16: it does not fit this dataset');
  });
});
