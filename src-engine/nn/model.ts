import { stateBuffer } from '../kernels/kernels';
import { type Architecture, type LayerSpec, validateArchitecture } from '../architecture';
import { leakyRelu, relu, sigmoid, tanh } from '../ops/activations';
import { bceWithLogits, mseOneHot, softmaxCrossEntropy } from '../ops/losses';
import { dropout, dropoutMask } from '../ops/dropout';
import { linear } from '../ops/matmul';
import { keyedSeed, Random } from '../random';
import { formatShape, noGrad, Tensor } from '../tensor';

/** A linear layer's parameters: weight stored [in, out] (y = x·W + b), bias [out]. */
export interface LinearParams {
  /** Index of the layer in architecture.layers (its PyTorch name prefix). */
  index: number;
  in: number;
  out: number;
  weight: Tensor;
  bias: Tensor;
}

/** A named trainable parameter, named as in the PyTorch state_dict ("0.weight"). */
export interface NamedParam {
  name: string;
  tensor: Tensor;
}

/**
 * A multilayer perceptron built from an `architecture` (DESIGN.md): the Sequential of its layers
 * and the loss that goes with it.
 */
export class Model {
  readonly architecture: Architecture;
  readonly linears: LinearParams[] = [];
  readonly inputSize: number;

  constructor(architecture: Architecture, random: Random) {
    validateArchitecture(architecture);
    this.architecture = architecture;
    this.inputSize = architecture.input.shape.reduce((p, d) => p * d, 1);
    const act = architecture.layers.find((l) => l.type !== 'linear' && l.type !== 'dropout');
    architecture.layers.forEach((layer, index) => {
      if (layer.type !== 'linear') return;
      // NOTE: parameters are state that outlives every step: see stateBuffer().
      const weight = new Tensor(stateBuffer(layer.in * layer.out), [layer.in, layer.out], true);
      weight.data.set(initWeights(layer.in, layer.out, act, random));
      const bias = new Tensor(stateBuffer(layer.out), [layer.out], true); // zeros
      this.linears.push({ index, in: layer.in, out: layer.out, weight, bias });
    });
  }

  /** Number of outputs (classes, or 1 for bce). */
  get outputSize(): number {
    return this.linears[this.linears.length - 1].out;
  }

  /** Parameters in state_dict order. */
  parameters(): NamedParam[] {
    return this.linears.flatMap((l) => [
      { name: `${l.index}.weight`, tensor: l.weight },
      { name: `${l.index}.bias`, tensor: l.bias },
    ]);
  }

  /**
   * The network output (logits) for a batch.
   * @param x [batch, inputSize] already scaled @returns [batch, outputSize]
   */
  forward(x: Tensor): Tensor {
    if (x.shape.length !== 2 || x.shape[1] !== this.inputSize) {
      throw new Error(`the model expects input [batch, ${this.inputSize}] (${formatShape(this.architecture.input.shape)} images), got ${formatShape(x.shape)}`);
    }
    return this.forwardLayers(x).output;
  }

  /** The output for one sample, without recording a graph. @param x [inputSize] scaled */
  infer(x: Float64Array): Float64Array {
    return noGrad(() => this.forward(new Tensor(x, [1, this.inputSize])).data);
  }

  /**
   * The output and, for inspection, the output of each layer (pre- and post-activation).
   * @param training when given, dropout layers drop units (else they pass their input through):
   *   masks are drawn from an RNG keyed by (seed, step, layer index), so a step's masks depend on
   *   nothing else and a resumed run draws the same ones
   */
  forwardLayers(x: Tensor, training?: { seed: number; step: number }): { output: Tensor; layerOutputs: Tensor[] } {
    const layerOutputs: Tensor[] = [];
    let h = x;
    let li = 0;
    this.architecture.layers.forEach((layer, index) => {
      if (layer.type === 'linear') h = linear(h, this.linears[li].weight, this.linears[li++].bias);
      else if (layer.type !== 'dropout') h = activate(layer, h);
      else if (training && layer.p > 0) h = dropout(h, dropoutMask(h.size, layer.p, new Random(keyedSeed(training.seed, training.step, index))));
      layerOutputs.push(h);
    });
    return { output: h, layerOutputs };
  }

  /** The mean loss of this model's loss function for logits and labels (shape []). */
  loss(logits: Tensor, labels: Uint8Array): Tensor {
    switch (this.architecture.loss) {
      case 'cross_entropy':
        return softmaxCrossEntropy(logits, labels);
      case 'mse':
        return mseOneHot(logits, labels);
      case 'bce':
        return bceWithLogits(logits, labels);
    }
  }

  /** The predicted class of each row of the output. */
  predictClasses(output: Float64Array, batch: number, into?: Uint8Array): Uint8Array {
    const c = this.outputSize;
    const pred = into ?? new Uint8Array(batch);
    for (let r = 0; r < batch; r++) {
      if (c === 1) {
        pred[r] = output[r] > 0 ? 1 : 0; // logit > 0 ⇔ σ > 0.5
        continue;
      }
      let best = 0;
      for (let j = 1; j < c; j++) if (output[r * c + j] > output[r * c + best]) best = j;
      pred[r] = best;
    }
    return pred;
  }

  /** Class probabilities from the output: softmax, or [1-σ, σ] for a bce model. */
  probabilities(output: Float64Array): Float64Array {
    if (this.outputSize === 1) {
      const p = 1 / (1 + Math.exp(-output[0]));
      return Float64Array.of(1 - p, p);
    }
    const m = Math.max(...output);
    const e = output.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  }
}

function activate(layer: LayerSpec, h: Tensor): Tensor {
  switch (layer.type) {
    case 'relu':
      return relu(h);
    case 'leaky_relu':
      return leakyRelu(h, layer.slope ?? 0.01);
    case 'sigmoid':
      return sigmoid(h);
    case 'tanh':
      return tanh(h);
    default:
      throw new Error(`not an activation: ${layer.type}`);
  }
}

/**
 * Initial weights [in, out]: He normal (std √(2/in), adjusted for a leaky slope) for the relu
 * family, Xavier/Glorot uniform (±√(6/(in+out))) for tanh and sigmoid.
 */
function initWeights(inF: number, outF: number, act: LayerSpec | undefined, random: Random): Float64Array {
  const w = new Float64Array(inF * outF);
  if (act && (act.type === 'tanh' || act.type === 'sigmoid')) {
    const a = Math.sqrt(6 / (inF + outF));
    for (let i = 0; i < w.length; i++) w[i] = (2 * random.next() - 1) * a;
  } else {
    const slope = act?.type === 'leaky_relu' ? (act.slope ?? 0.01) : 0;
    const std = Math.sqrt(2 / ((1 + slope * slope) * inF));
    for (let i = 0; i < w.length; i++) w[i] = random.normal() * std;
  }
  return w;
}
