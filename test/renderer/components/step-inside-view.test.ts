import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { type Activation, type LossName, mlpArchitecture } from '../../../src-engine/architecture';
import { Model } from '../../../src-engine/nn/model';
import { Random } from '../../../src-engine/random';
import type { HeldModel } from '../../../src-engine/service/held-model';
import { StepInside } from '../../../src-engine/service/step-inside';
import { StepInsideState } from '../../../src-renderer/state/step-inside.svelte';
import StepInsideView from '../../../src-renderer/views/StepInsideView.svelte';
import { fakeApi } from '../fake-api';

/** The engine's answers for a 784-h-...-out model on one drawn digit: a trace and its first unit. */
function engineAnswers(sizes: number[], activation: Activation, loss: LossName, classes: string[]) {
  const model = new Model(mlpArchitecture(sizes, activation, loss, classes, [28, 28]), new Random(2));
  const held: HeldModel = { model, config: null, history: [], epoch: 0, step: 0, datasetName: 'x', baselineAccuracy: null, stepsPerEpoch: 0, trainedSeconds: null, test: null, wrong: null, validation: null };
  const engine = new StepInside(() => held);
  const pixels = Uint8Array.from({ length: 784 }, (_, i) => ((i % 28) - 14) ** 2 < 9 ? 255 : 0);
  const trace = engine.trace({ pixels }, 1, 0.1, 'model');
  return { pixels, answers: { 'step:trace': trace, 'step:neuron': engine.neuron(0, 0), 'step:gradcheck': engine.gradcheck('0.bias', 0, 0) } };
}

const NETS = [
  { name: 'binary (bce, 3 vs 7)', sizes: [784, 8, 1], activation: 'sigmoid', loss: 'bce', classes: ['3', '7'], ops: ['input', 'linear', 'sigmoid', 'linear', 'bce'] },
  { name: 'mse, two hidden layers', sizes: [784, 12, 6, 10], activation: 'tanh', loss: 'mse', classes: [...'0123456789'], ops: ['input', 'linear', 'tanh', 'linear', 'tanh', 'linear', 'mse'] },
  { name: 'leaky relu, cross-entropy', sizes: [784, 10, 10], activation: 'leaky_relu', loss: 'cross_entropy', classes: [...'0123456789'], ops: ['input', 'linear', 'leaky_relu', 'linear', 'softmax_cross_entropy'] },
] as const;

describe('the Step inside view', () => {
  for (const net of NETS) {
    it(`draws every op of a ${net.name} tape, forward then backward, with the op's rule and its code`, async () => {
      const { pixels, answers } = engineAnswers([...net.sizes], net.activation, net.loss, [...net.classes]);
      const step = new StepInsideState(fakeApi(answers));
      render(StepInsideView, { props: { step, classes: [...net.classes] } });
      expect(step.fromPad(pixels)).toBeNull();
      await tick();
      expect(screen.getByRole('group', { name: 'Which digit is it?' }).textContent).toContain(net.classes[1]);
      await step.pickLabel(1);
      await tick();
      const heads = net.ops.map((_, i) => screen.getByTestId(`op-${i}`).querySelector('.op-head strong')!.textContent!.replace(/\s+/g, ' '));
      expect(heads.map((h) => h.split(' ')[1])).toEqual([...net.ops]);
      expect(screen.getByTestId('step-position').textContent).toBe('Forward 1 of ' + net.ops.length + ': input');
      step.jump('forward-end');
      await tick();
      expect(screen.getByTestId('op-rule').textContent).toBe(answers['step:trace'].tape.ops.at(-1)!.rule.forward);
      step.jump('end');
      await tick();
      expect(screen.getByTestId('step-position').textContent).toBe(`Backward ${net.ops.length - 1} of ${net.ops.length - 1}: linear`);
      // the outputs' bars: one "z" for the single logit of a binary model, else one per class
      const out = screen.getByRole('list', { name: `linear ${net.ops.length - 2} gradient` });
      expect([...out.querySelectorAll('.name')].map((n) => n.textContent)).toEqual(net.loss === 'bce' ? ['z'] : [...net.classes]);
      // the code panel shows linear's backward (its source file and lines)
      expect(screen.getByRole('button', { name: /^src-engine\/ops\/matmul\.ts:\d+–\d+$/ })).toBeTruthy();
      await step.openNeuron(0, 0);
      await step.checkGradient(null);
      await tick();
      expect(screen.getByTestId('gradient-check').textContent).toContain('the bias of unit 0');
      // an mse model's outputs are scores: shown as scores, never as percentages
      const update = screen.getByTestId('update').textContent!;
      expect(update).toMatch(net.loss === 'mse' ? /score\(true\)/ : /p\(true\)/);
      expect(update.includes('%')).toBe(net.loss !== 'mse');
      const bars = screen.getByRole('list', { name: net.loss === 'mse' ? 'Score of each class' : 'Probability of each class' });
      if (net.loss === 'mse') {
        const outputs = answers['step:trace'].tape.outputs;
        expect([...bars.querySelectorAll('.value')].map((v) => v.textContent)).toEqual([...outputs].map((x) => x.toFixed(2)));
      }
    });
  }

  it('names the test digit on screen in the index field, so that Step inside steps into it again', async () => {
    const { answers } = engineAnswers([784, 8, 10], 'relu', 'cross_entropy', [...'0123456789']);
    const trace = answers['step:trace'];
    const api = fakeApi({ ...answers, 'step:trace': { ...trace, example: { kind: 'test', index: 3061, pixels: trace.example.pixels, label: 1 } }, 'dataset:sample': { index: 3061 } });
    const step = new StepInsideState(api);
    render(StepInsideView, { props: { step, classes: [...'0123456789'] } });
    await step.testDigit('random');
    await tick();
    expect((screen.getByLabelText('Test digit #') as HTMLInputElement).value).toBe('3061');
  });

  it('"next one it gets wrong" goes in index order: from the first before any test digit, then from the one on show', async () => {
    const { answers } = engineAnswers([784, 8, 10], 'relu', 'cross_entropy', [...'0123456789']);
    const trace = answers['step:trace'];
    const api = fakeApi({ ...answers, 'step:trace': { ...trace, example: { kind: 'test', index: 8, pixels: trace.example.pixels, label: 1 } }, 'dataset:sample': { index: 8 } });
    const step = new StepInsideState(api);
    await step.testDigit('misclassified');
    await step.testDigit('misclassified');
    const asked = api.calls.filter((c) => c.name === 'dataset:sample').map((c) => c.args);
    expect(asked).toEqual([{ which: 'misclassified', after: -1 }, { which: 'misclassified', after: 8 }]);
  });
});
