import { describe, expect, it } from 'vitest';
import type { TrainConfig } from '../../../src-engine/protocol';
import { checkApiCall, checkTrainConfig } from '../../../src-main/host/validate-api';

const sound: TrainConfig = {
  dataset: { kind: 'mnist' },
  hidden: [128],
  activation: 'relu',
  loss: 'cross_entropy',
  optimizer: 'sgd',
  lr: 0.1,
  momentum: 0,
  nesterov: false,
  weightDecay: 0,
  schedule: 'constant',
  batch: 64,
  epochs: 1,
  seed: 1,
};

const refusal = (name: unknown, args: unknown) => {
  try {
    checkApiCall(name, args);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('checkTrainConfig', () => {
  it('accepts a sound config, with or without the optional fields', () => {
    expect(checkTrainConfig(sound)).toEqual(sound);
    expect(checkTrainConfig({ ...sound, limit: 1000, validation: 0.1, classes: [3, 7], loss: 'bce' })).toBeTruthy();
  });

  it.each([
    [{ lr: -1 }, 'learning rate must be a positive number (got -1)'],
    [{ batch: 0 }, 'batch size must be a whole number from 1 to 60000 (got 0)'],
    [{ epochs: 1001 }, 'epochs must be a whole number from 1 to 1000 (got 1001)'],
    [{ hidden: [128, 5000] }, 'hidden layer 2 must have 1 to 4096 units (got 5000)'],
    [{ momentum: 1 }, 'momentum must be from 0 up to (not including) 1 (got 1)'],
    [{ loss: 'bce' }, 'the bce loss is for two classes: pick exactly two, e.g. 3 and 7'],
  ])('refuses %j with a specific message', (change, message) => {
    expect(() => checkTrainConfig({ ...sound, ...change })).toThrow(message);
  });

  it('refuses unknown fields, missing fields and wrong shapes before the value rules', () => {
    expect(() => checkTrainConfig({ ...sound, learningRate: 0.1 })).toThrow('config has an unknown field "learningRate"');
    const { seed: _, ...noSeed } = sound;
    expect(() => checkTrainConfig(noSeed)).toThrow('config is missing "seed"');
    expect(() => checkTrainConfig('fast please')).toThrow('config must be an object (got string)');
    expect(() => checkTrainConfig({ ...sound, dataset: { kind: 'idx' } })).toThrow('config.dataset is missing "dir"');
    expect(() => checkTrainConfig({ ...sound, dataset: { kind: 'csv', train: 'a.csv', extra: 1 } })).toThrow(
      'config.dataset has an unknown field "extra"',
    );
  });
});

describe('checkApiCall', () => {
  it('refuses unknown channels', () => {
    expect(refusal('fs:read', {})).toBe('unknown call "fs:read"');
    expect(refusal(42, {})).toBe('unknown call 42');
  });

  it('checks every channel\'s arguments', () => {
    expect(refusal('training:start', { config: sound })).toBeNull();
    expect(refusal('training:start', { config: sound, resume: [1, 2, 3] })).toBe('resume must be bytes (Uint8Array), got a list');
    expect(refusal('training:pause', {})).toBeNull();
    expect(refusal('training:pause', { now: true })).toBe('training:pause has an unknown field "now"');
    expect(refusal('model:predict', { pixels: new Uint8Array(784), saliency: true })).toBeNull();
    expect(refusal('model:predict', { pixels: new Float64Array(784), saliency: true })).toBe('pixels must be bytes (Uint8Array), got Float64Array');
    expect(refusal('model:load', { bytes: new Uint8Array(8), fileName: '' })).toBe('file name must be a non-empty string (got an empty string)');
    expect(refusal('dataset:sample', { which: -2 })).toBe('sample must be "random", "misclassified" or an image index (got -2)');
    expect(refusal('dataset:sample', { which: 'misclassified', after: '3' })).toBe('after must be a test image index (got "3")');
    expect(() => checkApiCall('dataset:sample', { which: 'misclassified', after: -1 })).not.toThrow();
    expect(refusal('dataset:info', { source: { kind: 'http', url: 'x' } })).toBe('source has an unknown field "url"');
    expect(refusal('app:set-theme', { source: 'neon' })).toBe('theme must be one of system, light, dark (got "neon")');
    expect(refusal('dataset:open-path', { kind: 'idx', path: '/data\0/x' })).toBe('path contains a NUL character');
    expect(refusal('dataset:upload', { kind: 'csv', files: [] })).toBe('upload 1 to 4 files');
    expect(refusal('dataset:upload', { kind: 'csv', files: [{ name: 'a.csv', bytes: new Uint8Array(1) }] })).toBe('file 1 has an unknown field "bytes"');
    expect(refusal('dataset:upload', { kind: 'csv', files: [{ name: 'a.csv', upload: '../x' }] })).toBe('file 1 upload must be the id the host gave the upload (got "../x")');
    expect(refusal('engine:kernels', {})).toBeNull();
    expect(refusal('engine:set-threads', { threads: 2 })).toBeNull();
    expect(refusal('engine:set-threads', { threads: 0 })).toBe('threads must be a whole number from 1 to 16 (got 0)');
    expect(refusal('engine:set-threads', { threads: 1.5 })).toBe('threads must be a whole number from 1 to 16 (got 1.5)');
    expect(refusal('engine:set-threads', { threads: '2' })).toBe('threads must be a whole number from 1 to 16 (got "2")');
    expect(refusal('engine:set-threads', { threads: NaN })).toBe('threads must be a whole number from 1 to 16 (got NaN)');
  });
});
