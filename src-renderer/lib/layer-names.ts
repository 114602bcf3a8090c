/**
 * One way to name a layer in every view. The file's name is the layer's index in the network's list
 * of layers ("0" for 0.weight), as PyTorch's nn.Sequential numbers them, so "Layer 0" and "Layer 2"
 * are the two linear layers of 784-128-10; beside it goes what the Train form calls the same layer
 * ("hidden layer 1"), so the two numberings never look like two networks.
 */
import type { LayerSpec } from '../../src-engine/architecture';

/** The role of the linear layer at `position` (0-based) among `linears`: "hidden layer 1" … "output layer". */
export function layerRole(position: number, linears: number): string {
  return position === linears - 1 ? 'output layer' : `hidden layer ${position + 1}`;
}

/** "Layer 0 (hidden layer 1)": a linear layer's name in the file and its role. */
export function layerTitle(name: string, position: number, linears: number): string {
  return `Layer ${name} (${layerRole(position, linears)})`;
}

/**
 * The role of the layer at `index` in an architecture's list: a linear layer's own, or for an
 * activation or dropout, the role of the linear layer it follows.
 */
export function roleAt(layers: readonly LayerSpec[], index: number): string {
  const linears = layers.filter((l) => l.type === 'linear').length;
  const position = layers.slice(0, index + 1).filter((l) => l.type === 'linear').length - 1;
  return layerRole(Math.max(0, position), linears);
}
