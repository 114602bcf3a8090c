import { backward } from './autograd';
import { mlpArchitecture, type Activation, type LossName } from './architecture';
import { Model } from './nn/model';
import { add, div, mul, sub } from './ops/arithmetic';
import { leakyRelu, relu, sigmoid, tanh } from './ops/activations';
import { dropout, dropoutMask } from './ops/dropout';
import { bceWithLogits, mse, mseOneHot, softmaxCrossEntropy } from './ops/losses';
import { linear, matmul } from './ops/matmul';
import { logSoftmax, mean, reshape, softmax, sum } from './ops/reductions';
import { exp, log } from './ops/unary';
import { Random } from './random';
import { Tensor } from './tensor';

/** STYLE.md's tolerances: central differences with h = 1e-6, |a - n| <= 1e-5 + 1e-3·|n|. */
export const GRADCHECK_H = 1e-6;
export const GRADCHECK_ATOL = 1e-5;
export const GRADCHECK_RTOL = 1e-3;

export interface GradcheckResult {
  name: string;
  /** Largest |analytic - numeric| over all checked elements. */
  maxError: number;
  /** Elements checked. */
  checked: number;
  ok: boolean;
}

/**
 * Compare autograd gradients of a scalar function with central finite differences in float64.
 * The function's output is reduced to a scalar with a fixed random weighted sum, so every
 * output element's gradient path is exercised.
 * @param f builds the output from the inputs (any shape)
 * @param inputs leaves whose gradients are checked (requiresGrad is set on them)
 * @param maxPerTensor check at most this many random elements of each input (big layers)
 */
export function gradcheck(
  name: string,
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  random = new Random(7),
  maxPerTensor = Infinity,
): GradcheckResult {
  for (const x of inputs) {
    x.requiresGrad = true;
    x.grad = null;
  }
  const probe = f(...inputs);
  const weights = new Tensor(Float64Array.from({ length: probe.size }, () => random.next() + 0.5), probe.shape);
  const scalar = (...xs: Tensor[]) => sum(mul(f(...xs), weights));
  backward(scalar(...inputs));
  let maxError = 0;
  let checked = 0;
  let ok = true;
  for (const x of inputs) {
    const analytic = x.grad ?? new Float64Array(x.size);
    const indices = x.size <= maxPerTensor ? Array.from({ length: x.size }, (_, i) => i) : Array.from({ length: maxPerTensor }, () => random.int(x.size));
    for (const i of indices) {
      const orig = x.data[i];
      x.data[i] = orig + GRADCHECK_H;
      const up = scalar(...inputs).item();
      x.data[i] = orig - GRADCHECK_H;
      const down = scalar(...inputs).item();
      x.data[i] = orig;
      const numeric = (up - down) / (2 * GRADCHECK_H);
      const err = Math.abs(analytic[i] - numeric);
      maxError = Math.max(maxError, err);
      if (!(err <= GRADCHECK_ATOL + GRADCHECK_RTOL * Math.abs(numeric))) ok = false;
      checked++;
    }
  }
  return { name, maxError, checked, ok };
}

/** A random tensor; with `awayFromZero`, entries keep |x| >= 0.1 (relu's kink stays unprobed). */
export function randomTensor(shape: number[], random: Random, opts: { awayFromZero?: boolean; positive?: boolean; scale?: number } = {}): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = random.normal() * (opts.scale ?? 1);
    if (opts.awayFromZero && Math.abs(v) < 0.1) v = v < 0 ? v - 0.1 : v + 0.1;
    if (opts.positive) v = Math.abs(v) + 0.5;
    data[i] = v;
  }
  return new Tensor(data, shape);
}

/** Every op alone, with broadcasting cases; used by `npm run cli -- gradcheck` and the tests. */
export function checkAllOps(random = new Random(3)): GradcheckResult[] {
  const r = (shape: number[], o?: Parameters<typeof randomTensor>[2]) => randomTensor(shape, random, o);
  const labels = Uint8Array.of(0, 2, 1, 2);
  const bin = Uint8Array.of(1, 0, 0, 1);
  const mask = dropoutMask(12, 0.5, random);
  return [
    gradcheck('add', add, [r([3, 4]), r([3, 4])]),
    gradcheck('add (broadcast [3,4]+[4])', add, [r([3, 4]), r([4])]),
    gradcheck('add (broadcast [3,1]+[1,4])', add, [r([3, 1]), r([1, 4])]),
    gradcheck('sub (broadcast [2,3,4]-[3,1])', sub, [r([2, 3, 4]), r([3, 1])]),
    gradcheck('mul (broadcast [3,4]*[])', mul, [r([3, 4]), r([])]),
    gradcheck('mul (same tensor twice)', (a) => mul(a, a), [r([5])]),
    gradcheck('div (broadcast [3,4]/[4])', div, [r([3, 4]), r([4], { positive: true })]),
    gradcheck('matmul', (a, b) => matmul(a, b), [r([3, 5]), r([5, 4])]),
    gradcheck('matmul transA', (a, b) => matmul(a, b, { transA: true }), [r([5, 3]), r([5, 4])]),
    gradcheck('matmul transB', (a, b) => matmul(a, b, { transB: true }), [r([3, 5]), r([4, 5])]),
    gradcheck('matmul transA transB', (a, b) => matmul(a, b, { transA: true, transB: true }), [r([5, 3]), r([4, 5])]),
    gradcheck('linear', linear, [r([4, 6]), r([6, 3]), r([3])]),
    gradcheck('sum', (a) => sum(a), [r([3, 4])]),
    gradcheck('sum axis 0', (a) => sum(a, 0), [r([3, 4])]),
    gradcheck('mean axis 1', (a) => mean(a, 1), [r([2, 3, 4])]),
    gradcheck('mean', (a) => mean(a), [r([3, 4])]),
    gradcheck('exp', exp, [r([3, 4])]),
    gradcheck('log', log, [r([3, 4], { positive: true })]),
    gradcheck('relu', relu, [r([3, 4], { awayFromZero: true })]),
    gradcheck('leaky_relu', (a) => leakyRelu(a, 0.1), [r([3, 4], { awayFromZero: true })]),
    gradcheck('sigmoid', sigmoid, [r([3, 4])]),
    gradcheck('tanh', tanh, [r([3, 4])]),
    gradcheck('dropout (fixed mask, p 0.5)', (a) => dropout(a, mask), [r([3, 4])]),
    gradcheck('softmax', softmax, [r([3, 4])]),
    gradcheck('log_softmax', logSoftmax, [r([3, 4])]),
    gradcheck('reshape', (a) => reshape(a, [4, -1]), [r([2, 6])]),
    gradcheck('softmax_cross_entropy', (a) => softmaxCrossEntropy(a, labels), [r([4, 3])]),
    gradcheck('mse (one-hot)', (a) => mseOneHot(a, labels), [r([4, 3])]),
    gradcheck('mse', mse, [r([3, 4]), r([3, 4])]),
    gradcheck('bce with logits', (a) => bceWithLogits(a, bin), [r([4, 1], { scale: 3 })]),
  ];
}

/**
 * The whole MLP loss with respect to every parameter, for each activation and loss.
 * @param sizes layer sizes, e.g. [784, 128, 10]; checks use a few samples.
 */
export function checkMlp(sizes: number[], activation: Activation, loss: LossName, random = new Random(5), maxPerTensor = Infinity, dropoutRate = 0): GradcheckResult {
  const classes = loss === 'bce' ? ['a', 'b'] : Array.from({ length: sizes[sizes.length - 1] }, (_, i) => String(i));
  const s = loss === 'bce' ? [...sizes.slice(0, -1), 1] : sizes;
  const hidden = s.length - 2;
  const model = new Model(mlpArchitecture(s, activation, loss, classes, [s[0]], 1, Array.from({ length: hidden }, () => dropoutRate)), random);
  const batch = 3;
  const x = randomTensor([batch, s[0]], random);
  const labels = Uint8Array.from({ length: batch }, (_, i) => (loss === 'bce' ? i % 2 : i % classes.length));
  const params = model.parameters().map((p) => p.tensor);
  // NOTE: with dropout, the masks are keyed by (seed, step): the same step redrawn is the same
  // mask, so the finite differences see the function that backward differentiates.
  const forward = () => (dropoutRate > 0 ? model.forwardLayers(x, { seed: 1, step: 0 }).output : model.forward(x));
  const name = `MLP ${s.join('-')} ${activation} ${loss}${dropoutRate > 0 ? ` dropout ${dropoutRate}` : ''}`;
  return gradcheck(name, () => model.loss(forward(), labels), params, random, maxPerTensor);
}
