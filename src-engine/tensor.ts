/**
 * Tensor: a Float64Array with a shape, and (when it takes part in autograd) the closure that
 * pushes its gradient back to the tensors it was computed from.
 */

let gradEnabled = true;

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

let recorded: Tensor[] | null = null;

/**
 * Run fn and return, beside its result, every op output it made, in the order the ops ran: the
 * forward half of a tape (see inspect/tape.ts). Off (the default) it costs one null check per op.
 */
export function recordOps<T>(fn: () => T): { result: T; ops: Tensor[] } {
  const prev = recorded;
  const ops: Tensor[] = [];
  recorded = ops;
  try {
    return { result: fn(), ops };
  } finally {
    recorded = prev;
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
  /** The values, row-major. */
  data: Float64Array;
  readonly shape: readonly number[];
  /**
   * ∂loss/∂this, same layout as data, summed over every use of this tensor; null until
   * backward() reaches it, and again after zeroGrad().
   */
  grad: Float64Array | null = null;
  requiresGrad: boolean;
  /** Tensors this one was computed from (empty for leaves). */
  readonly parents: readonly Tensor[];
  /** Given ∂loss/∂this, writes the op's contribution to each parent's gradient (see result()). */
  readonly backwardFn: Backward | null;
  /** Name of the op that made it, for error messages and debugging. */
  readonly op: string;

  constructor(
    data: Float64Array,
    shape: readonly number[],
    requiresGrad = false,
    parents: readonly Tensor[] = [],
    backwardFn: Backward | null = null,
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

  /** Forget the accumulated gradient, as PyTorch's zero_grad() does: the next backward starts afresh. */
  zeroGrad(): void {
    this.grad = null;
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
 * An op's backward: given dy = ∂loss/∂output, it writes dx = ∂loss/∂input for each input, in
 * the order of `parents`, into the buffers it is handed (all of each, overwriting). A buffer is
 * null for an input that needs no gradient; autograd adds what is written into the input's grad.
 */
export type Backward = (dy: Float64Array, ...dx: (Float64Array | null)[]) => void;

/**
 * Make an op's output. When grad is on and any input needs it, the output keeps its parents and
 * the backward closure; otherwise it is a plain constant (noGrad inference records no graph).
 */
export function result(data: Float64Array, shape: readonly number[], parents: [Tensor], op: string, backward: (dy: Float64Array, dx: Float64Array) => void): Tensor;
export function result(data: Float64Array, shape: readonly number[], parents: readonly Tensor[], op: string, backward: Backward): Tensor;
export function result(data: Float64Array, shape: readonly number[], parents: readonly Tensor[], op: string, backward: Backward | ((dy: Float64Array, dx: Float64Array) => void)): Tensor {
  const y = !gradEnabled || !parents.some((p) => p.requiresGrad)
    ? new Tensor(data, shape, false, [], null, op)
    : // NOTE: autograd runs a backward only when some input needs a gradient, so a one-input op's dx is never null.
      new Tensor(data, shape, true, parents, backward as Backward, op);
  recorded?.push(y);
  return y;
}
