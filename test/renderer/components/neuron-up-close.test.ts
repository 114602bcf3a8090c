import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { NeuronDetail } from '../../../src-engine/protocol';
import NeuronUpClose from '../../../src-renderer/components/NeuronUpClose.svelte';

const n = 784;
const unit = (outputGrad: number): NeuronDetail => ({
  layer: 0, unit: 3, inputs: new Float64Array(n).fill(0.5), weights: new Float64Array(n).fill(0.01), bias: -10, preActivation: -6.08,
  activation: { op: 'relu', value: 0 }, weightGrad: new Float64Array(n).fill(0.5 * outputGrad), biasGrad: outputGrad, outputGrad,
});

describe('a unit up close', () => {
  it('offers no "largest" gradient to check when every gradient of the unit is 0 (its ReLU is off for this digit)', () => {
    render(NeuronUpClose, { props: { neuron: unit(0), inputShape: [28, 28], gradients: true, check: null, busy: false, onCheck: () => {} } });
    const largest = screen.getByRole('button', { name: 'Check the largest' }) as HTMLButtonElement;
    expect(largest.disabled).toBe(true);
    expect(largest.title).toBe('Every gradient of this unit is 0 on this digit: there is no largest to check');
    expect((screen.getByRole('button', { name: 'Check the bias' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('draws a check of 0 against 0 as no agreement in green, and says nothing flows to the weight', () => {
    const check = { param: '0.weight', row: 3, col: 0, value: 0.01, autograd: 0, numeric: 0, h: 1e-6, relativeError: 0 };
    render(NeuronUpClose, { props: { neuron: unit(0), inputShape: [28, 28], gradients: true, check, busy: false, onCheck: () => {} } });
    const cell = screen.getByText('0.00e+0');
    expect(cell.classList.contains('ok')).toBe(false);
    expect(screen.getByText(/Both are exactly 0: nothing flows to this weight\./)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Check the largest' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
