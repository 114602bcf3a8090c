/**
 * Blocks of a WebAssembly.Memory: the matmul's copy area, the block of the per-step scratch
 * region (scratch-region.ts), and long-lived Float64Array
 * buffers (parameters, gradients, optimizer state, the batch) that the kernels then read and
 * write in place instead of copying them in and out on every call.
 *
 * NOTE: growing a non-shared memory detaches every view of it, so views are handed out only
 * for shared memory, whose old SharedArrayBuffers stay valid (each covers the memory as it was
 * when obtained). Every buffer object ever taken from the memory is remembered, so a view made
 * before a grow is still recognised as ours.
 *
 * Freeing: a view's block returns to the free list when the view is garbage-collected
 * (FinalizationRegistry); blocks are 64-byte aligned, first-fit, coalesced on free.
 * NOTE: only the view handed out keeps its block: a subarray or a new view of the same bytes
 * must not outlive it. Views take at most `viewLimit` bytes; beyond that (or if the memory
 * cannot grow) alloc returns null and the caller uses an ordinary Float64Array (copied per
 * call, as before), so a process that trains many models never grows the memory without bound.
 *
 * NOTE: V8 does not count this memory as its own: a model's buffers are a few small view
 * objects to it, so it may not collect a finished run's model for a long time, and in a process
 * that trains model after model (the app's engine, the bench) the views piled up to the limit
 * (784-800-800-10: 33 MB a run, 1.3 GB after 35 runs), after which every new model was copied
 * per call and trained at half speed. So after every `collectEvery` bytes handed out, and at the
 * limit, the heap asks for a full collection (setCollector); the blocks of views found dead
 * return when their finalizers run, on a later turn of the event loop.
 */

const PAGE = 65536;
const ALIGN = 64;
/** Bytes handed out between requests for a collection (see above). */
const COLLECT_EVERY = 128 << 20;

let collector: (() => void) | null = null;

/** How the heaps ask for a full garbage collection (Node: node-collector.ts); null for never. */
export function setCollector(collect: (() => void) | null): void {
  collector = collect;
}

interface Block {
  offset: number;
  bytes: number;
}

/** bytes rounded up to a whole number of 64-byte cache lines. */
export const alignUp = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

export class WasmHeap {
  /** Every ArrayBuffer / SharedArrayBuffer object this memory has had. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /** Free blocks below `top`, sorted by offset, never adjacent (coalesced). */
  private readonly free: Block[] = [];
  private top: number;
  /** Bytes currently held by views (not the arena). */
  private viewBytes = 0;
  /** Bytes handed out since the last request for a collection. */
  private sinceCollect = 0;
  private readonly registry = new FinalizationRegistry<Block>((b) => {
    this.viewBytes -= b.bytes;
    this.release(b.offset, b.bytes);
  });

  /**
   * @param base first byte the heap may use (below it: the thread control block)
   * @param maxPages the memory's maximum
   * @param viewLimit most bytes that views may hold at once
   * @param collectEvery bytes handed out between requests for a collection
   */
  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
    private readonly maxPages: number,
    private readonly viewLimit: number,
    private readonly collectEvery = COLLECT_EVERY,
  ) {
    this.top = alignUp(base);
    this.buffer();
  }

  /**
   * The memory's buffer now, remembered as ours: every view of the memory is made on it.
   * NOTE: V8 can replace a shared memory's `buffer` object without the memory growing (seen in
   * a process that trains on two backends in turn: a new SharedArrayBuffer of the same length).
   * A view made on an object we had not seen was not recognised as ours, and every kernel on
   * that model fell back to copies and TypeScript loops: epochs 2-3 times slower, and the
   * elementwise kernels 5-12 times.
   */
  buffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    this.buffers.add(b);
    return b;
  }

  /** Whether views of this memory stay valid when it grows (shared memory). */
  get sharesViews(): boolean {
    return typeof SharedArrayBuffer === 'function' && this.memory.buffer instanceof SharedArrayBuffer;
  }

  /** Whether `view` is a view of this memory (its byteOffset is then its wasm address). */
  owns(view: ArrayBufferView): boolean {
    return this.buffers.has(view.buffer) || view.buffer === this.buffer();
  }

  /**
   * A zeroed buffer of `length` float64 inside the memory, freed when garbage-collected; null
   * for non-shared memory, past the view limit, or when the memory cannot grow.
   */
  alloc(length: number): Float64Array | null {
    const bytes = alignUp(Math.max(1, length) * 8);
    if (!this.sharesViews) return null;
    if (this.viewBytes + bytes > this.viewLimit) {
      this.collect();
      return null;
    }
    const offset = this.reserve(bytes);
    if (offset < 0) return null;
    this.viewBytes += bytes;
    this.sinceCollect += bytes;
    if (this.sinceCollect > this.collectEvery) this.collect();
    const view = new Float64Array(this.buffer(), offset, length);
    view.fill(0);
    this.registry.register(view, { offset, bytes });
    return view;
  }

  /** Asks for a full collection, so that dead views' blocks come back (see the note above). */
  private collect(): void {
    this.sinceCollect = 0;
    collector?.();
  }

  /** A block of at least `bytes` (64-aligned), or -1 when the memory cannot grow to hold it. */
  reserve(bytes: number): number {
    bytes = alignUp(bytes);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.bytes < bytes) continue;
      const offset = b.offset;
      if (b.bytes === bytes) this.free.splice(i, 1);
      else {
        b.offset += bytes;
        b.bytes -= bytes;
      }
      return offset;
    }
    const offset = this.top;
    if (!this.ensure(offset + bytes)) return -1;
    this.top = offset + bytes;
    return offset;
  }

  /** Returns a block from reserve() (or a collected view's) to the free list. */
  release(offset: number, bytes: number): void {
    bytes = alignUp(bytes);
    if (offset + bytes === this.top) {
      this.top = offset;
      const last = this.free[this.free.length - 1];
      if (last && last.offset + last.bytes === this.top) {
        this.top = last.offset;
        this.free.pop();
      }
      return;
    }
    let i = 0;
    while (i < this.free.length && this.free[i]!.offset < offset) i++;
    const prev = this.free[i - 1];
    const next = this.free[i];
    if (prev && prev.offset + prev.bytes === offset) {
      prev.bytes += bytes;
      if (next && prev.offset + prev.bytes === next.offset) {
        prev.bytes += next.bytes;
        this.free.splice(i, 1);
      }
    } else if (next && offset + bytes === next.offset) {
      next.offset = offset;
      next.bytes += bytes;
    } else {
      this.free.splice(i, 0, { offset, bytes });
    }
  }

  /** Grows the memory to at least `bytes`; false when it cannot. */
  private ensure(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > this.maxPages) return false;
    try {
      this.memory.grow(pages);
    } catch {
      return false;
    }
    this.buffer();
    return true;
  }
}

/**
 * One block of a heap that grows when more is asked of it: to at least twice its size (so that
 * a growing sequence of requests reserves rarely), at most `cap` bytes. Growing does not keep the
 * block's contents. Used for the matmul's copy area and the per-step scratch region.
 */
export class GrowingBlock {
  /** The block's byte offset in the memory, or -1 while it holds nothing. */
  offset = -1;
  bytes = 0;

  constructor(
    private readonly heap: WasmHeap,
    private readonly cap = Infinity,
  ) {}

  /** Makes the block at least `need` bytes; false when the cap or the memory's limit prevents it. */
  grow(need: number): boolean {
    if (need <= this.bytes) return true;
    if (this.bytes >= this.cap) return false;
    if (this.offset >= 0) this.heap.release(this.offset, this.bytes);
    const want = Math.min(alignUp(Math.max(need, 2 * this.bytes)), this.cap);
    this.offset = this.heap.reserve(want);
    this.bytes = this.offset < 0 ? 0 : want;
    return this.bytes >= need;
  }
}
