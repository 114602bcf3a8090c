import type { NamedParam } from '../nn/model';
import type { OptimizerName } from '../protocol';

export interface OptimizerSettings {
  name: OptimizerName;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/**
 * SGD (momentum, Nesterov, L2 weight decay) and Adam / AdamW, with PyTorch's update rules so
 * that a recipe carries over. State lives in named slots ("0.weight.momentum", "0.weight.m")
 * that the checkpoint stores, so a resumed run continues exactly.
 */
export class Optimizer {
  readonly settings: Required<OptimizerSettings>;
  readonly params: NamedParam[];
  /** Slot name -> buffer, e.g. "0.weight.m". */
  readonly slots = new Map<string, Float64Array>();
  /** Steps taken (Adam's bias correction uses it). */
  t = 0;

  constructor(params: NamedParam[], settings: OptimizerSettings) {
    this.params = params;
    this.settings = { beta1: 0.9, beta2: 0.999, eps: 1e-8, ...settings };
    for (const p of params) {
      for (const slot of this.slotNames()) this.slots.set(`${p.name}.${slot}`, new Float64Array(p.tensor.size));
    }
  }

  /** The state slots each parameter has. */
  slotNames(): string[] {
    if (this.settings.name === 'sgd') return this.settings.momentum > 0 ? ['momentum'] : [];
    return ['m', 'v'];
  }

  /** Zero every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.tensor.zeroGrad();
  }

  /** One update of every parameter from its .grad with learning rate lr. */
  step(lr: number): void {
    this.t++;
    const s = this.settings;
    for (const { name, tensor } of this.params) {
      const w = tensor.data;
      const g = tensor.grad;
      if (!g) continue;
      if (s.name === 'sgd') {
        const wd = s.weightDecay;
        const mu = s.momentum;
        const buf = this.slots.get(`${name}.momentum`);
        for (let i = 0; i < w.length; i++) {
          let d = g[i] + wd * w[i]; // L2: ∂(wd/2 · w²) = wd·w
          if (buf) {
            buf[i] = mu * buf[i] + d;
            d = s.nesterov ? d + mu * buf[i] : buf[i];
          }
          w[i] -= lr * d;
        }
      } else {
        const m = this.slots.get(`${name}.m`)!;
        const v = this.slots.get(`${name}.v`)!;
        const { beta1: b1, beta2: b2, eps, weightDecay: wd } = s;
        const c1 = 1 - b1 ** this.t;
        const c2 = 1 - b2 ** this.t;
        const decoupled = s.name === 'adamw';
        for (let i = 0; i < w.length; i++) {
          let d = g[i];
          if (decoupled) w[i] -= lr * wd * w[i]; // AdamW: decay the weight itself
          else d += wd * w[i]; // Adam: L2 through the gradient
          m[i] = b1 * m[i] + (1 - b1) * d;
          v[i] = b2 * v[i] + (1 - b2) * d * d;
          w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
        }
      }
    }
  }

  /** Copy all slots (for the divergence guard). */
  copySlots(into?: Map<string, Float64Array>): Map<string, Float64Array> {
    const out = into ?? new Map<string, Float64Array>();
    for (const [k, v] of this.slots) {
      const dst = out.get(k);
      if (dst) dst.set(v);
      else out.set(k, v.slice());
    }
    return out;
  }

  /** Restore slots from copySlots() or a checkpoint; names and sizes must match. */
  restoreSlots(saved: Map<string, { data: Float64Array }> | Map<string, Float64Array>, strict = true): void {
    for (const [k, buf] of this.slots) {
      const src = saved.get(k);
      if (!src) {
        if (strict) throw new Error(`optimizer state is missing ${k}`);
        continue;
      }
      const data = src instanceof Float64Array ? src : src.data;
      if (data.length !== buf.length) throw new Error(`optimizer state ${k} has ${data.length} values, expected ${buf.length}`);
      buf.set(data);
    }
  }
}
