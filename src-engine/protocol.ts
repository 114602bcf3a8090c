/**
 * The engine protocol: every message between the engine worker and its host (and, through the
 * host, the renderer). Main, preload, worker and renderer import these types, so a renamed
 * field breaks the type check, not the user. Binary payloads are typed arrays, never JSON lists.
 */
import type { Activation, Architecture, LossName } from './architecture';
import type { DatasetSource } from './data/dataset-source';
import type { KernelsInfo } from './kernels/kernels-info';
import type { EpochMetrics } from './train/metrics';
import type { TrainConfig } from './train/config';
import type { HealthSample } from './train/health';
import type { LrFinderResult } from './train/lr-finder';
import type { RunOutcome } from './train/outcome';
import type { GradientCheck, NeuronDetail, StepExample, StepTrace, StepWeights } from './inspect/step-types';
import type { ConfidenceKind, EvalSplit, EvaluationSummary, Gallery, GalleryItem, GalleryQuery, HiddenActivations } from './train/evaluation-report';

export type { ConfidenceKind, EvalSplit, EvaluationSummary, Gallery, GalleryItem, GalleryQuery, HiddenActivations };

/**
 * An evaluation and where in its run the weights it scored are: a file saved part-way into an epoch
 * scores other weights than any epoch's end, whose figures the Train view shows.
 */
export interface EvaluationReport extends EvaluationSummary {
  /**
   * Completed epochs and steps in all of the weights evaluated, and the run's batches an epoch (0
   * when unknown); null for a file that does not record where its training stood (an import).
   */
  weights: { epoch: number; step: number; stepsPerEpoch: number } | null;
}

export type { GradientCheck, NeuronDetail, StepExample, StepTrace, StepWeights, Tape, TapeOp, TapeTensor } from './inspect/step-types';
export type { HealthSample, LayerHealth } from './train/health';
export type { LrFinderResult } from './train/lr-finder';
export type { OutcomeKind, RunOutcome } from './train/outcome';

// The domain types the messages carry live in their own folders; re-exported for the host and the renderer.
export type { DatasetSource } from './data/dataset-source';
export { MAX_KERNEL_THREADS, type KernelsInfo } from './kernels/kernels-info';
export type { OptimizerName } from './optim/optimizer';
export type { ScheduleName } from './optim/schedule';
export type { EpochMetrics } from './train/metrics';
export type { TrainConfig } from './train/config';

/** Weights of one linear layer, stored [in, out] (x · W + b), as float32 for display. */
export interface LayerWeights {
  /** PyTorch-style name prefix, e.g. "0" for "0.weight". */
  name: string;
  in: number;
  out: number;
  weight: Float32Array;
  bias: Float32Array;
}

export interface WeightsSnapshot {
  epoch: number;
  step: number;
  layers: LayerWeights[];
}

export type RunState = 'idle' | 'training' | 'paused' | 'done' | 'stopped' | 'failed';

export interface ModelInfo {
  architecture: Architecture;
  config: TrainConfig | null;
  history: EpochMetrics[];
  epoch: number;
  step: number;
  datasetName: string;
  parameters: number;
  /** Test accuracy of the mean-image baseline on the run's data, 0..1: what it has to beat (null when unknown). */
  baselineAccuracy: number | null;
  /** Batches in one of the run's epochs, so a step can be placed in its epoch (0 when unknown: a file without its training state). */
  stepsPerEpoch: number;
  /** Seconds it has trained in all, its unfinished epoch included, evaluation excluded (null when unknown: a file without its training state). */
  trainedSeconds: number | null;
}

export interface DatasetInfo {
  name: string;
  train: number;
  test: number;
  rows: number;
  cols: number;
  classes: string[];
  /** Per-class mean images of the training set (classes × rows·cols bytes). */
  meanImages: Uint8Array;
  /** Test accuracy of the nearest-mean-image classifier. */
  baselineAccuracy: number;
  /**
   * A few training images, the first of each class (up to 10; rows·cols bytes each), with their
   * indices in the training set: what the form's augmentation strip distorts.
   */
  examples?: { images: Uint8Array; indices: number[]; labels: string[] };
}

export interface Prediction {
  classes: string[];
  probabilities: Float64Array;
  logits: Float64Array;
  /** ∂ logit[predicted] / ∂ pixel, one per input pixel (when asked). */
  saliency: Float64Array | null;
  /** Indices of the first hidden layer's most active units for this input, strongest first. */
  topHidden: { unit: number; activation: number }[];
}

/** Digits as bytes: images [count, rows·cols] and labels [count]. */
export interface DigitBytes {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface Sample {
  index: number;
  /** rows·cols bytes */
  pixels: Uint8Array;
  label: number;
  prediction: number | null;
  /** For a misclassified sample: its place (0-based) among the test images the model gets wrong. */
  wrong?: { position: number; count: number };
  /** Set for a digit of the validation split (opened from the Evaluate view); absent: a test digit. */
  split?: 'validation';
}

/** Requests the host sends, each with the reply type it gets. */
export interface EngineCalls {
  /**
   * `stopAfter`: stop (saved) once this many epochs are done, before config.epochs; the
   * learning-rate schedule still spans config.epochs, so a later resume finishes the run exactly.
   */
  'train:start': { args: { config: TrainConfig; resume?: Uint8Array; stopAfter?: number }; result: { runId: number; info: ModelInfo } };
  'train:pause': { args: Record<string, never>; result: { state: RunState } };
  'train:resume': { args: Record<string, never>; result: { state: RunState } };
  'train:stop': { args: Record<string, never>; result: { state: RunState } };
  'model:load': { args: { bytes: Uint8Array; fileName: string }; result: ModelInfo };
  'model:save': { args: Record<string, never>; result: { bytes: Uint8Array } };
  'model:weights': { args: Record<string, never>; result: WeightsSnapshot };
  'model:predict': { args: { pixels: Uint8Array; saliency: boolean }; result: Prediction };
  'dataset:info': { args: { source: DatasetSource }; result: DatasetInfo };
  /** `after` (with 'misclassified'): the next wrong test image after that index, wrapping round; else a random one. */
  'dataset:sample': { args: { which: 'random' | 'misclassified' | number; after?: number }; result: Sample };
  /** Bundled MNIST images [count, 784] and labels, from `start` of a split (the Build it view trains on them). */
  'dataset:digits': { args: { split: 'train' | 'test'; start: number; count: number }; result: DigitBytes };
  'engine:kernels': { args: Record<string, never>; result: KernelsInfo };
  /** Results are the same bits for any count; refused while a run is training or paused. */
  'engine:set-threads': { args: { threads: number }; result: KernelsInfo };
  /** The learning-rate range test on a scratch copy of the model a run with this config starts from. */
  'train:lr-find': { args: { config: TrainConfig }; result: LrFinderResult };
  /** Evaluate the model on a split; the engine keeps each example's prediction for galleries. */
  'model:evaluate': { args: { split: EvalSplit }; result: EvaluationReport };
  /** Digits of the last evaluation: a confusion cell's, the confidently wrong, the unsure right. */
  'model:gallery': { args: { split: EvalSplit; query: GalleryQuery; limit?: number }; result: Gallery };
  /** A hidden layer's activations (index in architecture.layers) for the first `count` digits of a split. */
  'model:hidden': { args: { split: EvalSplit; layer: number; count: number }; result: HiddenActivations };
  /**
   * Step inside: the tape of one example (a test image by index, or drawn pixels with their true
   * label) on a copy of the model's weights, or of the scratch copy (`weights`); `lr` for the update preview.
   */
  'step:trace': { args: { example: { index: number } | { pixels: Uint8Array }; label?: number; lr?: number; weights: StepWeights }; result: StepTrace };
  /** Apply the last trace's SGD step to the scratch copy (never the run or a file) and trace again. */
  'step:apply': { args: Record<string, never>; result: StepTrace };
  /** One unit of a linear layer (index in architecture.layers) for the last traced example. */
  'step:neuron': { args: { layer: number; unit: number }; result: NeuronDetail };
  /** Autograd beside a finite difference for one parameter entry (PyTorch layout). */
  'step:gradcheck': { args: { param: string; row: number; col: number }; result: GradientCheck };
}

export type EngineCallName = keyof EngineCalls;

export interface BatchEvent {
  type: 'batch';
  runId: number;
  epoch: number;
  /** Global step of the first loss in `losses`. */
  firstStep: number;
  /** Loss of every batch since the previous event (none dropped by throttling). */
  losses: Float64Array;
  accuracy: number;
  lr: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  samplesPerSecond: number;
  /** Seconds left in the whole run (estimate). */
  eta: number;
  /** Seconds trained in all by the engine's clock (earlier sessions included; evaluation and pauses excluded), as its files record them. */
  seconds: number;
}

export type EngineEvent =
  | BatchEvent
  | { type: 'epoch'; runId: number; metrics: EpochMetrics }
  | { type: 'weights'; runId: number; snapshot: WeightsSnapshot; epochEnd: boolean }
  | { type: 'checkpoint'; runId: number; reason: 'epoch' | 'pause' | 'stop' | 'done'; bytes: Uint8Array; info: ModelInfo }
  | { type: 'state'; runId: number; state: RunState; message?: string }
  /** `seconds`: trained in all by the engine's clock, as in the batch event (0 when no run started). */
  | { type: 'done'; runId: number; state: RunState; message?: string; history: EpochMetrics[]; outcome?: RunOutcome; seconds: number }
  /** Health measured since the previous health event (sent with the batch events). */
  | { type: 'health'; runId: number; samples: HealthSample[] }
  | { type: 'error'; message: string };

/** A request on the wire. */
export interface RequestMessage<K extends EngineCallName = EngineCallName> {
  kind: 'request';
  id: number;
  call: K;
  args: EngineCalls[K]['args'];
}

export type ReplyMessage =
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };

export interface EventMessage {
  kind: 'event';
  event: EngineEvent;
}

export type WorkerMessage = ReplyMessage | EventMessage;

/** The most renderer updates a second the worker sends while training. */
export const MAX_EVENTS_PER_SECOND = 20;

/**
 * A batch event at an epoch's last step: the epoch end's evaluation follows, which the engine's
 * `seconds` do not count. A reader that counts on from an event's seconds by its own clock stops
 * there until the next batch event, or its figure runs ahead and then falls back.
 */
export function endsEpoch(e: Pick<BatchEvent, 'stepInEpoch' | 'stepsPerEpoch'>): boolean {
  return e.stepInEpoch >= e.stepsPerEpoch;
}
