import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import { Model } from '../../../src-engine/nn/model';
import { Random } from '../../../src-engine/random';
import type { HeldModel } from '../../../src-engine/service/held-model';
import { StepInside } from '../../../src-engine/service/step-inside';
import { StepInsideState } from '../../../src-renderer/state/step-inside.svelte';
import { fakeApi } from '../fake-api';

/** A real trace from the engine: a 16-6-5-3 tanh net, one drawn example labelled 2. */
function realTrace() {
  const model = new Model(mlpArchitecture([16, 6, 5, 3], 'tanh', 'cross_entropy', ['a', 'b', 'c']), new Random(4));
  const held: HeldModel = { model, config: null, history: [], epoch: 0, step: 0, datasetName: 'x', baselineAccuracy: null, stepsPerEpoch: 0, trainedSeconds: null, test: null, wrong: null, validation: null };
  const pixels = Uint8Array.from({ length: 16 }, (_, i) => (i * 37) % 256);
  return new StepInside(() => held).trace({ pixels }, 2, 0.1, 'model');
}

describe('StepInsideState', () => {
  it('steps forward op by op, then backward in the order the autograd ran, showing each gradient once the op that reads its tensor ran', async () => {
    const trace = realTrace();
    const api = fakeApi({ 'step:trace': trace });
    const step = new StepInsideState(api);
    step.fromPad(trace.example.pixels);
    await step.pickLabel(2);
    expect(api.calls[0]).toMatchObject({ name: 'step:trace', args: { label: 2, weights: 'scratch' } });
    const ops = trace.tape.ops.map((o) => o.op);
    expect(ops).toEqual(['input', 'linear', 'tanh', 'linear', 'tanh', 'linear', 'softmax_cross_entropy']);
    expect(step.steps).toBe(7 + 6);
    const seen: string[] = [];
    for (let k = 0; k < step.steps; k++) {
      const p = step.position!;
      seen.push(`${p.phase} ${p.op}`);
      step.step(1);
    }
    expect(seen).toEqual([...ops.map((_, i) => `forward ${i}`), ...[6, 5, 4, 3, 2, 1].map((i) => `backward ${i}`)]);
    expect(step.cursor).toBe(12); // stops at the end

    step.jump('forward-end');
    expect(ops.map((_, i) => step.valueShown(i))).toEqual(ops.map(() => true));
    expect(ops.map((_, i) => step.gradShown(i))).toEqual(ops.map(() => false));
    step.step(1); // the loss's backward: the loss's own gradient and its input's (the logits')
    expect(ops.map((_, i) => step.gradShown(i))).toEqual([false, false, false, false, false, true, true]);
    expect(step.backwardRan(6)).toBe(true);
    expect(step.backwardRan(5)).toBe(false);
    step.jump('end');
    expect(ops.map((_, i) => step.gradShown(i))).toEqual([false, true, true, true, true, true, true]);
    step.jump('start');
    expect(ops.map((_, i) => step.valueShown(i))).toEqual([true, false, false, false, false, false, false]);
  });

  it('an empty pad is one sentence and asks the engine nothing; an engine refusal keeps what was shown', async () => {
    const trace = realTrace();
    const api = fakeApi({ 'step:trace': trace, 'dataset:sample': new Error('test image index must be 0 to 99') });
    const step = new StepInsideState(api);
    expect(step.fromPad(new Uint8Array(16))).toBe('The pad is empty: draw a digit first.');
    expect(step.fromPad(null)).toBe('The pad is empty: draw a digit first.');
    expect(step.pending).toBeNull();
    expect(api.calls).toEqual([]);
    step.fromPad(trace.example.pixels);
    await step.pickLabel(2);
    step.step(3);
    await step.testDigit('random');
    expect(step.error).toBe('Test image index must be 0 to 99.');
    expect(step.trace).toBe(trace);
    expect(step.cursor).toBe(3);
  });
});
