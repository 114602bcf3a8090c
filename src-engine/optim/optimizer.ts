import { allocate, kernels } from '../kernels/kernels';
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
 *
 * NOTE: parameters and slots are double-buffered: a step reads the current buffer and writes
 * the other one, then swaps. That costs no extra memory traffic over an in-place update, and
 * keeps the state before the last step, so undoLastStep() (the divergence guard) is exact and free.
 */
export class Optimizer {
  readonly settings: Required<OptimizerSettings>;
  readonly params: NamedParam[];
  /** Slot name -> buffer, e.g. "0.weight.m". */
  readonly slots = new Map<string, Float64Array>();
  /** Steps taken (Adam's bias correction uses it). */
  t = 0;
  /** The other buffer of each parameter (same order as params) and of each slot. */
  private readonly spareParams: Float64Array[];
  private readonly spareSlots = new Map<string, Float64Array>();
  private canUndo = false;

  constructor(params: NamedParam[], settings: OptimizerSettings) {
    this.params = params;
    this.settings = { beta1: 0.9, beta2: 0.999, eps: 1e-8, ...settings };
    // NOTE: every buffer from the kernels' allocate(): a spare becomes the parameter next step.
    this.spareParams = params.map((p) => allocate(p.tensor.size));
    for (const p of params) {
      for (const slot of this.slotNames()) {
        this.slots.set(`${p.name}.${slot}`, allocate(p.tensor.size));
        this.spareSlots.set(`${p.name}.${slot}`, allocate(p.tensor.size));
      }
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

  /**
   * One update of every parameter from its .grad with learning rate lr.
   * NOTE: every rule is a kernel: in wasm (and split across threads) since parameters, grads and
   * slots all come from allocate().
   */
  step(lr: number): void {
    const s = this.settings;
    this.t++;
    this.params.forEach(({ name, tensor }, i) => {
      const g = tensor.grad;
      const w = tensor.data;
      const next = this.spareParams[i];
      if (!g) {
        next.set(w); // no gradient reached it: unchanged, but keep both buffers in step
      } else if (s.name === 'sgd') {
        const key = `${name}.momentum`;
        const buf = this.slots.get(key);
        if (buf) {
          const nextBuf = this.spareSlots.get(key)!;
          kernels().sgdMomentumStep(w, g, buf, next, nextBuf, lr, s.momentum, s.weightDecay, s.nesterov);
          this.swapSlot(key);
        } else kernels().sgdStep(w, g, next, lr, s.weightDecay);
      } else {
        const m = `${name}.m`;
        const v = `${name}.v`;
        kernels().adamStep(w, g, this.slots.get(m)!, this.slots.get(v)!, next, this.spareSlots.get(m)!, this.spareSlots.get(v)!, {
          lr, beta1: s.beta1, beta2: s.beta2, eps: s.eps, weightDecay: s.weightDecay,
          c1: 1 - s.beta1 ** this.t, c2: 1 - s.beta2 ** this.t, decoupled: s.name === 'adamw',
        });
        this.swapSlot(m);
        this.swapSlot(v);
      }
      tensor.data = next;
      this.spareParams[i] = w;
    });
    this.canUndo = true;
  }

  private swapSlot(key: string): void {
    const cur = this.slots.get(key)!;
    this.slots.set(key, this.spareSlots.get(key)!);
    this.spareSlots.set(key, cur);
  }

  /** Go back to the parameters and slots before the last step (once); false when there is none. */
  undoLastStep(): boolean {
    if (!this.canUndo) return false;
    this.params.forEach(({ tensor }, i) => {
      const cur = tensor.data;
      tensor.data = this.spareParams[i];
      this.spareParams[i] = cur;
    });
    for (const key of this.slots.keys()) this.swapSlot(key);
    this.t--;
    this.canUndo = false;
    return true;
  }

  /** Restore slots from a checkpoint; names and sizes must match. */
  restoreSlots(saved: Map<string, Float64Array>): void {
    for (const [k, buf] of this.slots) {
      const data = saved.get(k);
      if (!data) throw new Error(`optimizer state is missing ${k}`);
      if (data.length !== buf.length) throw new Error(`optimizer state ${k} has ${data.length} values, expected ${buf.length}`);
      buf.set(data);
    }
    this.canUndo = false;
  }
}
