/** What the Step inside calls answer (engine protocol: step:trace, step:apply, step:neuron, step:gradcheck). */
import type { LossName } from '../architecture';
import type { Tape } from './tape';

export type { Tape, TapeOp, TapeOperand, TapeTensor, ParamGradient } from './tape';

/** The example a trace ran: a test image (by index) or a drawn one, with its true label. */
export type StepExample =
  | { kind: 'test'; index: number; pixels: Uint8Array; label: number }
  | { kind: 'drawn'; pixels: Uint8Array; label: number };

/** Which weights a trace reads: the model's (a fresh copy), or the scratch copy that updates were applied to. */
export type StepWeights = 'model' | 'scratch';

export interface StepTrace {
  example: StepExample;
  tape: Tape;
  classes: string[];
  loss: LossName;
  /** The image's shape, e.g. [28, 28]. */
  inputShape: number[];
  /** One plain SGD step w − lr·g on this example's gradient, on a copy: its effect on this example. */
  update: {
    lr: number;
    lossBefore: number;
    lossAfter: number;
    /**
     * The true class's probability before and after the step; for an mse model its score (the
     * network's output), which is no probability.
     */
    trueBefore: number;
    trueAfter: number;
    probabilitiesAfter: Float64Array;
  };
  /** Updates applied to the scratch copy that this trace read (0: the model's own weights). */
  applied: number;
}

/** One unit of a linear layer for the traced example: its weighted sum, activation and gradients. */
export interface NeuronDetail {
  /** Index of the linear layer in architecture.layers. */
  layer: number;
  unit: number;
  /** The layer's input for this example [in]. */
  inputs: Float64Array;
  /** The unit's incoming weights [in]. */
  weights: Float64Array;
  bias: number;
  /** Σ inputs·weights + bias */
  preActivation: number;
  /** The activation that follows the layer, and its output for this unit (null for the output layer). */
  activation: { op: string; value: number } | null;
  /** ∂loss/∂ each incoming weight [in] = input · ∂loss/∂preActivation. */
  weightGrad: Float64Array;
  biasGrad: number;
  /** ∂loss/∂preActivation */
  outputGrad: number;
}

/** One parameter entry's autograd gradient beside a central finite difference computed by the engine. */
export interface GradientCheck {
  param: string;
  /** PyTorch layout: weight [out, in] (row = unit, col = input), bias [out] (col 0). */
  row: number;
  col: number;
  value: number;
  autograd: number;
  numeric: number;
  h: number;
  /** |autograd − numeric| / max(|autograd|, |numeric|), 0 when both are 0. */
  relativeError: number;
}
