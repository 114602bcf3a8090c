/**
 * Train a real MNIST MLP (784-hidden-10, relu, softmax cross-entropy, SGD) in which the engine's
 * relu, linear backward, softmax cross-entropy and SGD step can each be replaced by a learner's:
 * the same seed, data order and every other op, so two runs differ only in those pieces. Pure:
 * the caller supplies the data and the clock.
 */
import { backward } from '../autograd';
import { relu } from '../ops/activations';
import { softmaxCrossEntropy } from '../ops/losses';
import { linear } from '../ops/matmul';
import { Model } from '../nn/model';
import { Optimizer } from '../optim/optimizer';
import { Random } from '../random';
import { formatShape, noGrad, result, Tensor } from '../tensor';

/** MNIST bytes: images [count, 784], labels [count]. */
export interface DigitSet {
  images: Uint8Array;
  labels: Uint8Array;
}

export interface SmallRunSettings {
  /** Training images, the first of MNIST's training set (all 10000 test images are tested). */
  images: number;
  hidden: number;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
}

/** Small enough for two runs in well under a minute in a browser, large enough for ~95%. */
export const SMALL_RUN: SmallRunSettings = { images: 30000, hidden: 64, epochs: 3, batch: 32, lr: 0.1, seed: 1 };

/**
 * The run for a learner's linear backward: a plain loop over W's columns is about 5x slower than
 * the engine's kernels (and computes the first layer's dx, which nothing needs), so fewer digits.
 */
export const LIGHT_RUN: SmallRunSettings = { ...SMALL_RUN, images: 10000, epochs: 2 };

/** The run for these pieces (exercise names): both of its trainings use the same settings. */
export function runFor(pieces: readonly string[]): SmallRunSettings {
  return pieces.includes('linear-backward') ? LIGHT_RUN : SMALL_RUN;
}

/** A learner's relu: forward and backward on flat arrays. */
export interface ReluPiece {
  relu(x: Float64Array): Float64Array;
  reluBackward(x: Float64Array, dy: Float64Array): Float64Array;
}

/** The learner's pieces a run uses in place of the engine's (any subset; none: the engine's own run). */
export interface LearnerPieces {
  relu?: ReluPiece;
  linearBackward?: (x: Float64Array, w: Float64Array, dy: Float64Array, batch: number, inF: number, outF: number) => { dw: ArrayLike<number>; db: ArrayLike<number>; dx: ArrayLike<number> };
  softmaxCrossEntropy?: (logits: Float64Array, labels: Uint8Array, batch: number, classes: number) => { loss: number; dlogits: ArrayLike<number> };
  sgdStep?: (w: Float64Array, g: Float64Array, lr: number) => ArrayLike<number>;
}

/** What a piece returned, checked for length before it enters the network. */
function sized(v: ArrayLike<number> | undefined, length: number, what: string): ArrayLike<number> {
  if (!v || v.length !== length) throw new Error(`your ${what} has ${v?.length ?? 'no'} values where ${length} are needed`);
  return v;
}

/** y = x·W + b by the engine, with the learner's backward in the graph. */
function learnerLinear(fn: NonNullable<LearnerPieces['linearBackward']>, x: Tensor, w: Tensor, b: Tensor): Tensor {
  const [batch, inF] = x.shape;
  const outF = w.shape[1];
  const y = noGrad(() => linear(x, w, b)).data;
  return result(y, [batch, outF], [x, w, b], 'your linear backward', (dy, dx, dw, db) => {
    const r = fn(x.data, w.data, dy, batch, inF, outF);
    if (dx) dx.set(sized(r?.dx, dx.length, 'linear backward\'s dx'));
    if (dw) dw.set(sized(r?.dw, dw.length, 'linear backward\'s dw'));
    if (db) db.set(sized(r?.db, db.length, 'linear backward\'s db'));
  });
}

/** The mean loss and its gradient from the learner's softmax cross-entropy. */
function learnerLoss(fn: NonNullable<LearnerPieces['softmaxCrossEntropy']>, logits: Tensor, labels: Uint8Array): Tensor {
  const [batch, classes] = logits.shape;
  const r = fn(logits.data, labels, batch, classes);
  if (typeof r?.loss !== 'number') throw new Error('your softmax cross-entropy gave no loss');
  const g = sized(r.dlogits, logits.size, "softmax cross-entropy's dlogits");
  return result(Float64Array.of(r.loss), [], [logits], 'your softmax cross-entropy', (dy, dx) => {
    for (let i = 0; i < dx.length; i++) dx[i] = dy[0] * g[i];
  });
}

export interface SmallRunResult {
  /** Test accuracy, 0..1. */
  accuracy: number;
  /** Mean training loss of the last epoch. */
  loss: number;
  seconds: number;
}

/** The learner's relu as an op of the engine: their forward, and their backward in the graph. */
function learnerRelu(piece: ReluPiece, x: Tensor): Tensor {
  const y = piece.relu(x.data);
  if (!y || y.length !== x.size) throw new Error(`your relu returned ${y?.length ?? 'no'} values for an input of ${x.size} (${formatShape(x.shape)})`);
  return result(Float64Array.from(y), x.shape, [x], 'your relu', (dy, dx) => {
    const g = piece.reluBackward(x.data, dy);
    if (!g || g.length !== dx.length) throw new Error(`your reluBackward returned ${g?.length ?? 'no'} values for an input of ${dx.length}`);
    dx.set(g);
  });
}

/**
 * Train and test once.
 * @param pieces the learner's pieces, or null for the engine's own
 * @param now a clock in milliseconds; @param onProgress called after each epoch with (epoch, epochs)
 */
export function trainSmall(train: DigitSet, test: DigitSet, settings: SmallRunSettings, pieces: LearnerPieces | null, now: () => number, onProgress?: (epoch: number) => void): SmallRunResult {
  const t0 = now();
  const random = new Random(settings.seed);
  const model = new Model(
    {
      input: { shape: [28, 28], scale: 1 / 255 },
      layers: [{ type: 'linear', in: 784, out: settings.hidden }, { type: 'relu' }, { type: 'linear', in: settings.hidden, out: 10 }],
      loss: 'cross_entropy',
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    },
    random,
  );
  const [l1, l2] = model.linears;
  const { relu: myRelu, linearBackward: myLinear, softmaxCrossEntropy: myLoss, sgdStep: myStep } = pieces ?? {};
  const act = (h: Tensor) => (myRelu ? learnerRelu(myRelu, h) : relu(h));
  const lin = (x: Tensor, w: Tensor, b: Tensor) => (myLinear ? learnerLinear(myLinear, x, w, b) : linear(x, w, b));
  const forward = (x: Tensor) => lin(act(lin(x, l1.weight, l1.bias)), l2.weight, l2.bias);
  const params = model.parameters();
  const optimizer = new Optimizer(model.parameters(), { name: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 });
  const count = Math.min(settings.images, train.labels.length);
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  let loss = 0;
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    random.shuffle(order);
    let total = 0;
    let batches = 0;
    for (let start = 0; start < count; start += settings.batch) {
      const n = Math.min(settings.batch, count - start);
      const x = new Float64Array(n * 784);
      const labels = new Uint8Array(n);
      for (let r = 0; r < n; r++) {
        const i = order[start + r];
        labels[r] = train.labels[i];
        for (let p = 0; p < 784; p++) x[r * 784 + p] = train.images[i * 784 + p] / 255;
      }
      optimizer.zeroGrad();
      const logits = forward(new Tensor(x, [n, 784]));
      const l = myLoss ? learnerLoss(myLoss, logits, labels) : softmaxCrossEntropy(logits, labels);
      backward(l);
      if (!myStep) optimizer.step(settings.lr);
      else for (const { tensor } of params) if (tensor.grad) tensor.data.set(sized(myStep(tensor.data, tensor.grad, settings.lr), tensor.size, 'SGD step'));
      total += l.item();
      batches++;
    }
    loss = total / batches;
    onProgress?.(epoch + 1);
  }
  return { accuracy: accuracyOn(test, forward), loss, seconds: (now() - t0) / 1000 };
}

function accuracyOn(test: DigitSet, forward: (x: Tensor) => Tensor): number {
  const count = test.labels.length;
  let right = 0;
  const chunk = 500;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const x = new Float64Array(n * 784);
    for (let i = 0; i < n * 784; i++) x[i] = test.images[start * 784 + i] / 255;
    const out = noGrad(() => forward(new Tensor(x, [n, 784]))).data;
    for (let r = 0; r < n; r++) {
      let best = 0;
      for (let j = 1; j < 10; j++) if (out[r * 10 + j] > out[r * 10 + best]) best = j;
      if (best === test.labels[start + r]) right++;
    }
  }
  return right / count;
}
