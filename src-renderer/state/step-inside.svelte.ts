/**
 * The Step inside session: the example (a test digit, or a drawn one with the label the learner
 * picks), the engine's tape for it, how far the learner has stepped (forward op by op, then
 * backward in the order the autograd ran), the unit opened, the gradient checked, and the
 * update applied to the engine's scratch copy. The renderer computes nothing here: every number
 * comes from the engine.
 */
import type { GradientCheck, NeuronDetail, StepTrace, StepWeights } from '../../src-engine/protocol';
import type { ScratchnetApi } from '../../src-main/host/api-contract';

/** Where the stepping is: showing op `op`'s value (forward) or running its backward. */
export interface StepPosition {
  phase: 'forward' | 'backward';
  /** Index into tape.ops. */
  op: number;
}

/** A drawn digit waiting for the learner to say which digit it is. */
export interface PendingDrawing {
  pixels: Uint8Array;
}

function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');
}

export class StepInsideState {
  trace = $state.raw<StepTrace | null>(null);
  /** Steps taken: 0 shows the input only; forward steps, then backward steps. */
  cursor = $state(0);
  neuron = $state.raw<NeuronDetail | null>(null);
  check = $state.raw<GradientCheck | null>(null);
  /** The learning rate of the update preview (null: the model's own). */
  lr = $state<number | null>(null);
  pending = $state.raw<PendingDrawing | null>(null);
  showShapes = $state(false);
  busy = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: ScratchnetApi) {}

  /** How many steps the tape has: one per op forward, one per backward the autograd ran. */
  get steps(): number {
    const t = this.trace?.tape;
    return t ? t.ops.length + t.backward.length : 0;
  }

  get position(): StepPosition | null {
    const t = this.trace?.tape;
    if (!t) return null;
    const n = t.ops.length;
    return this.cursor < n ? { phase: 'forward', op: this.cursor } : { phase: 'backward', op: t.backward[this.cursor - n] };
  }

  /** Whether op i's value has been computed yet. */
  valueShown(i: number): boolean {
    return !!this.trace && (this.cursor >= this.trace.tape.ops.length || i <= this.cursor);
  }

  /**
   * Whether ∂loss/∂(op i's output) is known yet: the loss's own (1) once backward starts, any
   * other once the backward of an op that reads it has run.
   */
  gradShown(i: number): boolean {
    const t = this.trace?.tape;
    if (!t) return false;
    const done = this.cursor - t.ops.length + 1; // backward steps run so far
    if (done <= 0 || !t.ops[i].output.grad) return false; // the image never gets one
    if (i === t.ops.length - 1) return true;
    return t.backward.slice(0, done).some((b) => t.ops[b].inputs.some((p) => p.from === i));
  }

  /** Whether the backward of op i has run (its parameters' gradients exist). */
  backwardRan(i: number): boolean {
    const t = this.trace?.tape;
    if (!t) return false;
    const done = this.cursor - t.ops.length + 1;
    return done > 0 && t.backward.slice(0, done).includes(i);
  }

  step(by: number): void {
    this.cursor = Math.max(0, Math.min(this.steps - 1, this.cursor + by));
  }

  /** To the first step (0) or the last. */
  jump(to: 'start' | 'forward-end' | 'end'): void {
    const n = this.trace?.tape.ops.length ?? 0;
    this.cursor = to === 'start' ? 0 : to === 'forward-end' ? Math.max(0, n - 1) : Math.max(0, this.steps - 1);
  }

  /** A test digit: a random one, the next the model gets wrong, or one by index. */
  async testDigit(which: 'random' | 'misclassified' | number): Promise<void> {
    await this.run(async () => {
      // NOTE: "next" in index order from the digit on show, or from the first (not a random one)
      const after = this.trace?.example.kind === 'test' ? this.trace.example.index : -1;
      const index = typeof which === 'number' ? which : (await this.api.call('dataset:sample', which === 'misclassified' ? { which, after } : { which })).index;
      await this.load({ example: { index }, weights: 'scratch' }, true);
    });
  }

  /**
   * A digit drawn on the pad: it waits for its true label. Returns the sentence to show when
   * the pad is empty (nothing else changes then), else null.
   */
  fromPad(pixels: Uint8Array | null): string | null {
    if (!pixels || !pixels.some((p) => p > 0)) return 'The pad is empty: draw a digit first.';
    this.pending = { pixels: pixels.slice() };
    this.error = null;
    return null;
  }

  /** Step inside the drawn digit, as the digit the learner says it is. */
  async pickLabel(label: number): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    await this.run(async () => {
      await this.load({ example: { pixels: pending.pixels }, label, weights: 'scratch' }, true);
      this.pending = null;
    });
  }

  /** Preview the update at another learning rate (same example, same weights). */
  async setLr(lr: number): Promise<void> {
    if (!(lr > 0 && lr <= 10)) {
      this.error = 'The learning rate must be a number above 0 and at most 10.';
      return;
    }
    this.lr = lr;
    await this.run(() => this.retrace('scratch'));
  }

  /** Apply the update to the scratch copy, and step through the same example on it. */
  async apply(): Promise<void> {
    await this.run(async () => {
      const keep = this.cursor;
      this.trace = await this.api.call('step:apply', {});
      this.cursor = Math.min(keep, this.steps - 1);
      await this.refreshDetails();
    });
  }

  /** Back to the model's own weights (the scratch copy is forgotten). */
  async backToModel(): Promise<void> {
    await this.run(() => this.retrace('model'));
  }

  /** Open one unit of a linear layer. */
  async openNeuron(layer: number, unit: number): Promise<void> {
    await this.run(async () => {
      this.neuron = await this.api.call('step:neuron', { layer, unit });
      this.check = null;
    });
  }

  /** Check one incoming weight of the open unit (input index), or its bias (null). */
  async checkGradient(input: number | null): Promise<void> {
    const n = this.neuron;
    if (!n) return;
    await this.run(async () => {
      this.check = await this.api.call('step:gradcheck', input === null ? { param: `${n.layer}.bias`, row: n.unit, col: 0 } : { param: `${n.layer}.weight`, row: n.unit, col: input });
    });
  }

  private async retrace(weights: StepWeights): Promise<void> {
    const ex = this.trace?.example;
    if (!ex) return;
    const keep = this.cursor;
    await this.load(ex.kind === 'test' ? { example: { index: ex.index }, weights } : { example: { pixels: ex.pixels }, label: ex.label, weights }, false);
    this.cursor = Math.min(keep, this.steps - 1);
  }

  private async load(args: { example: { index: number } | { pixels: Uint8Array }; label?: number; weights: StepWeights }, fresh: boolean): Promise<void> {
    const trace = await this.api.call('step:trace', this.lr !== null ? { ...args, lr: this.lr } : args);
    this.trace = trace;
    if (fresh) {
      this.cursor = 0;
      this.neuron = null;
      this.check = null;
    } else await this.refreshDetails();
  }

  /** The open unit and the checked weight, again for the new trace. */
  private async refreshDetails(): Promise<void> {
    const n = this.neuron;
    const c = this.check;
    this.neuron = n ? await this.api.call('step:neuron', { layer: n.layer, unit: n.unit }) : null;
    this.check = c ? await this.api.call('step:gradcheck', { param: c.param, row: c.row, col: c.col }) : null;
  }

  /** Run one engine exchange; its failure is one sentence, and what was shown stays. */
  private async run(fn: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await fn();
      this.error = null;
    } catch (e) {
      this.error = message(e);
    } finally {
      this.busy = false;
    }
  }
}
