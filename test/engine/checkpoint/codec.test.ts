import { describe, expect, it } from 'vitest';
import { mlpArchitecture, type Architecture } from '../../../src-engine/architecture';
import { decodeCheckpoint, encodeCheckpoint, expectedParams, type Checkpoint, type TensorData } from '../../../src-engine/checkpoint/codec';
import { decodeSafetensors, encodeSafetensors, type TensorIn } from '../../../src-engine/checkpoint/safetensors';
import { Random } from '../../../src-engine/random';
import type { TrainingState } from '../../../src-engine/train/training-state';

const FILE = 'model.safetensors';

/** A 4-3-2 relu model on 2x2 images with an Adam state, a training state and one epoch of history. */
function checkpoint(): Checkpoint {
  const architecture = mlpArchitecture([4, 3, 2], 'relu', 'cross_entropy', ['cat', 'dog'], [2, 2]);
  const r = new Random(9);
  const params = new Map<string, TensorData>();
  const optimizer = new Map<string, TensorData>();
  for (const [name, shape] of expectedParams(architecture)) {
    const n = shape.reduce((p, d) => p * d, 1);
    params.set(name, { shape, data: Float64Array.from({ length: n }, () => r.normal()) });
    optimizer.set(`${name}.m`, { shape, data: Float64Array.from({ length: n }, () => r.normal() * 0.01) });
    optimizer.set(`${name}.v`, { shape, data: Float64Array.from({ length: n }, () => r.next() * 0.001) });
  }
  const training: TrainingState = {
    config: {
      dataset: { kind: 'csv', train: '/data/pets.csv' },
      classes: [0, 1],
      hidden: [3],
      activation: 'relu',
      loss: 'cross_entropy',
      optimizer: 'adam',
      lr: 0.001,
      momentum: 0,
      nesterov: false,
      weightDecay: 0,
      schedule: 'cosine',
      batch: 2,
      epochs: 3,
      seed: 9,
    },
    epoch: 1,
    step: 7,
    stepInEpoch: 2,
    epochRng: new Random(4).getState(),
    partial: { lossSum: 1.25, correct: 3, count: 4, seconds: 0.5 },
    seconds: 2.5,
  };
  return {
    architecture,
    params,
    optimizer,
    training,
    history: [{ epoch: 1, train_loss: 0.6, train_accuracy: 0.5, test_loss: 0.7, test_accuracy: 0.5, val_loss: 0.65, val_accuracy: 0.5, lr: 0.001, seconds: 2, samples_per_second: 5 }],
    dataset: { name: 'pets.csv', train: 10, test: 4, hash: '0badf00d' },
    created: '2025-03-04T05:06:07.000Z',
    appVersion: '0.1.0',
  };
}

/** Re-pack a valid checkpoint file with edited tensors and metadata. */
function repack(edit: (tensors: Map<string, TensorIn>, meta: Record<string, string>) => void, c = checkpoint()): Uint8Array {
  const file = decodeSafetensors(encodeCheckpoint(c));
  const tensors = new Map<string, TensorIn>(file.tensors);
  edit(tensors, file.metadata);
  return encodeSafetensors(tensors, file.metadata);
}

function decodeError(bytes: Uint8Array): string {
  try {
    decodeCheckpoint(bytes, FILE);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('decoded without error');
}

describe('expectedParams', () => {
  it('names parameters as PyTorch nn.Sequential does, weight [out, in]', () => {
    const arch = mlpArchitecture([784, 128, 64, 10], 'tanh', 'cross_entropy', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([...expectedParams(arch)]).toEqual([
      ['0.weight', [128, 784]], ['0.bias', [128]],
      ['2.weight', [64, 128]], ['2.bias', [64]],
      ['4.weight', [10, 64]], ['4.bias', [10]],
    ]);
  });
});

describe('encodeCheckpoint / decodeCheckpoint', () => {
  it('round-trips everything and re-encodes byte for byte', () => {
    const c = checkpoint();
    const bytes = encodeCheckpoint(c);
    const back = decodeCheckpoint(bytes, FILE);
    expect(back).toEqual(c);
    expect([...back.params.keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(encodeCheckpoint(back)).toEqual(bytes);
  });

  it('writes the metadata keys of DESIGN.md and optim.-prefixed optimizer tensors', () => {
    const file = decodeSafetensors(encodeCheckpoint(checkpoint()));
    expect(Object.keys(file.metadata)).toEqual(['format', 'architecture', 'training', 'history', 'dataset', 'created', 'app_version']);
    expect(file.metadata.format).toBe('scratchnet.checkpoint/1');
    expect(JSON.parse(file.metadata.architecture).classes).toEqual(['cat', 'dog']);
    expect(file.tensors.get('optim.0.weight.m')?.shape).toEqual([3, 4]);
    expect(file.tensors.get('0.weight')?.dtype).toBe('F64');
  });

  it('leaves out null training and dataset, and reads them back as null', () => {
    const c = { ...checkpoint(), training: null, dataset: null, history: [], optimizer: new Map() };
    const bytes = encodeCheckpoint(c);
    expect(Object.keys(decodeSafetensors(bytes).metadata)).toEqual(['format', 'architecture', 'history', 'created', 'app_version']);
    const back = decodeCheckpoint(bytes, FILE);
    expect([back.training, back.dataset, back.history, back.optimizer.size]).toEqual([null, null, [], 0]);
    expect(encodeCheckpoint(back)).toEqual(bytes);
  });

  it('keeps a diverged metric (NaN, stored as JSON null) and still re-encodes byte for byte', () => {
    const c = checkpoint();
    c.history[0].train_loss = NaN;
    const bytes = encodeCheckpoint(c);
    const back = decodeCheckpoint(bytes, FILE);
    expect(back.history[0].train_loss).toBeNaN();
    expect(encodeCheckpoint(back)).toEqual(bytes);
  });

  it('loads a foreign file: F32, unpadded header, only architecture metadata', () => {
    // An independent minimal writer, as another tool would do it.
    const arch: Architecture = {
      input: { shape: [3], scale: 1 },
      layers: [{ type: 'linear', in: 3, out: 2 }, { type: 'sigmoid' }, { type: 'linear', in: 2, out: 2 }],
      loss: 'mse',
      classes: ['no', 'yes'],
    };
    const values: Record<string, [number[], number[]]> = {
      '0.weight': [[2, 3], [0.1, 0.2, 0.3, -0.4, -0.5, -0.6]],
      '0.bias': [[2], [1, 2]],
      '2.weight': [[2, 2], [1.5, -1.5, 0.25, 3]],
      '2.bias': [[2], [0, -0.125]],
    };
    const header: Record<string, unknown> = { __metadata__: { architecture: JSON.stringify(arch) } };
    const chunks: number[] = [];
    let offset = 0;
    for (const [name, [shape, v]] of Object.entries(values)) {
      header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + 4 * v.length] };
      offset += 4 * v.length;
      chunks.push(...new Uint8Array(Float32Array.from(v).buffer));
    }
    const json = new TextEncoder().encode(JSON.stringify(header));
    const bytes = new Uint8Array(8 + json.length + chunks.length);
    new DataView(bytes.buffer).setUint32(0, json.length, true);
    bytes.set(json, 8);
    bytes.set(chunks, 8 + json.length);

    const c = decodeCheckpoint(bytes, 'foreign.safetensors');
    expect(c.architecture).toEqual(arch);
    expect([...(c.params.get('0.weight')?.data ?? [])]).toEqual([...Float32Array.from(values['0.weight'][1])]);
    expect([...(c.params.get('2.bias')?.data ?? [])]).toEqual([0, -0.125]);
    expect([c.training, c.history, c.dataset, c.created, c.appVersion, c.optimizer.size]).toEqual([null, [], null, '', '', 0]);
    expect(decodeCheckpoint(encodeCheckpoint(c), 'x').params).toEqual(c.params);
  });

  const malformed: [string, () => Uint8Array, string][] = [
    ['not safetensors', () => new TextEncoder().encode('hello'), 'is not a safetensors file (only 5 bytes)'],
    ['truncated', () => { const b = encodeCheckpoint(checkpoint()); return b.subarray(0, b.length - 100); }, 'truncated (header says 552 bytes of tensors, file has 452)'],
    ['a newer format', () => repack((_, m) => { m.format = 'scratchnet.checkpoint/2'; }), 'was written by a newer Scratchnet (format scratchnet.checkpoint/2)'],
    ['another format', () => repack((_, m) => { m.format = 'pt'; }), 'unknown format "pt" (expected scratchnet.checkpoint/1)'],
    ['format 0', () => repack((_, m) => { m.format = 'scratchnet.checkpoint/0'; }), 'unknown format "scratchnet.checkpoint/0" (expected scratchnet.checkpoint/1)'],
    ['no metadata at all', () => repack((_, m) => { for (const k of Object.keys(m)) delete m[k]; }), 'not a Scratchnet model (no "architecture" metadata)'],
    ['a format but no architecture', () => repack((_, m) => { delete m.architecture; }), 'no architecture metadata'],
    ['architecture that is not JSON', () => repack((_, m) => { m.architecture = '{layers'; }), 'architecture metadata is not valid JSON'],
    ['an unknown layer type', () => repack((_, m) => { const a = JSON.parse(m.architecture); a.layers[1] = { type: 'conv' }; m.architecture = JSON.stringify(a); }),
      'layer 1 has unknown type "conv" (expected linear, relu, leaky_relu, sigmoid, tanh or dropout)'],
    ['a missing tensor', () => repack((t) => { t.delete('2.bias'); }), 'missing tensor 2.bias'],
    ['an unexpected tensor', () => repack((t) => { t.set('4.weight', { shape: [1], data: Float64Array.of(1) }); }), 'unexpected tensor 4.weight'],
    ['a weight of the wrong shape', () => repack((t) => { t.set('0.weight', { shape: [4, 3], data: new Float64Array(12) }); }),
      'tensor 0.weight has shape [4, 3] but architecture says linear 4->3 (expected [3, 4])'],
    ['a bias of the wrong shape', () => repack((t) => { t.set('2.bias', { shape: [3], data: new Float64Array(3) }); }),
      'tensor 2.bias has shape [3] but architecture says linear 3->2 (expected [2])'],
    ['a NaN weight', () => repack((t) => { const w = t.get('0.weight') as TensorIn; w.data[5] = NaN; }), 'tensor 0.weight contains NaN'],
    ['an infinite bias', () => repack((t) => { const w = t.get('0.bias') as TensorIn; w.data[0] = -Infinity; }), 'tensor 0.bias contains -Infinity'],
    ['an optimizer tensor of an unknown parameter', () => repack((t) => { t.set('optim.4.weight.m', { shape: [1], data: Float64Array.of(0) }); }),
      'optimizer tensor optim.4.weight.m is not for a parameter of the model'],
    ['an optimizer tensor without a slot name', () => repack((t) => { t.set('optim.0.bias', { shape: [3], data: new Float64Array(3) }); }),
      'optimizer tensor optim.0.bias is not for a parameter of the model'],
    ['an optimizer tensor of the wrong shape', () => repack((t) => { t.set('optim.0.bias.m', { shape: [4], data: new Float64Array(4) }); }),
      'optimizer tensor optim.0.bias.m has shape [4] but parameter 0.bias has shape [3]'],
    ['a NaN optimizer value', () => repack((t) => { (t.get('optim.2.weight.v') as TensorIn).data[0] = NaN; }), 'tensor optim.2.weight.v contains NaN'],
    ['training that is not JSON', () => repack((_, m) => { m.training = '{'; }), 'training metadata is not valid JSON'],
    ['a bad training step', () => repack((_, m) => { m.training = JSON.stringify({ ...JSON.parse(m.training), step: -1 }); }), 'training.step must be an integer >= 0'],
    ['a bad training config', () => repack((_, m) => { const t = JSON.parse(m.training); t.config.optimizer = 'lbfgs'; m.training = JSON.stringify(t); }),
      'training.config: optimizer must be sgd, adam or adamw (got "lbfgs")'],
    ['a bad RNG state', () => repack((_, m) => { const t = JSON.parse(m.training); t.epochRng.s = [1, 2]; m.training = JSON.stringify(t); }),
      'training.epochRng.s must be four 32-bit unsigned integers'],
    ['history that is not a list', () => repack((_, m) => { m.history = '{}'; }), 'history must be a list'],
    ['a history entry without a metric', () => repack((_, m) => { m.history = '[{"epoch":1}]'; }), 'history[0].train_loss must be a number'],
    ['a baseline that is no accuracy', () => repack((_, m) => { m.dataset = '{"name":"x","train":1,"test":0,"hash":"0","baseline":1.5}'; }), 'dataset.baseline must be a number from 0 to 1'],
    ['a dataset without a hash', () => repack((_, m) => { m.dataset = '{"name":"x","train":1,"test":0}'; }), 'dataset.hash must be a string'],
  ];
  it.each(malformed)('refuses %s with a message naming the file', (_, make, problem) => {
    expect(decodeError(make())).toBe(`${FILE}: ${problem}`);
  });

  it('refuses to save what it would refuse to load', () => {
    const c = checkpoint();
    (c.params.get('2.weight') as TensorData).data[1] = NaN;
    expect(() => encodeCheckpoint(c)).toThrow('cannot save checkpoint: tensor 2.weight contains NaN');
    const d = checkpoint();
    d.params.delete('0.bias');
    expect(() => encodeCheckpoint(d)).toThrow('cannot save checkpoint: missing tensor 0.bias');
  });
});
