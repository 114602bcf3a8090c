/**
 * The Evaluate view says what a model's outputs are in the engine's words, as the Digit pad does
 * (src-engine/nn/output-reading.ts): an MSE model's galleries show scores, not probabilities, and
 * a 3-vs-7 model knows only those two classes.
 */
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { mlpArchitecture, type LossName } from '../../../src-engine/architecture';
import type { ModelInfo } from '../../../src-engine/protocol';
import type { EvaluationReport } from '../../../src-engine/protocol';
import EvaluateView from '../../../src-renderer/views/EvaluateView.svelte';
import { EvaluateState } from '../../../src-renderer/state/evaluate.svelte';
import { fakeApi } from '../fake-api';

function model(loss: LossName, classes: string[]): ModelInfo {
  const out = loss === 'bce' ? 1 : classes.length;
  return { architecture: mlpArchitecture([784, 30, out], 'relu', loss, classes, [28, 28]), config: null, history: [], epoch: 2, step: 0, datasetName: 'MNIST', baselineAccuracy: null, stepsPerEpoch: 0, trainedSeconds: null, parameters: 0 };
}

async function evaluate(info: ModelInfo, confidence: EvaluationReport['confidence'], weights: EvaluationReport['weights'] = { epoch: 2, step: 600, stepsPerEpoch: 300 }): Promise<string | null> {
  const k = info.architecture.classes.length;
  const summary: EvaluationReport = {
    split: 'test', count: 100, accuracy: 0.9, loss: 0.3, classes: info.architecture.classes,
    confusion: new Uint32Array(k * k), precision: new Float64Array(k), recall: new Float64Array(k), confidence, weights,
  };
  const emptyGallery = { total: 0, items: [], pixels: new Uint8Array(0), rows: 28, cols: 28 };
  const api = fakeApi({ 'model:evaluate': summary, 'model:gallery': emptyGallery });
  const ev = new EvaluateState(api, () => { throw new Error('no projection in this test'); });
  render(EvaluateView, { props: { evaluation: ev, info, onOpenDigit: () => undefined, dark: false } });
  await screen.findByTestId('eval-accuracy');
  return screen.queryByTestId('eval-output-note')?.textContent ?? null;
}

describe('Evaluate: which weights it scored', () => {
  it('says where in the run they are, so a file saved part-way into an epoch is not read as an epoch\'s figure', async () => {
    await evaluate(model('cross_entropy', [...'0123456789']), 'probability', { epoch: 1, step: 510, stepsPerEpoch: 300 });
    expect(screen.getByTestId('eval-weights').textContent).toBe('weights epoch 2, step 210');
  });

  it('at an epoch\'s end, after that epoch', async () => {
    await evaluate(model('cross_entropy', [...'0123456789']), 'probability');
    expect(screen.getByTestId('eval-weights').textContent).toBe('weights after epoch 2');
  });

  it('says nothing of a file that does not record where its training stood (not "before training")', async () => {
    await evaluate(model('cross_entropy', [...'0123456789']), 'probability', null);
    expect(screen.queryByTestId('eval-weights')).toBeNull();
  });
});

describe('Evaluate: what the outputs are', () => {
  it('an MSE model: scores, not probabilities, and the galleries show the score', async () => {
    const note = await evaluate(model('mse', [...'0123456789']), 'score');
    expect(note).toContain('scores, not probabilities.');
    expect(note).toContain("The galleries show the predicted class's score.");
  });

  it('a 3-vs-7 model knows only 3 and 7', async () => {
    expect(await evaluate(model('bce', ['3', '7']), 'probability')).toBe('It knows only 3 and 7: whatever digit it is shown, it answers one of them.');
  });

  it('a cross-entropy model of every digit needs no note', async () => {
    expect(await evaluate(model('cross_entropy', [...'0123456789']), 'probability')).toBeNull();
  });
});
