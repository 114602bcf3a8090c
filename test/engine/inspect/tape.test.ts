import { describe, expect, it } from 'vitest';
import { mlpArchitecture, type Activation, type LossName } from '../../../src-engine/architecture';
import { Model } from '../../../src-engine/nn/model';
import { Random } from '../../../src-engine/random';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { modelFromCheckpoint, toFileLayout } from '../../../src-engine/checkpoint/layout';
import { traceExample } from '../../../src-engine/inspect/tape';
import { EngineService } from '../../../src-engine/service/engine-service';
import { Tensor } from '../../../src-engine/tensor';
import { referenceStep } from './reference-mlp';
import { fixture, trainedService } from '../service/trained-service';


interface Net {
  activation: Activation;
  hidden: number[];
  loss: LossName;
  classes?: number[];
}

/** A service that trained `net` to the end; `between` runs between slices of training. */
const trained = (net: Net, between?: (service: EngineService, slice: number) => void) => trainedService({ ...net, limit: 300 }, between);

const NETS: Net[] = [
  { activation: 'relu', hidden: [32], loss: 'cross_entropy' },
  { activation: 'tanh', hidden: [24, 16], loss: 'mse' },
  { activation: 'sigmoid', hidden: [16], loss: 'cross_entropy' },
  { activation: 'leaky_relu', hidden: [16, 12, 8], loss: 'cross_entropy' },
  { activation: 'relu', hidden: [16], loss: 'bce', classes: [3, 7] },
];
const LOSS_OP = { cross_entropy: 'softmax_cross_entropy', mse: 'mse', bce: 'bce' };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('the tape of one example', () => {
  for (const net of NETS) {
    const name = `${net.hidden.join('-')} ${net.activation}, ${net.loss}`;
    it(`records every op the engine ran, in order, with values and gradients equal to an independent computation (${name})`, () => {
      const { bytes } = trained(net);
      const model = modelFromCheckpoint(decodeCheckpoint(bytes, 'model'));
      const arch = model.architecture;
      const test = fixture.test!;
      const index = net.classes ? Array.from(test.labels).findIndex((l) => l === 7) : 11;
      const x = Float64Array.from(test.images.subarray(index * 784, (index + 1) * 784), (b) => b * arch.input.scale);
      const label = net.classes ? 1 : test.labels[index];
      const params = new Map(model.parameters().map((p) => [p.name, toFileLayout(p.tensor).data]));
      const { tape, grads } = traceExample(model, x, label);

      // the ops: the input, one per layer of the Sequential, the loss
      expect(tape.ops.map((o) => o.op)).toEqual(['input', ...arch.layers.map((l) => l.type), LOSS_OP[net.loss]]);
      expect(tape.ops.map((o) => o.layer)).toEqual([null, ...arch.layers.map((_, i) => i), null]);
      expect(tape.ops[1].inputs.map((i) => `${i.name} ${i.shape.join('x')}`)).toEqual(['x 1x784', `0.weight 784x${net.hidden[0]}`, `0.bias ${net.hidden[0]}`]);
      expect(tape.ops.at(-1)!.output.shape).toEqual([]);
      // backward ran from the loss back to the first layer (the image needs no gradient)
      expect(tape.backward).toEqual(tape.ops.map((_, i) => i).slice(1).reverse());

      const ref = referenceStep(arch, params, x, label);
      expect(Math.abs(tape.loss - ref.loss)).toBeLessThan(1e-12);
      ref.acts.forEach((act, i) => expect(maxAbsDiff(tape.ops[i + 1].output.values, act)).toBeLessThan(1e-12));
      for (const [pname, g] of ref.grads) {
        const engine = toFileLayout(new Tensor(grads.get(pname)!, model.parameters().find((p) => p.name === pname)!.tensor.shape)).data;
        expect(maxAbsDiff(engine, g), pname).toBeLessThan(1e-12);
      }
      // each op's output gradient is there after backward; the input has none
      expect(tape.ops[0].output.grad).toBeNull();
      for (const op of tape.ops.slice(1)) expect(op.output.grad?.length).toBe(op.output.values.length);
      expect(tape.ops.at(-1)!.output.grad![0]).toBe(1);
      expect(tape.note).toBeNull();
    });
  }

  it('a model with dropout is traced as it answers (dropout off), and the tape says so', () => {
    const arch = mlpArchitecture([784, 16, 10], 'relu', 'cross_entropy', [...'0123456789'], [28, 28], 1 / 255, [0.3]);
    const model = new Model(arch, new Random(3));
    const x = Float64Array.from(fixture.test!.images.subarray(0, 784), (b) => b / 255);
    const { tape } = traceExample(model, x, fixture.test!.labels[0]);
    expect(tape.ops.map((o) => o.op)).toEqual(['input', 'linear', 'relu', 'linear', 'softmax_cross_entropy']);
    expect(tape.ops.map((o) => o.layer)).toEqual([null, 0, 1, 3, null]);
    expect(tape.note).toBe('Dropout (layer 2, p = 0.3) is off here, as at evaluation: the tape shows the network as it answers, and the update is the step training would take with every unit kept.');
    // the same weights without the dropout layer give the very same tape
    const plain = new Model(mlpArchitecture([784, 16, 10], 'relu', 'cross_entropy', [...'0123456789'], [28, 28], 1 / 255), new Random(3));
    plain.parameters().forEach((p, i) => p.tensor.data.set(model.parameters()[i].tensor.data));
    expect(traceExample(plain, x, fixture.test!.labels[0]).tape.loss).toBe(tape.loss);
  });
});

describe('step:* calls', () => {
  it('trace, gradient check and update work on copies: the run trained meanwhile ends bit for bit as one that nobody looked into', () => {
    const net = NETS[0];
    const plain = trained(net);
    const checks: number[] = [];
    const looked = trained(net, (service, slice) => {
      const t = service.handle('step:trace', { example: { index: slice }, weights: 'model' });
      expect(t.tape.ops.length).toBe(5);
      const n = service.handle('step:neuron', { layer: 0, unit: 3 });
      const col = n.weightGrad.indexOf(Math.max(...n.weightGrad.map(Math.abs)) === Math.max(...n.weightGrad) ? Math.max(...n.weightGrad) : Math.min(...n.weightGrad));
      checks.push(service.handle('step:gradcheck', { param: '0.weight', row: 3, col }).relativeError);
      service.handle('step:apply', {});
    });
    expect(checks.length).toBeGreaterThan(1);
    expect(Buffer.from(looked.bytes).equals(Buffer.from(plain.bytes))).toBe(true);
  });

  it('the finite difference the engine computes agrees with the autograd to 1e-6 relative, for weights and biases of every layer', () => {
    for (const net of [NETS[0], NETS[1], NETS[3], NETS[4]]) {
      const { service } = trained(net);
      const t = service.handle('step:trace', { example: { index: 4 }, weights: 'model' });
      for (const op of t.tape.ops.filter((o) => o.op === 'linear')) {
        const layer = op.layer!;
        const out = op.output.shape[1];
        for (const unit of [0, out - 1]) {
          const n = service.handle('step:neuron', { layer, unit });
          // the incoming weight with the largest gradient, and the bias
          let col = 0;
          for (let i = 0; i < n.weightGrad.length; i++) if (Math.abs(n.weightGrad[i]) > Math.abs(n.weightGrad[col])) col = i;
          const w = service.handle('step:gradcheck', { param: `${layer}.weight`, row: unit, col });
          expect(w.autograd).toBe(n.weightGrad[col]);
          expect(w.value).toBe(n.weights[col]);
          const b = service.handle('step:gradcheck', { param: `${layer}.bias`, row: unit, col: 0 });
          expect(b.autograd).toBe(n.biasGrad);
          for (const c of [w, b]) {
            if (Math.abs(c.autograd) < 1e-7) continue; // a dead unit: both are 0 or at rounding level
            expect(c.relativeError, `${net.activation} ${c.param}[${c.row}, ${c.col}] ${c.autograd} vs ${c.numeric}`).toBeLessThan(1e-6);
          }
        }
      }
    }
  });

  it('one neuron up close: its weighted sum plus bias is its pre-activation, its weight gradient is input × its output gradient', () => {
    const { service } = trained(NETS[0]);
    const t = service.handle('step:trace', { example: { index: 9 }, weights: 'model' });
    const n = service.handle('step:neuron', { layer: 0, unit: 5 });
    let sum = n.bias;
    n.inputs.forEach((v, i) => (sum += v * n.weights[i]));
    expect(Math.abs(sum - n.preActivation)).toBeLessThan(1e-12);
    expect(n.activation).toEqual({ op: 'relu', value: Math.max(0, n.preActivation) });
    n.inputs.forEach((v, i) => expect(n.weightGrad[i]).toBeCloseTo(v * n.outputGrad, 15));
    expect(n.biasGrad).toBe(n.outputGrad);
    expect(n.preActivation).toBe(t.tape.ops[1].output.values[5]);
    expect(service.handle('step:neuron', { layer: 2, unit: 0 }).activation).toBeNull();
  });

  it('applying the update changes the scratch copy only: the loss falls as previewed, the model is unchanged, "model" starts afresh', () => {
    const { service } = trained(NETS[0]);
    const before = service.handle('model:weights', {});
    const first = service.handle('step:trace', { example: { index: 2 }, weights: 'model', lr: 0.01 });
    expect(first.applied).toBe(0);
    expect(first.update.lossAfter).toBeLessThan(first.update.lossBefore);
    const second = service.handle('step:apply', {});
    expect(second.applied).toBe(1);
    expect(second.tape.loss).toBeCloseTo(first.update.lossAfter, 12);
    expect(second.tape.probabilities[second.tape.label]).toBeCloseTo(first.update.trueAfter, 12);
    expect(service.handle('step:trace', { example: { index: 2 }, weights: 'scratch', lr: 0.01 }).tape.loss).toBeCloseTo(second.tape.loss, 12);
    const after = service.handle('model:weights', {});
    after.layers.forEach((l, i) => expect(Buffer.from(l.weight.buffer).equals(Buffer.from(before.layers[i].weight.buffer))).toBe(true));
    const again = service.handle('step:trace', { example: { index: 2 }, weights: 'model', lr: 0.01 });
    expect(again.applied).toBe(0);
    expect(again.tape.loss).toBe(first.tape.loss);
  });

  it('an mse model\'s update shows the true class\'s score, not a softmax of scores it was never trained to give', () => {
    const { service } = trained(NETS.find((n) => n.loss === 'mse')!);
    const first = service.handle('step:trace', { example: { index: 2 }, weights: 'model', lr: 0.01 });
    const label = first.tape.label;
    expect(first.update.trueBefore).toBe(first.tape.outputs[label]);
    expect(first.update.trueBefore).not.toBeCloseTo(first.tape.probabilities[label], 3);
    const second = service.handle('step:apply', {});
    expect(second.tape.outputs[label]).toBeCloseTo(first.update.trueAfter, 12);
  });

  it('a drawn digit is traced with the label the learner picks', () => {
    const { service } = trained(NETS[0]);
    const pixels = fixture.test!.images.slice(0, 784);
    const t = service.handle('step:trace', { example: { pixels }, label: 4, weights: 'model' });
    expect(t.example).toMatchObject({ kind: 'drawn', label: 4 });
    expect(t.tape.label).toBe(4);
  });

  it('says one clear sentence for bad input, and keeps the last trace', () => {
    const { service } = trained(NETS[0]);
    const t = service.handle('step:trace', { example: { index: 1 }, weights: 'model' });
    const count = fixture.test!.count;
    expect(() => service.handle('step:trace', { example: { index: count }, weights: 'model' })).toThrow(`test image index must be 0 to ${count - 1}`);
    expect(() => service.handle('step:trace', { example: { pixels: new Uint8Array(784) }, label: 3, weights: 'model' })).toThrow('the pad is empty: draw a digit first');
    expect(() => service.handle('step:trace', { example: { pixels: new Uint8Array(100).fill(9) }, label: 3, weights: 'model' })).toThrow('takes 784 pixels per image');
    expect(() => service.handle('step:trace', { example: { pixels: new Uint8Array(784).fill(9) }, weights: 'model' })).toThrow("pick the digit's true label: one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9");
    expect(() => service.handle('step:neuron', { layer: 1, unit: 0 })).toThrow('layer 1 is not a linear layer');
    expect(() => service.handle('step:gradcheck', { param: '9.weight', row: 0, col: 0 })).toThrow('this model has no parameter "9.weight"');
    expect(service.handle('step:neuron', { layer: 0, unit: 0 }).preActivation).toBe(t.tape.ops[1].output.values[0]);
  });
});
