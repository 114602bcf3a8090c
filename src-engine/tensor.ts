import { allocate, scratch } from './kernels/kernels';

/**
 * Tensor: a Float64Array with a shape, and (when it takes part in autograd) the closure that
 * pushes its gradient back to the tensors it was computed from.
 */

let gradEnabled = true;

/** True unless inside noGrad(). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run fn without recording the graph (inference): no closures, no parents kept. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** "[64, 784]" */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export class Tensor {
  /** The values. NOTE: the optimizer swaps a parameter's buffer (double buffering), so do not keep it across steps. */
  data: Float64Array;
  readonly shape: readonly number[];
  private gradData: Float64Array | null = null;
  /** zeroGrad() ran since the buffer was last written: it counts as zeros. */
  private gradStale = false;
  requiresGrad: boolean;
  /**
   * Lives as long as its model (a parameter): its grad buffer comes from the kernels' allocate(),
   * where a wasm backend uses it in place. Per-step tensors take theirs from scratch(): the
   * step's arena inside scratchScope, else plain buffers.
   */
  longLived = false;
  /** Tensors this one was computed from (empty for leaves). */
  readonly parents: readonly Tensor[];
  /** Adds this tensor's grad, through the op that made it, into its parents' grads. */
  readonly backwardFn: (() => void) | null;
  /** Name of the op that made it, for error messages and debugging. */
  readonly op: string;

  constructor(
    data: Float64Array,
    shape: readonly number[],
    requiresGrad = false,
    parents: readonly Tensor[] = [],
    backwardFn: (() => void) | null = null,
    op = 'leaf',
  ) {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`tensor data has ${data.length} values but shape ${formatShape(shape)} needs ${sizeOf(shape)}`);
    }
    this.data = data;
    this.shape = shape;
    this.requiresGrad = requiresGrad;
    this.parents = parents;
    this.backwardFn = backwardFn;
    this.op = op;
  }

  get size(): number {
    return this.data.length;
  }

  /** Accumulated ∂loss/∂this, same layout as data; null until backward reaches it. */
  get grad(): Float64Array | null {
    if (this.gradStale) this.gradBuffer();
    return this.gradData;
  }

  set grad(g: Float64Array | null) {
    this.gradData = g;
    this.gradStale = false;
  }

  /** The grad buffer to add into, allocated (zeros) on first use. */
  gradBuffer(): Float64Array {
    if (!this.gradData) this.gradData = this.newGrad();
    else if (this.gradStale) this.gradData.fill(0);
    this.gradStale = false;
    return this.gradData;
  }

  /**
   * The grad buffer for a kernel that can either add into it or overwrite it: `accumulate` is
   * false when the buffer holds nothing yet, so the kernel skips reading zeros.
   */
  gradSink(): { buf: Float64Array; accumulate: boolean } {
    const fresh = !this.gradData || this.gradStale;
    if (!this.gradData) this.gradData = this.newGrad(false); // overwritten by the kernel
    this.gradStale = false;
    return { buf: this.gradData, accumulate: !fresh };
  }

  private newGrad(zero = true): Float64Array {
    return this.longLived ? allocate(this.data.length) : scratch(this.data.length, zero);
  }

  /** Forget the accumulated gradient (lazily: the buffer is cleared or overwritten when next used). */
  zeroGrad(): void {
    if (this.gradData) this.gradStale = true;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new Error(`item() needs a one-element tensor, got shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  /** A tensor from nested arrays or a flat list with a shape. */
  static from(values: number[] | number[][], shape?: number[], requiresGrad = false): Tensor {
    if (Array.isArray(values[0])) {
      const rows = values as number[][];
      const cols = rows[0].length;
      const data = new Float64Array(rows.length * cols);
      rows.forEach((r, i) => {
        if (r.length !== cols) throw new Error('ragged nested array');
        data.set(r, i * cols);
      });
      return new Tensor(data, shape ?? [rows.length, cols], requiresGrad);
    }
    const flat = values as number[];
    return new Tensor(Float64Array.from(flat), shape ?? [flat.length], requiresGrad);
  }

  static zeros(shape: readonly number[], requiresGrad = false): Tensor {
    return new Tensor(new Float64Array(sizeOf(shape)), shape, requiresGrad);
  }

  static scalar(v: number): Tensor {
    return new Tensor(Float64Array.of(v), []);
  }
}

/**
 * Make an op's output. When grad is on and any input needs it, the output keeps its parents and
 * the backward closure; otherwise it is a plain constant (noGrad inference allocates no graph).
 * @param backward receives the output; reads out.grad and adds into the parents' gradBuffer()s.
 */
export function result(
  data: Float64Array,
  shape: readonly number[],
  parents: readonly Tensor[],
  op: string,
  backward: (out: Tensor) => void,
): Tensor {
  if (!gradEnabled || !parents.some((p) => p.requiresGrad)) return new Tensor(data, shape, false, [], null, op);
  const out: Tensor = new Tensor(data, shape, true, parents, () => backward(out), op);
  return out;
}
