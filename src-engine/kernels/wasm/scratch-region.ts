import type { ScratchArena } from '../kernels';
import type { WasmHeap } from './wasm-heap';

const ALIGN = 64;
/**
 * Most bytes the region keeps (64 MiB: a W2 step takes ~1.5 MiB, a 1000-image evaluation batch
 * ~2.5 MiB). Beyond it, buffers are plain arrays that the garbage collector frees, so one huge
 * model does not hold its peak activations in the memory for the rest of the process.
 */
const MAX_SCRATCH_BYTES = 64 << 20;
const alignUp = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/**
 * The scratch arena of a wasm backend: one block of its memory that a training step's
 * activations and their gradients are bump-allocated from, so that the kernels use them in place
 * and a step allocates no typed arrays for the garbage collector.
 * The block is sized by demand: a step that wants more than it has gets plain Float64Arrays for
 * the excess (correct, only slower), and when the outermost scope closes the block grows to the
 * peak demand (at least doubling, at most MAX_SCRATCH_BYTES), so that the next step fits.
 */
export class ScratchRegion implements ScratchArena {
  private base = -1;
  private bytes = 0;
  private top = 0;
  /** Where top would be had every buffer asked for fitted; the scopes' marks of it. */
  private wantedTop = 0;
  private readonly wantedMarks: number[] = [];
  /** The highest wantedTop since the outermost scope opened: what the block should hold. */
  private demand = 0;

  /**
   * @param poison fill freed buffers with NaN, so that a test sees any use of a buffer after its
   *   scope closed (a value kept past scratchScope) as NaN in its results
   */
  constructor(
    private readonly heap: WasmHeap,
    private readonly poison = false,
    private readonly maxBytes = MAX_SCRATCH_BYTES,
  ) {}

  open(): number {
    if (this.wantedMarks.length === 0) this.demand = 0;
    this.wantedMarks.push(this.wantedTop);
    return this.top;
  }

  take(length: number, zero: boolean): Float64Array | null {
    if (this.wantedMarks.length === 0 || !this.heap.sharesViews) return null;
    const need = alignUp(Math.max(1, length) * 8);
    this.wantedTop += need;
    this.demand = Math.max(this.demand, this.wantedTop);
    if (this.top + need > this.bytes) return null;
    const view = new Float64Array(this.heap.memory.buffer, this.base + this.top, length);
    this.top += need;
    if (zero) view.fill(0);
    return view;
  }

  close(mark: number): void {
    if (this.poison && this.top > mark) new Float64Array(this.heap.memory.buffer, this.base + mark, (this.top - mark) / 8).fill(NaN);
    this.top = mark;
    this.wantedTop = this.wantedMarks.pop() ?? 0;
    if (this.wantedMarks.length > 0 || this.demand <= this.bytes || this.bytes >= this.maxBytes) return;
    if (this.base >= 0) this.heap.release(this.base, this.bytes);
    const want = Math.min(alignUp(Math.max(this.demand, 2 * this.bytes)), this.maxBytes);
    this.base = this.heap.reserve(want);
    this.bytes = this.base < 0 ? 0 : want;
  }
}
