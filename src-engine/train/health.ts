/**
 * Training health, measured by the engine on a few steps (not every one, so that it costs
 * little): per linear layer, the spread of the outputs after its activation, the units that are
 * dead (ReLU: no positive output on any example of the recent window) or saturated (sigmoid,
 * tanh: stuck near their limits on most examples), the gradient norm ‖∂L/∂W‖ and the update
 * ratio ‖ΔW‖/‖W‖ of its weights. The coach's rules and the Health panel read these.
 */
import type { Model } from '../nn/model';
import type { Tensor } from '../tensor';

/** One linear layer's health at a measured step (names as in the CLI's --json output). */
export interface LayerHealth {
  /** The layer's name prefix, "0" for "0.weight". */
  name: string;
  /** The activation after this linear layer ('none' for the output layer). */
  activation: 'relu' | 'leaky_relu' | 'sigmoid' | 'tanh' | 'none';
  units: number;
  /** Mean and standard deviation of the layer's outputs (after its activation) over the batch. */
  act_mean: number;
  act_std: number;
  /** ReLU layers: units with no positive output over the recent window (null for other activations). */
  dead_fraction: number | null;
  /** Sigmoid and tanh layers: units saturated on most examples of the window (null for others). */
  saturated_fraction: number | null;
  /** ‖∂L/∂W‖ of the weight matrix. */
  grad_norm: number;
  /** ‖ΔW‖/‖W‖ of the step (the healthy band is near 1e-3). */
  update_ratio: number;
  /** Per unit: 0 alive, 1 dead, 2 saturated (for the Weights view's tiles). */
  unitFlags: Uint8Array;
}

export interface HealthSample {
  /** Global step after which it was measured (1-based, as the loss chart's x). */
  step: number;
  layers: LayerHealth[];
}

export const UNIT_DEAD = 1;
export const UNIT_SATURATED = 2;
/** Measurements the dead and saturated units are judged over (each one batch). */
const WINDOW = 8;
/** Saturated: |tanh| > 0.99, or sigmoid below 0.01 or above 0.99 (the same |2σ−1| > 0.98). */
const SATURATION = 0.99;
/** The healthy band of the update ratio, for the charts and the coach. */
export const HEALTHY_UPDATE_RATIO = { low: 1e-4, target: 1e-3, high: 1e-2 } as const;

/**
 * How often to measure: about 10 times an epoch, never more than once a step. (Each measurement
 * reads every weight twice; at 10 an epoch that is about 1% of the training time of W.)
 */
export function healthEvery(stepsPerEpoch: number): number {
  return Math.max(1, Math.min(100, Math.round(stepsPerEpoch / 10)));
}

interface LayerWindow {
  /** [WINDOW × units]: examples with a positive (relu) or saturated (sigmoid, tanh) output. */
  hits: Float64Array;
  /** Examples in each window slot. */
  counts: Float64Array;
  /** The weight buffer before the step (the optimizer writes the next step into the other one). */
  before: Float64Array | null;
  partial: Omit<LayerHealth, 'update_ratio'> | null;
}

/**
 * Measures health on the steps that are due. The trainer calls observe() after backward and
 * afterStep() after the optimizer's update; nothing here changes the training.
 */
export class HealthMonitor {
  /** The most recent measurement. */
  latest: HealthSample | null = null;
  /** Measurements not yet taken by take() (the worker sends them with the loss events). */
  private pending: HealthSample[] = [];
  private measured = 0;
  private readonly windows: LayerWindow[];

  constructor(
    private readonly model: Model,
    readonly every: number,
  ) {
    this.windows = model.linears.map((l) => ({
      hits: new Float64Array(WINDOW * l.out),
      counts: new Float64Array(WINDOW),
      before: null,
      partial: null,
    }));
  }

  /** Whether the step (0-based global step about to run) is measured; the run's last step always is. */
  due(step: number, totalSteps: number): boolean {
    return step % this.every === 0 || step === totalSteps - 1;
  }

  /**
   * Read the batch's layer outputs and the weights' gradients (after backward, before the update).
   * @param layerOutputs the model's forwardLayers() outputs for a batch of n
   */
  observe(layerOutputs: Tensor[], n: number): void {
    const layers = this.model.architecture.layers;
    const slot = this.measured % WINDOW;
    this.model.linears.forEach((lin, li) => {
      const next = layers[lin.index + 1];
      const activation = next && next.type !== 'linear' && next.type !== 'dropout' ? next.type : 'none';
      const out = layerOutputs[activation === 'none' ? lin.index : lin.index + 1].data;
      const units = lin.out;
      const w = this.windows[li];
      const hits = w.hits.subarray(slot * units, (slot + 1) * units);
      hits.fill(0);
      w.counts[slot] = n;
      let sum = 0;
      let sumSq = 0;
      const size = n * units;
      for (let i = 0; i < size; i++) {
        const v = out[i];
        sum += v;
        sumSq += v * v;
      }
      if (activation === 'relu') {
        for (let r = 0; r < n; r++) for (let u = 0; u < units; u++) if (out[r * units + u] > 0) hits[u]++;
      } else if (activation === 'sigmoid' || activation === 'tanh') {
        const lo = activation === 'sigmoid' ? 1 - SATURATION : -SATURATION;
        for (let r = 0; r < n; r++) {
          for (let u = 0; u < units; u++) {
            const v = out[r * units + u];
            if (v > SATURATION || v < lo) hits[u]++;
          }
        }
      }
      const mean = sum / size;
      const { fraction, flags } = this.judgeUnits(w, units, activation);
      const weight = lin.weight;
      w.before = weight.data;
      w.partial = {
        name: String(lin.index),
        activation,
        units,
        act_mean: mean,
        act_std: Math.sqrt(Math.max(0, sumSq / size - mean * mean)),
        dead_fraction: activation === 'relu' ? fraction : null,
        saturated_fraction: activation === 'sigmoid' || activation === 'tanh' ? fraction : null,
        grad_norm: weight.grad ? norm(weight.grad) : 0,
        unitFlags: flags,
      };
    });
    this.measured++;
  }

  /** Close the measurement after the optimizer's update: the update ratio of each layer. */
  afterStep(step: number): void {
    const layers: LayerHealth[] = [];
    this.model.linears.forEach((lin, li) => {
      const w = this.windows[li];
      if (!w.partial) return;
      const now = lin.weight.data;
      // NOTE: the optimizer is double-buffered (optim/optimizer.ts): the step wrote the new
      // weights into the other buffer, so `before` still holds the old ones and no copy is needed.
      // One pass gives both ‖ΔW‖² and ‖W‖² (of the weights before the step).
      let d2 = 0;
      let w2 = 0;
      const before = w.before;
      if (before && before !== now) {
        for (let i = 0; i < now.length; i++) {
          const b = before[i];
          const d = now[i] - b;
          d2 += d * d;
          w2 += b * b;
        }
      }
      layers.push({ ...w.partial, update_ratio: w2 > 0 ? Math.sqrt(d2 / w2) : 0 });
      w.partial = null;
      w.before = null;
    });
    const sample = { step, layers };
    this.latest = sample;
    this.pending.push(sample);
    if (this.pending.length > 500) this.pending.shift(); // nobody is taking them (the CLI)
  }

  /** The measurements since the last take(). */
  take(): HealthSample[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Dead (relu) or saturated (sigmoid, tanh) units over the window. */
  private judgeUnits(w: LayerWindow, units: number, activation: LayerHealth['activation']): { fraction: number; flags: Uint8Array } {
    const flags = new Uint8Array(units);
    if (activation !== 'relu' && activation !== 'sigmoid' && activation !== 'tanh') return { fraction: 0, flags };
    const slots = Math.min(this.measured + 1, WINDOW);
    let examples = 0;
    for (let s = 0; s < slots; s++) examples += w.counts[s];
    let marked = 0;
    for (let u = 0; u < units; u++) {
      let h = 0;
      for (let s = 0; s < slots; s++) h += w.hits[s * units + u];
      const bad = activation === 'relu' ? h === 0 : h > examples / 2;
      if (bad) {
        flags[u] = activation === 'relu' ? UNIT_DEAD : UNIT_SATURATED;
        marked++;
      }
    }
    return { fraction: marked / units, flags };
  }
}

function norm(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}
