/**
 * The `architecture` contract of DESIGN.md: what a model is, independent of its weights.
 * Other tools write and read it, so it is validated here with messages a learner understands.
 */

export type Activation = 'relu' | 'leaky_relu' | 'sigmoid' | 'tanh';
export type LossName = 'cross_entropy' | 'mse' | 'bce';

export type LayerSpec =
  | { type: 'linear'; in: number; out: number }
  | { type: 'relu' }
  | { type: 'leaky_relu'; slope?: number }
  | { type: 'sigmoid' }
  | { type: 'tanh' }
  /** Inverted dropout of probability p while training; the identity at inference (PyTorch's nn.Dropout). */
  | { type: 'dropout'; p: number };

export interface Architecture {
  /** Network input = image bytes flattened row-major, times `scale`. */
  input: { shape: number[]; scale: number };
  layers: LayerSpec[];
  loss: LossName;
  /** Class names; a bce model has two (negative, positive) and one output. */
  classes: string[];
}

export const ACTIVATIONS: readonly Activation[] = ['relu', 'leaky_relu', 'sigmoid', 'tanh'];
export const LOSSES: readonly LossName[] = ['cross_entropy', 'mse', 'bce'];
export const MNIST_SCALE = 1 / 255;

/** Build the architecture of an MLP from layer sizes, e.g. [784, 128, 10] with relu between. */
export function mlpArchitecture(
  sizes: number[],
  activation: Activation,
  loss: LossName,
  classes: string[],
  inputShape: number[] = [sizes[0]],
  scale = MNIST_SCALE,
  dropout: number[] = [],
): Architecture {
  const layers: LayerSpec[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push({ type: 'linear', in: sizes[i], out: sizes[i + 1] });
    if (i + 2 < sizes.length) layers.push(activation === 'leaky_relu' ? { type: 'leaky_relu', slope: 0.01 } : { type: activation });
    if (i + 2 < sizes.length && (dropout[i] ?? 0) > 0) layers.push({ type: 'dropout', p: dropout[i] });
  }
  const arch: Architecture = { input: { shape: inputShape, scale }, layers, loss, classes };
  validateArchitecture(arch);
  return arch;
}

/** Layer sizes [in, hidden..., out] of an architecture. */
export function layerSizes(arch: Architecture): number[] {
  const linears = arch.layers.filter((l): l is Extract<LayerSpec, { type: 'linear' }> => l.type === 'linear');
  return linears.length ? [linears[0].in, ...linears.map((l) => l.out)] : [];
}

/** The hidden activation of an MLP architecture (the first activation layer), or null. */
export function hiddenActivation(arch: Architecture): Activation | null {
  const act = arch.layers.find((l) => l.type !== 'linear' && l.type !== 'dropout');
  return act ? (act.type as Activation) : null;
}

/** Each hidden layer's dropout probability (0: none), e.g. [0.2, 0] for 784-800-800-10 with dropout after the first. */
export function dropoutRates(arch: Architecture): number[] {
  const rates: number[] = [];
  let linears = 0;
  for (const l of arch.layers) {
    if (l.type === 'linear') linears++;
    else if (l.type === 'dropout') rates[linears - 1] = l.p;
  }
  const hidden = Math.max(0, linears - 1);
  return Array.from({ length: hidden }, (_, i) => rates[i] ?? 0);
}

/** "784-128-10 relu", "784-800-10 relu dropout 0.2" */
export function describeArchitecture(arch: Architecture): string {
  const act = hiddenActivation(arch);
  const rates = dropoutRates(arch);
  const drop = rates.some((p) => p > 0) ? ` dropout ${rates.every((p) => p === rates[0]) ? rates[0] : rates.join(',')}` : '';
  return layerSizes(arch).join('-') + (act ? ` ${act}` : '') + drop;
}

/** Number of trainable parameters. */
export function parameterCount(arch: Architecture): number {
  let n = 0;
  for (const l of arch.layers) if (l.type === 'linear') n += l.in * l.out + l.out;
  return n;
}

function isPositiveInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x > 0;
}

function describeLayer(l: LayerSpec): string {
  return l.type === 'linear' ? `linear ${l.in}->${l.out}` : l.type;
}

/**
 * Check an architecture (possibly parsed from a foreign file) and throw one clear message on the
 * first problem, e.g. "layer 2 (linear 64->10) expects 64 inputs but layer 0 produces 128".
 */
export function validateArchitecture(arch: unknown): asserts arch is Architecture {
  if (typeof arch !== 'object' || arch === null) throw new Error('architecture must be an object');
  const a = arch as Record<string, unknown>;
  const input = a.input as Record<string, unknown> | undefined;
  if (!input || !Array.isArray(input.shape) || input.shape.length === 0 || !input.shape.every(isPositiveInt)) {
    throw new Error('architecture.input.shape must be a list of positive integers, e.g. [28, 28]');
  }
  if (typeof input.scale !== 'number' || !Number.isFinite(input.scale) || input.scale <= 0) {
    throw new Error('architecture.input.scale must be a positive number, e.g. 1/255');
  }
  if (!Array.isArray(a.layers) || a.layers.length === 0) throw new Error('architecture has no layers');
  if (!LOSSES.includes(a.loss as LossName)) {
    const loss = typeof a.loss === 'string' ? `unknown loss "${a.loss}"` : a.loss === undefined ? 'no loss' : `unknown loss ${JSON.stringify(a.loss)}`;
    throw new Error(`${loss} (expected one of ${LOSSES.join(', ')})`);
  }
  if (!Array.isArray(a.classes) || a.classes.length < 2 || !a.classes.every((c) => typeof c === 'string')) {
    throw new Error('architecture.classes must list at least two class names');
  }
  const inputSize = (input.shape as number[]).reduce((p, x) => p * x, 1);
  let width = inputSize;
  let producer = 'the input';
  let linears = 0;
  a.layers.forEach((raw, i) => {
    const l = raw as Record<string, unknown>;
    switch (l?.type) {
      case 'linear': {
        if (!isPositiveInt(l.in) || !isPositiveInt(l.out)) {
          throw new Error(`layer ${i} (linear) needs positive integer "in" and "out" sizes`);
        }
        if (l.in !== width) {
          throw new Error(`layer ${i} (${describeLayer(l as LayerSpec)}) expects ${l.in} inputs but ${producer} produces ${width}`);
        }
        width = l.out;
        producer = `layer ${i}`;
        linears++;
        break;
      }
      case 'leaky_relu':
        if (l.slope !== undefined && (typeof l.slope !== 'number' || !Number.isFinite(l.slope))) {
          throw new Error(`layer ${i} (leaky_relu) slope must be a finite number`);
        }
        break;
      case 'dropout':
        if (typeof l.p !== 'number' || !(l.p >= 0 && l.p < 1)) throw new Error(`layer ${i} (dropout) needs a probability p from 0 up to (not including) 1`);
        break;
      case 'relu':
      case 'sigmoid':
      case 'tanh':
        break;
      default:
        throw new Error(
          typeof l?.type === 'string'
            ? `layer ${i} has unknown type "${l.type}" (expected linear, relu, leaky_relu, sigmoid, tanh or dropout)`
            : `layer ${i} has no type (expected linear, relu, leaky_relu, sigmoid, tanh or dropout)`,
        );
    }
  });
  if (linears === 0) throw new Error('architecture needs at least one linear layer');
  const outputs = a.loss === 'bce' ? 1 : (a.classes as string[]).length;
  if (width !== outputs) {
    throw new Error(
      a.loss === 'bce'
        ? `a bce model must end in 1 output, but the last layer produces ${width}`
        : `the last layer produces ${width} outputs but there are ${outputs} classes`,
    );
  }
  if (a.loss === 'bce' && (a.classes as string[]).length !== 2) {
    throw new Error('a bce model has exactly two classes (negative, positive)');
  }
}
