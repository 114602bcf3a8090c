/**
 * Turns dataset bytes into network input one batch at a time: the kernels gather the batch's
 * images from the dataset's bytes and scale them into a Float64Array allocated once (in the
 * kernels' memory), so an epoch of 60000 images allocates nothing.
 */
import { kernels, placedBytes, stateBuffer } from '../kernels/kernels';
import type { Random } from '../random';
import type { Augmenter } from './augment';
import type { Dataset } from './dataset';

export interface Batch {
  /** [n, rows·cols] normalised pixels; a view of the Batcher's buffer, overwritten by the next fill */
  x: Float64Array;
  /** [n] labels; a view, overwritten by the next fill */
  labels: Uint8Array;
  n: number;
}

export class Batcher {
  readonly pixels: number;
  private readonly x: Float64Array;
  private readonly labels: Uint8Array;
  /** The batch's image bytes, gathered (for augmentation); `bytesOwner` is the buffer they are a view of. */
  private readonly bytes: Uint8Array;
  private readonly bytesOwner: Float64Array;
  /** The batch's image indices, for the kernels' gather; `rowsOwner` is the buffer they are a view of. */
  private readonly rows: Uint32Array;
  private readonly rowsOwner: Float64Array;
  /** Distorts each image as it is gathered (training batches only), keyed by `epoch` and the image's index. */
  augmenter: Augmenter | null = null;
  /** The 0-based epoch whose batches are being filled (keys the augmentation). */
  epoch = 0;

  /**
   * @param ds the images to draw from
   * @param scale multiplies each byte, e.g. 1/255
   * @param batchSize the largest batch that fill() is asked for
   */
  constructor(
    readonly ds: Dataset,
    readonly scale: number,
    readonly batchSize: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    if (!Number.isFinite(scale)) throw new Error(`input scale must be a finite number, got ${scale}`);
    this.pixels = ds.rows * ds.cols;
    this.x = stateBuffer(batchSize * this.pixels); // in the kernels' memory: the first layer reads it in place
    this.labels = new Uint8Array(batchSize);
    // NOTE: bytes inside a stateBuffer(), so that wasm kernels read them in place; the
    // Float64Array is kept because only the array stateBuffer() returned holds its memory.
    this.bytesOwner = stateBuffer(Math.ceil((batchSize * this.pixels) / 8));
    this.bytes = new Uint8Array(this.bytesOwner.buffer, this.bytesOwner.byteOffset, batchSize * this.pixels);
    this.rowsOwner = stateBuffer(Math.ceil(batchSize / 2));
    this.rows = new Uint32Array(this.rowsOwner.buffer, this.rowsOwner.byteOffset, batchSize);
  }

  /**
   * Fill the batch with the images indices[start .. start + count).
   * @param indices image indices, e.g. an epochOrder()
   * @returns x [count, pixels] and labels [count]: full buffers, or subarrays for a short batch
   */
  fill(indices: Uint32Array, start: number, count: number): Batch {
    if (count < 1 || count > this.batchSize) throw new Error(`batch of ${count} does not fit batch size ${this.batchSize}`);
    if (start < 0 || start + count > indices.length) {
      throw new Error(`batch [${start}, ${start + count}) is outside the ${indices.length} indices`);
    }
    const { images, labels } = this.ds;
    const p = this.pixels;
    const whole = count === this.batchSize;
    const x = whole ? this.x : this.x.subarray(0, count * p);
    for (let r = 0; r < count; r++) {
      const idx = indices[start + r];
      if (idx >= this.ds.count) throw new Error(`image index ${idx} is outside the dataset (${this.ds.count} images)`);
    }
    for (let r = 0; r < count; r++) {
      const idx = indices[start + r];
      this.rows[r] = idx;
      this.labels[r] = labels[idx];
    }
    // (an augmenter distorts each image as it is copied here, so it needs no copy in the kernels)
    const placed = this.augmenter ? images : placedBytes(images);
    if (placed === images) {
      for (let r = 0; r < count; r++) {
        const idx = this.rows[r];
        if (this.augmenter) this.augmenter.apply(images.subarray(idx * p, idx * p + p), this.bytes.subarray(r * p, r * p + p), this.epoch, idx);
        else this.bytes.set(images.subarray(idx * p, idx * p + p), r * p);
      }
      kernels().scaleBytes(whole ? this.bytes : this.bytes.subarray(0, count * p), x, this.scale);
    } else {
      // NOTE: the kernels fetch the images from their own copy of the dataset, all of an image's
      // cache lines at once and on every thread: the images are scattered over more bytes than
      // the CPU's caches hold, and copying them here one after another waited on memory. W's
      // batch of 64 took 42 µs here, 14 µs in the kernels on two threads (medians in training).
      kernels().gatherScaled(placed, p, whole ? this.rows : this.rows.subarray(0, count), x, this.scale);
    }
    return whole ? { x, labels: this.labels, n: count } : { x, labels: this.labels.subarray(0, count), n: count };
  }
}

/** Image order of one epoch: 0..count-1 shuffled by `random` (Fisher-Yates). @returns [count] */
export function epochOrder(count: number, random: Random): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  random.shuffle(order);
  return order;
}

/** Indices 0..count-1 in order (for evaluation). @returns [count] */
export function sequentialOrder(count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}
