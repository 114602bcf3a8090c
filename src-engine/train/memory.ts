/**
 * How much memory a training run takes, estimated before it starts, so that a network too large
 * for the machine is refused with a sentence instead of hanging the engine while it swaps or
 * grows towards the out-of-memory killer.
 */
import { type Architecture, describeArchitecture, layerSizes, parameterCount } from '../architecture';
import type { TrainConfig } from './config';

/** Bytes of one float64. */
const F64 = 8;
/** Images in an evaluation batch (evaluate()'s default). */
const EVAL_BATCH = 1000;
/** The kernels' per-step scratch region keeps at most this much (scratch-region.ts). */
const MAX_SCRATCH_BYTES = 64 << 20;

/** A run's memory by what it holds, in bytes. */
export interface MemoryEstimate {
  parameters: number;
  /**
   * Weights (the optimizer keeps two buffers of each, to undo a diverged step), their gradients,
   * and the optimizer's state (momentum: 2 buffers; Adam's m and v: 4).
   */
  training: number;
  /**
   * Checkpoints: the last one kept as the model (weights and optimizer state in file layout),
   * its encoded bytes, the copy that crosses to the host and the host's own copy as it saves it;
   * and the float32 weights snapshots the charts get.
   */
  checkpoints: number;
  /**
   * One step's activations and their gradients (or an evaluation batch's, whichever is larger),
   * the scratch region they live in, and the matmul's copy area for the largest layer.
   */
  activations: number;
  total: number;
}

/**
 * Estimate the memory of training `arch` with `config` (its batch size and optimizer).
 * @param arch the network that will be built (sizes from the dataset, or a resumed model's)
 */
export function estimateTrainingMemory(arch: Architecture, config: Pick<TrainConfig, 'batch' | 'optimizer' | 'momentum'>): MemoryEstimate {
  const params = parameterCount(arch);
  const sizes = layerSizes(arch);
  const slots = config.optimizer === 'sgd' ? (config.momentum > 0 ? 1 : 0) : 2;
  // NOTE: double-buffered weights and slots (optimizer.ts), one gradient per weight.
  const training = F64 * params * (2 + 1 + 2 * slots);
  const fileCopy = F64 * params * (1 + slots);
  const snapshot = 4 * params;
  const checkpoints = 4 * fileCopy + 2 * snapshot;
  const outputs = sizes.slice(1).reduce((s, n) => s + n, 0);
  // per image in a step: the input, each layer's output and its activation, and the gradients of both
  const step = F64 * config.batch * (sizes[0]! + 4 * outputs);
  const evaluation = F64 * EVAL_BATCH * (sizes[0]! + 2 * outputs);
  const batchBuffers = (F64 + 1) * config.batch * sizes[0]!;
  let copyArea = 0;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const m = Math.max(config.batch, EVAL_BATCH);
    copyArea = Math.max(copyArea, F64 * (sizes[i]! * sizes[i + 1]! + m * (sizes[i]! + sizes[i + 1]!)));
  }
  const transient = Math.max(step, evaluation);
  const activations = transient + Math.min(MAX_SCRATCH_BYTES, 2 * transient) + copyArea + batchBuffers;
  return { parameters: params, training, checkpoints, activations, total: training + checkpoints + activations };
}

/** 1.5e9 -> "1.4 GB" (binary gigabytes, as the system monitor shows them); smaller in MB. */
function gigabytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.ceil(bytes / 2 ** 20)} MB`;
}

/** "120.7 million", "101,770" */
function count(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} million` : n.toLocaleString('en-US');
}

const OPTIMIZER_NAMES = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW' } as const;

/**
 * The sentence that refuses a run too large for the memory that is free, or null when it fits.
 * @param available bytes the engine may still take (free memory); undefined: not known, no check
 */
export function memoryProblem(
  arch: Architecture,
  config: Pick<TrainConfig, 'batch' | 'optimizer' | 'momentum'>,
  available: number | undefined,
): string | null {
  if (available === undefined || !Number.isFinite(available)) return null;
  const e = estimateTrainingMemory(arch, config);
  if (e.total <= available) return null;
  return (
    `This network (${describeArchitecture(arch)}, ${count(e.parameters)} parameters) needs about ${gigabytes(e.total)} of memory ` +
    `to train with ${OPTIMIZER_NAMES[config.optimizer]} and batch size ${config.batch} ` +
    `(weights, gradients and optimizer state ${gigabytes(e.training)}, checkpoints ${gigabytes(e.checkpoints)}, ` +
    `activations ${gigabytes(e.activations)}), but only ${gigabytes(Math.max(0, available))} is free on this machine. ` +
    'Use fewer or smaller hidden layers.'
  );
}
