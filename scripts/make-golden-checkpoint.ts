/**
 * Writes test/fixtures/golden-784-4-10.safetensors: a small checkpoint that must always decode and
 * re-encode byte for byte (a 784-4-10 relu model, weights from Random(1), an SGD momentum slot,
 * a training state and a two-epoch history). Run: npx tsx scripts/make-golden-checkpoint.ts
 * NOTE: only regenerate it on purpose (a format change); the test exists to catch drift.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mlpArchitecture } from '../src-engine/architecture';
import { encodeCheckpoint, expectedParams, type Checkpoint, type TensorData } from '../src-engine/checkpoint/codec';
import { Random } from '../src-engine/random';

const classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const architecture = mlpArchitecture([784, 4, 10], 'relu', 'cross_entropy', classes, [28, 28]);
const random = new Random(1);
const params = new Map<string, TensorData>();
const optimizer = new Map<string, TensorData>();
for (const [name, shape] of expectedParams(architecture)) {
  const n = shape.reduce((p, d) => p * d, 1);
  const std = name.endsWith('.weight') ? Math.sqrt(2 / shape[1]) : 0.01;
  params.set(name, { shape, data: Float64Array.from({ length: n }, () => random.normal() * std) });
}
for (const [name, shape] of expectedParams(architecture)) {
  const n = shape.reduce((p, d) => p * d, 1);
  optimizer.set(`${name}.momentum`, { shape, data: Float64Array.from({ length: n }, () => random.normal() * 1e-3) });
}

const golden: Checkpoint = {
  architecture,
  params,
  optimizer,
  training: {
    config: {
      dataset: { kind: 'mnist' },
      hidden: [4],
      activation: 'relu',
      loss: 'cross_entropy',
      optimizer: 'sgd',
      lr: 0.1,
      momentum: 0.9,
      nesterov: false,
      weightDecay: 0,
      schedule: 'constant',
      batch: 64,
      epochs: 2,
      seed: 1,
    },
    epoch: 2,
    step: 1876,
    stepInEpoch: 0,
    epochRng: new Random(3).getState(),
    partial: { lossSum: 0, correct: 0, count: 0, seconds: 0 },
    seconds: 12.5,
  },
  history: [
    { epoch: 1, train_loss: 0.9512, train_accuracy: 0.7021, test_loss: 0.7113, test_accuracy: 0.7854, lr: 0.1, seconds: 6.1, samples_per_second: 9836.1 },
    { epoch: 2, train_loss: 0.6437, train_accuracy: 0.8105, test_loss: 0.6012, test_accuracy: 0.8249, lr: 0.1, seconds: 6.4, samples_per_second: 9375 },
  ],
  dataset: { name: 'MNIST', train: 60000, test: 10000, hash: '20b10782' },
  created: '2025-01-01T00:00:00.000Z',
  appVersion: '0.1.0',
};

const out = join(import.meta.dirname, '..', 'test', 'fixtures', 'golden-784-4-10.safetensors');
writeFileSync(out, encodeCheckpoint(golden));
console.log(`wrote ${out}`);
