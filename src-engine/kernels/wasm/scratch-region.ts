import type { ScratchArena } from '../interface';
import { alignUp, GrowingBlock, type WasmHeap } from './wasm-heap';

/**
 * Most bytes the region keeps (64 MiB: a W2 step takes ~1.5 MiB, a 1000-image evaluation batch
 * ~2.5 MiB). Beyond it, buffers are plain arrays that the garbage collector frees, so one huge
 * model does not hold its peak activations in the memory for the rest of the process.
 */
const MAX_SCRATCH_BYTES = 64 << 20;

/**
 * The scratch arena of a wasm backend: one block of its memory that a training step's
 * activations and their gradients are bump-allocated from, so that the kernels use them in place
 * and a step allocates no typed arrays for the garbage collector.
 * The block is sized by demand: a step that wants more than it has gets plain Float64Arrays for
 * the excess (correct, only slower), and when the outermost scope closes the block grows to the
 * peak demand (at least doubling, at most MAX_SCRATCH_BYTES), so that the next step fits.
 */
export class ScratchRegion implements ScratchArena {
  private readonly block: GrowingBlock;
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
    maxBytes = MAX_SCRATCH_BYTES,
  ) {
    this.block = new GrowingBlock(heap, maxBytes);
  }

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
    if (this.top + need > this.block.bytes) return null;
    const view = new Float64Array(this.heap.buffer(), this.block.offset + this.top, length);
    this.top += need;
    if (zero) view.fill(0);
    return view;
  }

  close(mark: number): void {
    if (this.poison && this.top > mark) new Float64Array(this.heap.buffer(), this.block.offset + mark, (this.top - mark) / 8).fill(NaN);
    this.top = mark;
    this.wantedTop = this.wantedMarks.pop() ?? 0;
    if (this.wantedMarks.length === 0) this.block.grow(this.demand); // beyond the cap, the excess stays plain arrays
  }
}
