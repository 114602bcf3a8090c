/**
 * An independent reference for one example's forward and backward through an MLP: plain loops
 * over number arrays in PyTorch's layout (weight [out][in]), sharing no code with the engine.
 */
import type { Architecture } from '../../../src-engine/architecture';

export interface ReferenceResult {
  /** Output of every layer of the Sequential. */
  acts: number[][];
  loss: number;
  /** ∂loss/∂parameter by name ("0.weight" flat [out·in], "0.bias" [out]). */
  grads: Map<string, number[]>;
}

/**
 * @param params by name, PyTorch layout, flat @param x the scaled input @param label class index
 */
export function referenceStep(arch: Architecture, params: Map<string, ArrayLike<number>>, x: ArrayLike<number>, label: number): ReferenceResult {
  const acts: number[][] = [];
  let a = Array.from(x);
  const inputs: number[][] = [];
  for (const [i, layer] of arch.layers.entries()) {
    inputs.push(a);
    if (layer.type === 'linear') {
      const W = params.get(`${i}.weight`)!;
      const b = params.get(`${i}.bias`)!;
      const y: number[] = [];
      for (let o = 0; o < layer.out; o++) {
        let s = b[o];
        for (let k = 0; k < layer.in; k++) s += W[o * layer.in + k] * a[k];
        y.push(s);
      }
      a = y;
    } else if (layer.type === 'relu') a = a.map((v) => (v > 0 ? v : 0));
    else if (layer.type === 'leaky_relu') a = a.map((v) => (v > 0 ? v : (layer.slope ?? 0.01) * v));
    else if (layer.type === 'sigmoid') a = a.map((v) => 1 / (1 + Math.exp(-v)));
    else if (layer.type === 'tanh') a = a.map((v) => Math.tanh(v));
    acts.push(a);
  }
  const out = a;
  let loss: number;
  let d: number[];
  if (arch.loss === 'cross_entropy') {
    const m = Math.max(...out);
    const e = out.map((v) => Math.exp(v - m));
    const s = e.reduce((p, q) => p + q, 0);
    loss = Math.log(s) + m - out[label];
    d = e.map((v, j) => v / s - (j === label ? 1 : 0));
  } else if (arch.loss === 'mse') {
    loss = out.reduce((p, v, j) => p + (v - (j === label ? 1 : 0)) ** 2, 0) / out.length;
    d = out.map((v, j) => (2 * (v - (j === label ? 1 : 0))) / out.length);
  } else {
    const z = out[0];
    const sig = 1 / (1 + Math.exp(-z));
    loss = -(label * Math.log(sig) + (1 - label) * Math.log(1 - sig));
    d = [sig - label];
  }
  const grads = new Map<string, number[]>();
  for (let i = arch.layers.length - 1; i >= 0; i--) {
    const layer = arch.layers[i];
    const input = inputs[i];
    const output = acts[i];
    if (layer.type === 'linear') {
      const W = params.get(`${i}.weight`)!;
      const gW: number[] = new Array(layer.out * layer.in).fill(0);
      for (let o = 0; o < layer.out; o++) for (let k = 0; k < layer.in; k++) gW[o * layer.in + k] = d[o] * input[k];
      grads.set(`${i}.weight`, gW);
      grads.set(`${i}.bias`, d.slice());
      const dx: number[] = new Array(layer.in).fill(0);
      for (let k = 0; k < layer.in; k++) for (let o = 0; o < layer.out; o++) dx[k] += d[o] * W[o * layer.in + k];
      d = dx;
    } else if (layer.type === 'relu') d = d.map((g, k) => (input[k] > 0 ? g : 0));
    else if (layer.type === 'leaky_relu') d = d.map((g, k) => (input[k] > 0 ? g : (layer.slope ?? 0.01) * g));
    else if (layer.type === 'sigmoid') d = d.map((g, k) => g * output[k] * (1 - output[k]));
    else if (layer.type === 'tanh') d = d.map((g, k) => g * (1 - output[k] * output[k]));
  }
  return { acts, loss, grads };
}
