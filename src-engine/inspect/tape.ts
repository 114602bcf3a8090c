/**
 * The tape of one example: the engine's own computation graph for it, recorded while the
 * autograd runs (tensor.ts recordOps for the forward, autograd.ts backward's onStep for the
 * backward), with every op's output and, after backward, its gradient. One engine call, read by
 * three presenters: the Step inside view, the command line's `explain`, the exported notebook.
 */
import { backward } from '../autograd';
import { Model } from '../nn/model';
import { Random } from '../random';
import { noGrad, recordOps, Tensor } from '../tensor';

/** A tensor of the tape: its values and, once backward has run, ∂loss/∂it (same layout). */
export interface TapeTensor {
  shape: number[];
  values: Float64Array;
  grad: Float64Array | null;
}

/** Where an op's operand came from: an earlier op of the tape, or a parameter. */
export interface TapeOperand {
  /** "x" for the image, else the parameter's name ("0.weight") or the op's ("linear"). */
  name: string;
  shape: number[];
  /** Index in Tape.ops of the op that made it; null for a parameter. */
  from: number | null;
}

export interface TapeOp {
  /** "input", or the engine op's name as it recorded itself ("linear", "relu", "softmax_cross_entropy"). */
  op: string;
  /** Index in architecture.layers of the layer this op is (its PyTorch name prefix); null for the input and the loss. */
  layer: number | null;
  inputs: TapeOperand[];
  output: TapeTensor;
  /** The rule the op applied, forward and backward, in one line each. */
  rule: { forward: string; backward: string };
}

/** A parameter's gradient, summed up (the whole tensor is in TraceResult.grads). */
export interface ParamGradient {
  name: string;
  /** Shape as stored by the engine (a weight is [in, out]). */
  shape: number[];
  norm: number;
}

export interface Tape {
  /** In the order the forward ran them; ops[0] is the input. */
  ops: TapeOp[];
  /** Indices into ops, in the order the autograd ran their backward (reverse topological). */
  backward: number[];
  params: ParamGradient[];
  /** The true class (index into the model's classes). */
  label: number;
  loss: number;
  /** The network's outputs: logits, or an mse model's scores. */
  outputs: Float64Array;
  /** Softmax of the outputs (for bce: [1 − σ, σ]; an mse model's scores are no probabilities: shown as scores). */
  probabilities: Float64Array;
  prediction: number;
  /**
   * What the tape leaves out, in a sentence (null when nothing): dropout layers pass their input
   * through here, as at evaluation, so the tape shows the network as it answers.
   */
  note: string | null;
}

export interface TraceResult {
  tape: Tape;
  /** ∂loss/∂parameter for each parameter, by name, in the engine's layout (weight [in, out]). */
  grads: Map<string, Float64Array>;
  /** The engine's tensors (the tape before copying), for a closer look at one unit. */
  tensors: Tensor[];
}

const RULES: Record<string, { forward: string; backward: string }> = {
  input: { forward: 'the image: its bytes × scale, one row', backward: 'the image needs no gradient: nothing flows further back' },
  linear: { forward: 'y = x·W + b: each unit is the weighted sum of its inputs plus its bias', backward: 'dW = xᵀ·dy, db = dy, dx = dy·Wᵀ' },
  relu: { forward: 'y = max(x, 0)', backward: 'relu passes the gradient where x > 0: dx = dy · (x > 0)' },
  leaky_relu: { forward: 'y = x where x > 0, slope·x elsewhere', backward: 'leaky relu passes dy where x > 0 and slope·dy elsewhere' },
  sigmoid: { forward: 'y = 1 / (1 + e⁻ˣ)', backward: "sigmoid scales the gradient by σ' = y·(1 − y): dx = dy · y(1 − y)" },
  tanh: { forward: 'y = tanh(x)', backward: "tanh scales the gradient by tanh' = 1 − y²: dx = dy · (1 − y²)" },
  softmax_cross_entropy: { forward: 'loss = −log softmax(z)[label]', backward: 'softmax cross-entropy: dz = p − one-hot(label)' },
  mse: { forward: 'loss = mean over outputs of (y − one-hot(label))²', backward: 'mean squared error: dy = 2·(y − one-hot(label)) / outputs' },
  bce: { forward: 'loss = −[t·log σ(z) + (1 − t)·log(1 − σ(z))], t = label', backward: 'binary cross-entropy: dz = σ(z) − t' },
};

/** The one-line rules of an op (a generic pair for an op this list does not know yet). */
export function ruleOf(op: string): { forward: string; backward: string } {
  return RULES[op] ?? { forward: `${op}: see its source`, backward: `${op}'s backward: see its source` };
}

function snapshot(t: Tensor): TapeTensor {
  return { shape: [...t.shape], values: t.data.slice(), grad: t.grad ? t.grad.slice() : null };
}

function norm(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

/**
 * Forward, loss and backward of one example on `model`, recorded as a tape. The model's
 * parameters get this example's gradients (pass a copy: see copyModel).
 * @param x [inputSize] already scaled @param label class index
 */
export function traceExample(model: Model, x: Float64Array, label: number): TraceResult {
  const classes = model.outputSize === 1 ? 2 : model.outputSize;
  if (!Number.isInteger(label) || label < 0 || label >= classes) {
    throw new Error(`the label must be one of the model's classes, 0 to ${classes - 1} (got ${label})`);
  }
  const params = model.parameters();
  for (const p of params) p.tensor.zeroGrad();
  const input = new Tensor(x, [1, model.inputSize]);
  const labels = Uint8Array.of(label);
  const { result, ops: recorded } = recordOps(() => {
    const { output, layerOutputs } = model.forwardLayers(input);
    return { output, layerOutputs, loss: model.loss(output, labels) };
  });
  const order: Tensor[] = [];
  backward(result.loss, undefined, (t) => order.push(t));
  const tensors = [input, ...recorded];
  const paramName = new Map(params.map((p) => [p.tensor, p.name]));
  const ops: TapeOp[] = tensors.map((t, i) => {
    const layer = result.layerOutputs.indexOf(t);
    const op = i === 0 ? 'input' : t.op;
    return {
      op,
      layer: layer >= 0 ? layer : null,
      inputs: t.parents.map((p) => {
        const from = tensors.indexOf(p);
        return { name: paramName.get(p) ?? (from === 0 ? 'x' : (tensors[from]?.op ?? 'constant')), shape: [...p.shape], from: from >= 0 ? from : null };
      }),
      output: snapshot(t),
      rule: ruleOf(op),
    };
  });
  const logits = result.output.data;
  const grads = new Map(params.map((p) => [p.name, p.tensor.grad!.slice()]));
  return {
    tape: {
      ops,
      backward: order.map((t) => tensors.indexOf(t)),
      params: params.map((p) => ({ name: p.name, shape: [...p.tensor.shape], norm: norm(grads.get(p.name)!) })),
      label,
      loss: result.loss.item(),
      outputs: logits.slice(),
      probabilities: model.probabilities(logits),
      prediction: model.predictClasses(logits, 1)[0],
      note: dropoutNote(model),
    },
    grads,
    tensors,
  };
}

/** "Dropout (layer 2, p = 0.3) is off here, as at evaluation: …", or null without dropout layers. */
function dropoutNote(model: Model): string | null {
  const layers = model.architecture.layers.flatMap((l, i) => (l.type === 'dropout' ? [`layer ${i}, p = ${l.p}`] : []));
  if (!layers.length) return null;
  return `Dropout (${layers.join('; ')}) is off here, as at evaluation: the tape shows the network as it answers, and the update is the step training would take with every unit kept.`;
}

/**
 * `into` (when it has the same architecture) or a new model, holding copies of `model`'s
 * parameters (no gradients, no graph). Reusing `into` spares a new model's initialisation.
 */
export function copyModel(model: Model, into?: Model | null): Model {
  const copy = into && sameArchitecture(into, model) ? into : new Model(model.architecture, new Random(1));
  const from = model.parameters();
  copy.parameters().forEach((p, i) => {
    p.tensor.data.set(from[i].tensor.data);
    p.tensor.zeroGrad();
  });
  return copy;
}

function sameArchitecture(a: Model, b: Model): boolean {
  return a.architecture === b.architecture || JSON.stringify(a.architecture) === JSON.stringify(b.architecture);
}

/**
 * The loss, the network's outputs (scores or logits) and class probabilities of one example,
 * without recording a graph. @param x [inputSize] scaled
 */
export function lossOf(model: Model, x: Float64Array, label: number): { loss: number; outputs: Float64Array; probabilities: Float64Array } {
  return noGrad(() => {
    const output = model.forward(new Tensor(x, [1, model.inputSize]));
    return { loss: model.loss(output, Uint8Array.of(label)).item(), outputs: output.data.slice(0, output.size), probabilities: model.probabilities(output.data) };
  });
}
