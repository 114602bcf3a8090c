/**
 * The exercises, in the order a learner meets the pieces: a neuron, relu, sigmoid's backward,
 * softmax cross-entropy, a linear layer's backward, the SGD step, then momentum. Each one's
 * expected answer comes from the engine's real ops (ops/, optim/), never from a second copy.
 */
import { backward } from '../autograd';
import { relu, sigmoid, stableSigmoid } from '../ops/activations';
import { softmaxCrossEntropy } from '../ops/losses';
import { linear } from '../ops/matmul';
import { Optimizer } from '../optim/optimizer';
import { Random } from '../random';
import { noGrad, Tensor } from '../tensor';
import type { Exercise, ExerciseCase, ExerciseValue, Outputs } from './exercise';

const H = 1e-6;

const f64 = (v: ExerciseValue) => v as Float64Array;
const num = (v: ExerciseValue) => v as number;
const one = (v: number) => Float64Array.of(v);

/** n values from `draw`, with some entries replaced by exact zeros when `zeros` is set. */
function values(random: Random, n: number, draw: () => number, zeros = 0): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = random.next() < zeros ? 0 : draw();
  return out;
}

const normal = (random: Random, scale = 1) => () => Math.round(random.normal() * scale * 1000) / 1000;

/** Σ f(x)·dy: a scalar whose gradient with respect to x is the backward's dx for incoming dy. */
function weighted(y: Float64Array, dy: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * dy[i];
  return s;
}

/** Central differences of a scalar function of x: (f(x + h) − f(x − h)) / 2h for every entry. */
function centralDifferences(x: Float64Array, f: (x: Float64Array) => number): Float64Array {
  const g = new Float64Array(x.length);
  const probe = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    probe[i] = x[i] + H;
    const up = f(probe);
    probe[i] = x[i] - H;
    const down = f(probe);
    probe[i] = x[i];
    g[i] = (up - down) / (2 * H);
  }
  return g;
}

/** The gradient of an engine forward at x for incoming dy, by the engine's own backward. */
function engineBackward(x: Float64Array, shape: number[], dy: Float64Array, op: (x: Tensor) => Tensor): Float64Array {
  const t = new Tensor(Float64Array.from(x), shape, true);
  backward(op(t), dy);
  return t.grad ?? new Float64Array(x.length);
}

const forward = (op: (x: Tensor) => Tensor) => (x: Float64Array) => noGrad(() => op(new Tensor(Float64Array.from(x), [x.length]))).data;

const neuron: Exercise = {
  name: 'neuron',
  title: "A neuron's weighted sum",
  explanation:
    'A neuron multiplies each input by its weight, adds them up and adds its bias: that one number is all it computes ' +
    'before the activation. On a digit, x holds the 784 pixel values and w one weight per pixel, so the sum is large ' +
    'where the ink falls on large weights. A linear layer is many neurons side by side, one column of W each.',
  formula: 'z = x₀·w₀ + x₁·w₁ + … + xₙ₋₁·wₙ₋₁ + b',
  functions: ['neuron'],
  signature: 'neuron(x: Float64Array, w: Float64Array, b: number): number',
  stub: '// x and w have the same length n; return one number.\nfunction neuron(x, w, b) {\n  let z = 0;\n  // your code here\n  return z;\n}\n',
  params: ['x', 'w', 'b'],
  outputs: ['z'],
  gradients: [],
  cases() {
    const random = new Random(11);
    const make = (label: string, n: number, draw: () => number, b: number, zeros = 0): ExerciseCase => ({
      label,
      args: [values(random, n, draw, zeros), values(random, n, normal(random)), b],
      shapes: { x: [n], w: [n], b: [], z: [] },
    });
    return [
      make('3 inputs', 3, normal(random), 0.5),
      make('a bias of 0', 5, normal(random), 0),
      make('negative inputs', 6, () => -Math.abs(normal(random)()), -1.25),
      make('all-zero inputs', 4, () => 0, 2),
      make('784 pixels of a digit', 784, () => random.int(256) / 255, 0.1, 0.8),
    ];
  },
  call: 'return { z: neuron(x, w, b) };',
  expected: ([x, w, b]) => {
    const n = f64(x).length;
    const z = noGrad(() => linear(new Tensor(f64(x), [1, n]), new Tensor(f64(w), [n, 1]), Tensor.from([num(b)])));
    return { z: one(z.data[0]) };
  },
  mistakes: [
    { hint: 'It looks like the bias is missing: add b once, after the sum.', outputs: ([x, w]) => ({ z: one(weighted(f64(x), f64(w))) }) },
    {
      hint: 'It looks like b is added inside the loop, once per input: add it once, after the sum.',
      outputs: ([x, w, b]) => ({ z: one(weighted(f64(x), f64(w)) + f64(x).length * num(b)) }),
    },
  ],
  references: [{ file: 'ops/matmul.ts', start: 'export function linear(' }],
  trainAs: null,
};

const relux: Exercise = {
  name: 'relu',
  title: 'ReLU, forward and backward',
  explanation:
    'ReLU keeps a positive value and turns everything else into 0. Its backward passes the incoming gradient dy ' +
    'through where the input was positive and stops it elsewhere: the derivative is 1 or 0, a mask, whatever the ' +
    'size of the value. At exactly 0 the kink has no derivative; the engine, like PyTorch, takes 0 there.',
  formula: 'relu(x) = max(x, 0)      dx = dy · (x > 0 ? 1 : 0)',
  functions: ['relu', 'reluBackward'],
  signature: 'relu(x: Float64Array): Float64Array\nreluBackward(x: Float64Array, dy: Float64Array): Float64Array',
  stub:
    '// Return new arrays of the same length as x.\nfunction relu(x) {\n  const y = new Float64Array(x.length);\n  // your code here\n  return y;\n}\n\n' +
    'function reluBackward(x, dy) {\n  const dx = new Float64Array(x.length);\n  // your code here\n  return dx;\n}\n',
  params: ['x', 'dy'],
  outputs: ['y', 'dx'],
  gradients: ['dx'],
  cases() {
    const random = new Random(12);
    const make = (label: string, rows: number, cols: number, draw: () => number, zeros = 0): ExerciseCase => ({
      label,
      args: [values(random, rows * cols, draw, zeros), values(random, rows * cols, normal(random))],
      shapes: { x: [rows, cols], dy: [rows, cols], y: [rows, cols], dx: [rows, cols] },
    });
    return [
      make('a few values', 2, 3, normal(random)),
      make('exact zeros', 4, 5, normal(random), 0.4),
      make('all negative', 3, 4, () => -Math.abs(normal(random)()) - 0.001),
      make('all zero', 2, 4, () => 0),
      make('a batch of 16', 16, 12, normal(random, 3), 0.1),
    ];
  },
  call: 'return { y: relu(x), dx: reluBackward(x, dy) };',
  expected: ([x, dy]) => ({ y: forward(relu)(f64(x)), dx: engineBackward(f64(x), [f64(x).length], f64(dy), relu) }),
  numeric: ([x, dy]) => {
    const g = centralDifferences(f64(x), (p) => weighted(forward(relu)(p), f64(dy)));
    // NOTE: at the kink (x within h of 0) a central difference gives dy/2, which is no derivative.
    f64(x).forEach((v, i) => Math.abs(v) <= 2 * H && (g[i] = NaN));
    return { dx: g };
  },
  mistakes: [
    {
      hint: "It looks like dy is multiplied by relu's output, relu(x). The derivative of relu is a 0/1 mask: dx = dy where x > 0, else 0.",
      outputs: ([x, dy]) => ({ dx: f64(dy).map((d, i) => d * Math.max(f64(x)[i], 0)) }),
    },
    {
      hint: 'The gradient at exactly x = 0 differs: the engine takes relu\'s derivative there as 0 (x > 0, not x >= 0), as PyTorch does.',
      outputs: ([x, dy]) => ({ dx: f64(dy).map((d, i) => (f64(x)[i] >= 0 ? d : 0)) }),
    },
    {
      hint: 'It looks like dx is the mask alone: multiply it by the incoming gradient dy (the chain rule).',
      outputs: ([x]) => ({ dx: f64(x).map((v) => (v > 0 ? 1 : 0)) }),
    },
    {
      hint: 'It looks like relu returns the 0/1 mask instead of the value: relu(x) is x where x > 0.',
      outputs: ([x]) => ({ y: f64(x).map((v) => (v > 0 ? 1 : 0)) }),
    },
  ],
  references: [
    { file: 'ops/activations.ts', start: 'export function relu(' },
    { file: 'kernels/js-kernels.ts', start: '  relu(x, out) {' },
    { file: 'kernels/js-kernels.ts', start: '  reluBackward(x, dy, dx, accumulate) {' },
  ],
  trainAs: 'relu',
};

const sigmoidBackward: Exercise = {
  name: 'sigmoid-backward',
  title: "Sigmoid's backward",
  explanation:
    'The sigmoid squashes any number into (0, 1). Its derivative can be written with its own output: σ\'(x) = σ(x)·(1 − σ(x)), ' +
    'largest (1/4) at 0 and nearly 0 far out on either side: a saturated unit passes almost no gradient back. ' +
    'Compute σ(x) first, then multiply dy by σ(1 − σ). For large |x| compute σ on the side where exp cannot overflow.',
  formula: 'σ(x) = 1 / (1 + e⁻ˣ)      dx = dy · σ(x) · (1 − σ(x))',
  functions: ['sigmoidBackward'],
  signature: 'sigmoidBackward(x: Float64Array, dy: Float64Array): Float64Array',
  stub: 'function sigmoidBackward(x, dy) {\n  const dx = new Float64Array(x.length);\n  // your code here\n  return dx;\n}\n',
  params: ['x', 'dy'],
  outputs: ['dx'],
  gradients: ['dx'],
  cases() {
    const random = new Random(13);
    const make = (label: string, rows: number, cols: number, draw: () => number, zeros = 0): ExerciseCase => ({
      label,
      args: [values(random, rows * cols, draw, zeros), values(random, rows * cols, normal(random))],
      shapes: { x: [rows, cols], dy: [rows, cols], dx: [rows, cols] },
    });
    return [
      make('a few values', 2, 3, normal(random)),
      make('zeros', 3, 3, normal(random), 0.5),
      make('all negative', 2, 5, () => -Math.abs(normal(random, 3)())),
      make('saturated (|x| up to 40)', 3, 4, () => (random.next() - 0.5) * 80),
      make('a batch of 16', 16, 8, normal(random, 2)),
    ];
  },
  call: 'return { dx: sigmoidBackward(x, dy) };',
  expected: ([x, dy]) => ({ dx: engineBackward(f64(x), [f64(x).length], f64(dy), sigmoid) }),
  numeric: ([x, dy]) => ({ dx: centralDifferences(f64(x), (p) => weighted(forward(sigmoid)(p), f64(dy))) }),
  mistakes: [
    {
      hint: 'It looks like σ\' is applied to x itself, x·(1 − x): the derivative uses the sigmoid\'s output, σ(x)·(1 − σ(x)).',
      outputs: ([x, dy]) => ({ dx: f64(dy).map((d, i) => d * f64(x)[i] * (1 - f64(x)[i])) }),
    },
    {
      hint: 'It looks like the (1 − σ(x)) factor is missing: σ\'(x) = σ(x)·(1 − σ(x)).',
      outputs: ([x, dy]) => ({ dx: f64(dy).map((d, i) => d * stableSigmoid(f64(x)[i])) }),
    },
    {
      hint: 'It looks like dy is not multiplied in: dx = dy · σ(x)·(1 − σ(x)) (the chain rule).',
      outputs: ([x]) => ({ dx: f64(x).map((v) => stableSigmoid(v) * (1 - stableSigmoid(v))) }),
    },
  ],
  references: [
    { file: 'ops/activations.ts', start: 'export function sigmoid(' },
    { file: 'ops/activations.ts', start: 'export function stableSigmoid(' },
    { file: 'ops/unary.ts', start: 'export function unary(' },
  ],
  trainAs: null,
};

const labelsOf = (v: ExerciseValue) => v as Uint8Array;

function crossEntropy(logits: Float64Array, labels: Uint8Array, batch: number, classes: number): { loss: number; dlogits: Float64Array } {
  const t = new Tensor(Float64Array.from(logits), [batch, classes], true);
  const loss = softmaxCrossEntropy(t, labels);
  backward(loss);
  return { loss: loss.item(), dlogits: t.grad ?? new Float64Array(logits.length) };
}

/** Row-wise softmax probabilities (what the mistakes below start from). */
function softmaxRows(logits: Float64Array, batch: number, classes: number, byColumn = false): Float64Array {
  const p = new Float64Array(logits.length);
  const [outer, inner] = byColumn ? [classes, batch] : [batch, classes];
  const at = (o: number, i: number) => (byColumn ? i * classes + o : o * classes + i);
  for (let o = 0; o < outer; o++) {
    let max = -Infinity;
    for (let i = 0; i < inner; i++) max = Math.max(max, logits[at(o, i)]);
    let s = 0;
    for (let i = 0; i < inner; i++) s += Math.exp(logits[at(o, i)] - max);
    for (let i = 0; i < inner; i++) p[at(o, i)] = Math.exp(logits[at(o, i)] - max) / s;
  }
  return p;
}

const minusOneHot = (p: Float64Array, labels: Uint8Array, classes: number, scale: number) =>
  p.map((v, i) => (v - (i % classes === labels[Math.floor(i / classes)] ? 1 : 0)) * scale);

const softmaxCe: Exercise = {
  name: 'softmax-cross-entropy',
  title: 'Softmax cross-entropy and its gradient',
  explanation:
    'Softmax turns each row of logits into probabilities p (exponentiate, divide by the row\'s sum); cross-entropy is ' +
    '−log of the probability given to the right class, averaged over the batch. Together their gradient is simply ' +
    'p − one-hot, divided by the batch size because the loss is a mean. Subtract the row\'s largest logit before exp, ' +
    'or a logit of 1000 overflows.',
  formula: 'p = softmax(z) per row   loss = mean over rows of −log p[label]   dz = (p − onehot(label)) / batch',
  functions: ['softmaxCrossEntropy'],
  signature: 'softmaxCrossEntropy(logits: Float64Array, labels: Uint8Array, batch: number, classes: number): { loss: number, dlogits: Float64Array }',
  stub:
    '// logits is [batch, classes], row-major: row r starts at r * classes.\nfunction softmaxCrossEntropy(logits, labels, batch, classes) {\n' +
    '  let loss = 0;\n  const dlogits = new Float64Array(batch * classes);\n  // your code here\n  return { loss, dlogits };\n}\n',
  params: ['logits', 'labels', 'batch', 'classes'],
  outputs: ['loss', 'dlogits'],
  gradients: ['dlogits'],
  cases() {
    const random = new Random(14);
    const make = (label: string, batch: number, classes: number, draw: () => number): ExerciseCase => ({
      label,
      args: [values(random, batch * classes, draw), Uint8Array.from({ length: batch }, () => random.int(classes)), batch, classes],
      shapes: { logits: [batch, classes], labels: [batch], batch: [], classes: [], loss: [], dlogits: [batch, classes] },
    });
    return [
      make('a batch of 2, 3 classes', 2, 3, normal(random)),
      make('all-zero logits', 3, 4, () => 0),
      make('negative logits', 4, 5, () => -Math.abs(normal(random, 3)())),
      make('a batch of 1', 1, 10, normal(random, 2)),
      make('large logits (±1000)', 3, 4, () => (random.next() - 0.5) * 2000),
      make('a batch of 16, 10 classes', 16, 10, normal(random, 2)),
    ];
  },
  call: 'const r = softmaxCrossEntropy(logits, labels, batch, classes);\nreturn { loss: r && r.loss, dlogits: r && r.dlogits };',
  expected: ([z, labels, batch, classes]) => {
    const r = crossEntropy(f64(z), labelsOf(labels), num(batch), num(classes));
    return { loss: one(r.loss), dlogits: r.dlogits };
  },
  numeric: ([z, labels, batch, classes]) => ({
    dlogits: centralDifferences(f64(z), (p) => noGrad(() => softmaxCrossEntropy(new Tensor(p, [num(batch), num(classes)]), labelsOf(labels)).item())),
  }),
  mistakes: [
    {
      hint: 'It looks like the 1/batch is missing: the loss is a mean over the batch, so its gradient is (p − onehot) / batch.',
      outputs: ([z, l, batch, classes]) => ({ dlogits: minusOneHot(softmaxRows(f64(z), num(batch), num(classes)), labelsOf(l), num(classes), 1) }),
    },
    {
      hint: 'It looks like the loss is summed over the batch, not averaged: divide it by batch.',
      outputs: ([z, l, batch, classes]) => ({ loss: one(crossEntropy(f64(z), labelsOf(l), num(batch), num(classes)).loss * num(batch)) }),
    },
    {
      hint: 'It looks like the one-hot is not subtracted: the gradient is p − onehot(label), so the right class gets p − 1.',
      outputs: ([z, _l, batch, classes]) => ({ dlogits: softmaxRows(f64(z), num(batch), num(classes)).map((v) => v / num(batch)) }),
    },
    {
      hint: 'It looks like softmax sums over the wrong axis (down each column, over the batch): each row (one example) must sum to 1 on its own.',
      outputs: ([z, l, batch, classes]) => ({ dlogits: minusOneHot(softmaxRows(f64(z), num(batch), num(classes), true), labelsOf(l), num(classes), 1 / num(batch)) }),
    },
  ],
  references: [{ file: 'ops/losses.ts', start: 'export function softmaxCrossEntropy(' }],
  trainAs: 'softmax cross-entropy',
};

interface LinearArgs {
  x: Float64Array;
  w: Float64Array;
  dy: Float64Array;
  batch: number;
  inF: number;
  outF: number;
}
const linearArgs = ([x, w, dy, batch, inF, outF]: ExerciseValue[]): LinearArgs => ({
  x: f64(x), w: f64(w), dy: f64(dy), batch: num(batch), inF: num(inF), outF: num(outF),
});

/** out[m, n] = Σ_k a(m, k)·b(k, n), with a and b given as index functions. */
function product(m: number, k: number, n: number, a: (i: number, j: number) => number, b: (i: number, j: number) => number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) out[i * n + j] += a(i, t) * b(t, j);
  return out;
}

const linearBackward: Exercise = {
  name: 'linear-backward',
  title: "A linear layer's backward",
  explanation:
    'A linear layer computes y = x·W + b for a whole batch: x is [batch, in], W is [in, out] (as the engine stores it), ' +
    'b is [out]. Given dy = ∂loss/∂y, [batch, out], its backward returns three gradients: dW = xᵀ·dy (each weight ' +
    'collects input × gradient over the batch), db = dy summed over the batch, and dx = dy·Wᵀ (what flows on to the ' +
    'layer below). Check the shapes: each gradient has the shape of what it is the gradient of.',
  formula: 'dW = xᵀ · dy   [in, out]      db = Σ_batch dy   [out]      dx = dy · Wᵀ   [batch, in]',
  functions: ['linearBackward'],
  signature: 'linearBackward(x: Float64Array, w: Float64Array, dy: Float64Array, batch: number, inF: number, outF: number): { dw: Float64Array, db: Float64Array, dx: Float64Array }',
  stub:
    '// x [batch, inF], w [inF, outF], dy [batch, outF], all row-major:\n// x[b][i] is x[b * inF + i], w[i][j] is w[i * outF + j], dy[b][j] is dy[b * outF + j].\n' +
    'function linearBackward(x, w, dy, batch, inF, outF) {\n  const dw = new Float64Array(inF * outF);\n  const db = new Float64Array(outF);\n' +
    '  const dx = new Float64Array(batch * inF);\n  // your code here\n  return { dw, db, dx };\n}\n',
  params: ['x', 'w', 'dy', 'batch', 'inF', 'outF'],
  outputs: ['dw', 'db', 'dx'],
  gradients: ['dw', 'db', 'dx'],
  cases() {
    const random = new Random(15);
    const make = (label: string, batch: number, inF: number, outF: number, zeros = 0): ExerciseCase => ({
      label,
      args: [values(random, batch * inF, normal(random), zeros), values(random, inF * outF, normal(random)), values(random, batch * outF, normal(random)), batch, inF, outF],
      shapes: { x: [batch, inF], w: [inF, outF], dy: [batch, outF], batch: [], inF: [], outF: [], dw: [inF, outF], db: [outF], dx: [batch, inF] },
    });
    return [
      make('batch 2, 3 → 4', 2, 3, 4),
      make('batch 1, 5 → 2', 1, 5, 2),
      make('square 4 → 4, batch 4', 4, 4, 4),
      make('inputs with zeros, 6 → 3', 5, 6, 3, 0.5),
      make('batch 8, 16 → 10', 8, 16, 10),
    ];
  },
  call: 'const r = linearBackward(x, w, dy, batch, inF, outF);\nreturn { dw: r && r.dw, db: r && r.db, dx: r && r.dx };',
  expected: (args) => {
    const { x, w, dy, batch, inF, outF } = linearArgs(args);
    const [tx, tw, tb] = [new Tensor(Float64Array.from(x), [batch, inF], true), new Tensor(Float64Array.from(w), [inF, outF], true), Tensor.zeros([outF], true)];
    backward(linear(tx, tw, tb), dy);
    return { dw: tw.grad!, db: tb.grad!, dx: tx.grad! };
  },
  numeric: (args) => {
    const { x, w, dy, batch, inF, outF } = linearArgs(args);
    const b0 = new Float64Array(outF);
    const f = (px: Float64Array, pw: Float64Array, pb: Float64Array) =>
      weighted(noGrad(() => linear(new Tensor(px, [batch, inF]), new Tensor(pw, [inF, outF]), new Tensor(pb, [outF]))).data, dy);
    return {
      dw: centralDifferences(w, (p) => f(x, p, b0)),
      db: centralDifferences(b0, (p) => f(x, w, p)),
      dx: centralDifferences(x, (p) => f(p, w, b0)),
    };
  },
  mistakes: [
    {
      hint: 'dx = dy · Wᵀ: it looks like W is used without its transpose (w[j * inF + i], as if W were [out, in]). The engine stores W as [in, out], so Wᵀ[j][i] is w[i * outF + j].',
      outputs: (args) => {
        const { w, dy, batch, inF, outF } = linearArgs(args);
        return { dx: product(batch, outF, inF, (b, j) => dy[b * outF + j], (j, i) => w[j * inF + i]) };
      },
    },
    {
      hint: 'dW = xᵀ · dy: it looks like x is used without its transpose (x[i * batch + b], as if x were [in, batch]). xᵀ[i][b] is x[b * inF + i].',
      outputs: (args) => {
        const { x, dy, batch, inF, outF } = linearArgs(args);
        return { dw: product(inF, batch, outF, (i, b) => x[i * batch + b], (b, j) => dy[b * outF + j]) };
      },
    },
    {
      hint: 'dW has the right values in the wrong layout: it is stored [out, in] (PyTorch\'s layout); the engine\'s W, and so dW, is [in, out]: dw[i * outF + j].',
      outputs: (args) => {
        const { x, dy, batch, inF, outF } = linearArgs(args);
        return { dw: product(outF, batch, inF, (j, b) => dy[b * outF + j], (b, i) => x[b * inF + i]) };
      },
    },
    {
      hint: 'db looks like a sum over the wrong axis: it must be summed over the batch (down each column of dy), giving one value per output.',
      outputs: (args) => {
        const { dy, batch, outF } = linearArgs(args);
        return { db: Float64Array.from({ length: batch }, (_, b) => dy.subarray(b * outF, (b + 1) * outF).reduce((s, v) => s + v, 0)) };
      },
    },
    {
      hint: 'db looks divided by the batch (a mean): the 1/batch is already inside dy, from the loss; db is the plain sum of dy over the batch.',
      outputs: (args) => {
        const { dy, batch, outF } = linearArgs(args);
        return { db: Float64Array.from({ length: outF }, (_, j) => { let s = 0; for (let b = 0; b < batch; b++) s += dy[b * outF + j]; return s / batch; }) };
      },
    },
  ],
  references: [{ file: 'ops/matmul.ts', start: 'export function linear(' }],
  trainAs: 'linear backward',
};

/** One optimizer step of the engine's real Optimizer on a single parameter. */
function engineStep(w: Float64Array, g: Float64Array, lr: number, momentum = 0, v?: Float64Array): { w: Float64Array; v: Float64Array | null } {
  const tensor = new Tensor(Float64Array.from(w), [w.length], true);
  tensor.grad = Float64Array.from(g);
  const opt = new Optimizer([{ name: 'w', tensor }], { name: 'sgd', momentum, nesterov: false, weightDecay: 0 });
  if (v) opt.restoreSlots(new Map([['w.momentum', v]]));
  opt.step(lr);
  return { w: tensor.data, v: opt.slots.get('w.momentum') ?? null };
}

const stepCases = (seed: number, withV: boolean) => (): ExerciseCase[] => {
  const random = new Random(seed);
  const make = (label: string, n: number, lr: number, mu: number, gDraw: () => number): ExerciseCase => {
    const args: ExerciseValue[] = [values(random, n, normal(random)), values(random, n, gDraw)];
    const shapes: Record<string, number[]> = { w: [n], g: [n], lr: [], w2: [n] };
    if (withV) {
      args.push(values(random, n, normal(random, 0.5)), lr, mu);
      Object.assign(shapes, { v: [n], mu: [], v2: [n] });
    } else args.push(lr);
    return { label, args, shapes };
  };
  return [
    make('6 weights, lr 0.1', 6, 0.1, 0.9, normal(random)),
    make('zero gradient', 4, 0.5, 0.9, () => 0),
    make('negative gradients, lr 0.01', 5, 0.01, 0.5, () => -Math.abs(normal(random)())),
    make('lr 1', 3, 1, 0.99, normal(random)),
    make('128 weights', 128, 0.05, 0.9, normal(random, 0.1)),
  ];
};

const sgd: Exercise = {
  name: 'sgd',
  title: 'The SGD step',
  explanation:
    'After backward, every weight knows its gradient g: the direction in which the loss grows fastest. Stochastic ' +
    'gradient descent moves each weight a small step the other way, scaled by the learning rate lr. Too small a rate ' +
    'and the loss hardly moves; too large and it overshoots and diverges. Return the new weights; leave w as it is.',
  formula: "w' = w − lr · g",
  functions: ['sgdStep'],
  signature: 'sgdStep(w: Float64Array, g: Float64Array, lr: number): Float64Array',
  stub: 'function sgdStep(w, g, lr) {\n  const next = new Float64Array(w.length);\n  // your code here\n  return next;\n}\n',
  params: ['w', 'g', 'lr'],
  outputs: ['w2'],
  gradients: [],
  cases: stepCases(16, false),
  call: 'return { w2: sgdStep(w, g, lr) };',
  expected: ([w, g, lr]) => ({ w2: engineStep(f64(w), f64(g), num(lr)).w }),
  mistakes: [
    { hint: 'The step goes up the gradient: subtract lr · g (descent), do not add it.', outputs: ([w, g, lr]) => ({ w2: f64(w).map((v, i) => v + num(lr) * f64(g)[i]) }) },
    { hint: 'It looks like the learning rate is missing: w\' = w − lr · g.', outputs: ([w, g]) => ({ w2: f64(w).map((v, i) => v - f64(g)[i]) }) },
  ],
  references: [
    { file: 'optim/optimizer.ts', start: '  private sgd(' },
    { file: 'kernels/js-kernels.ts', start: '  sgdStep(w, g, out, lr, wd = 0) {' },
  ],
  trainAs: 'SGD step',
};

const momentum: Exercise = {
  name: 'momentum',
  title: 'SGD with momentum',
  explanation:
    'Momentum keeps a velocity v per weight: a running sum of past gradients that decays by μ (e.g. 0.9) each step. ' +
    'Steps along a direction the gradients agree on grow; zig-zags across a ravine cancel out. The engine follows ' +
    "PyTorch's form: first the velocity, v' = μ·v + g, then the step w' = w − lr·v'. Return both new arrays.",
  formula: "v' = μ · v + g      w' = w − lr · v'",
  functions: ['momentumStep'],
  signature: 'momentumStep(w: Float64Array, g: Float64Array, v: Float64Array, lr: number, mu: number): { w: Float64Array, v: Float64Array }',
  stub:
    'function momentumStep(w, g, v, lr, mu) {\n  const nextW = new Float64Array(w.length);\n  const nextV = new Float64Array(v.length);\n' +
    '  // your code here\n  return { w: nextW, v: nextV };\n}\n',
  params: ['w', 'g', 'v', 'lr', 'mu'],
  outputs: ['v2', 'w2'],
  gradients: [],
  cases: stepCases(17, true),
  call: 'const r = momentumStep(w, g, v, lr, mu);\nreturn { w2: r && r.w, v2: r && r.v };',
  expected: ([w, g, v, lr, mu]) => {
    const r = engineStep(f64(w), f64(g), num(lr), num(mu), f64(v));
    return { w2: r.w, v2: r.v! };
  },
  mistakes: [
    {
      hint: "It looks like the step uses the old velocity v: update it first (v' = μ·v + g), then step with the new one.",
      outputs: ([w, g, v, lr, mu]) => ({ w2: f64(w).map((x, i) => x - num(lr) * f64(v)[i]), v2: f64(v).map((x, i) => num(mu) * x + f64(g)[i]) }),
    },
    {
      hint: "It looks like the velocity holds −lr·g (the v' = μ·v − lr·g form, w' = w + v'). The engine keeps PyTorch's form, v' = μ·v + g, w' = w − lr·v', so saved optimizer state carries over.",
      outputs: ([_w, g, v, lr, mu]) => ({ v2: f64(v).map((x, i) => num(mu) * x - num(lr) * f64(g)[i]) }),
    },
    {
      hint: "It looks like μ multiplies the gradient instead of the old velocity: v' = μ·v + g.",
      outputs: ([_w, g, v, _lr, mu]) => ({ v2: f64(v).map((x, i) => x + num(mu) * f64(g)[i]) }),
    },
  ],
  references: [
    { file: 'optim/optimizer.ts', start: '  private sgdMomentum(' },
    { file: 'kernels/js-kernels.ts', start: '  sgdMomentumStep(w, g, buf, out, outBuf, lr, mu, wd, nesterov) {' },
  ],
  trainAs: null,
};

/** Every exercise, in the order a learner meets the pieces. */
export const EXERCISES: readonly Exercise[] = [neuron, relux, sigmoidBackward, softmaxCe, linearBackward, sgd, momentum];

/** The exercise of that name, or an error listing the names. */
export function exerciseNamed(name: string): Exercise {
  const e = EXERCISES.find((x) => x.name === name);
  if (!e) throw new Error(`there is no exercise "${name}"; the exercises are: ${EXERCISES.map((x) => x.name).join(', ')}`);
  return e;
}

export type { Outputs };
