import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import { layerRole, layerTitle, roleAt } from '../../../src-renderer/lib/layer-names';

describe('layer names', () => {
  it('give the file\'s index and the Train form\'s role together', () => {
    expect(layerTitle('0', 0, 2)).toBe('Layer 0 (hidden layer 1)');
    expect(layerTitle('2', 1, 2)).toBe('Layer 2 (output layer)');
    expect(layerRole(1, 3)).toBe('hidden layer 2');
    expect(layerRole(0, 1)).toBe('output layer'); // a network without hidden layers
  });

  it('place activations and dropout in the hidden layer they follow', () => {
    const { layers } = mlpArchitecture([784, 800, 300, 10], 'relu', 'cross_entropy', [...'0123456789']);
    expect(layers.map((_, i) => roleAt(layers, i))).toEqual(['hidden layer 1', 'hidden layer 1', 'hidden layer 2', 'hidden layer 2', 'output layer']);
  });
});
