/**
 * WebAssembly SIMD kernels on several threads (Node only: worker_threads): the calling thread
 * and threads-1 workers share one WebAssembly.Memory and split each big matmul by rows of C
 * (by columns when there are few rows and B is big),
 * each big optimizer update (SGD, momentum, Adam) by runs of values, and each batch's gather
 * (gatherScaled) by images. Rows, runs and images are cut into chunks that threads claim one
 * at a time (kernels.wat run_job), so a worker that is asleep, late or descheduled never holds
 * the caller up: the caller just does more chunks itself.
 * NOTE: every element of C (and every updated value) is computed by exactly one thread with the same instructions in the
 * same order whichever thread it is, so results are bit-identical for every thread count and
 * every schedule (training stays deterministic).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MAX_KERNEL_THREADS } from '../kernels-info';
import type { Kernels } from '../interface';
import {
  CONTROL_BYTES, MAX_PAGES, WasmCore, wasmKernelsOf, bestWasmVariant, runWhole, wasmFeatures, wasmModule,
  transposeWhole, type MatmulRunner, type TransposeRunner, type WasmKernelExports, type WasmVariant,
} from '../wasm/wasm-kernels';
import { SplitGovernor } from './split-governor';

/** Options of createThreadedWasmKernels. */
export interface ThreadedKernelsOptions {
  /** Threads that share a product or an update, the caller's included (default: 2, at most the core count). */
  readonly threads?: number;
  /**
   * Products under this many dense flops (2·m·k·n) run on the calling thread alone (default
   * 50,000). NOTE: the output layer's small products (W's 64×128×10 and its gradients, about
   * 160,000) pay to split: W's epoch 9% and W2's 8% faster than at 400,000 (separate processes,
   * alternating, four and three pairs); 784-800-10 unchanged.
   */
  readonly minFlops?: number;
  /** Optimizer updates of fewer values run on the calling thread alone (default 32,768). */
  readonly minUpdate?: number;
  /** Gathered batches (gatherScaled) of fewer values run on the calling thread alone (default 8,192). */
  readonly minGather?: number;
  /** Chunks (of rows, or of values for an update) per thread in one job (default 4). */
  readonly chunksPerThread?: number;
  /**
   * When a product goes by columns of C instead of rows: when a row split would give chunks of
   * fewer than `rowsBelow` rows, C has at least `minColumns` columns, B at least `minValuesOfB`
   * values and op(A) at least a `minDensity` share of nonzeros (default 32, 256, 524,288, that is
   * 4 MiB, and 1/3; tests pass 0s and Infinity to split every product by columns).
   */
  readonly columnSplit?: { rowsBelow: number; minColumns: number; minValuesOfB: number; minDensity: number };
  /** Force a variant (default: relaxed SIMD where available). */
  readonly variant?: WasmVariant;
  /** Fill freed scratch with NaN (tests: proves no step keeps a scratch buffer). */
  readonly poisonScratch?: boolean;
  /** Busy-wait iterations of an idle worker before it sleeps (default 200,000, ~0.2 ms). */
  readonly spin?: number;
  /** Decides when splitting pays, from the products' times (default: a SplitGovernor; tests pass one that always splits). */
  readonly governor?: Pick<SplitGovernor, 'shouldSplit' | 'record'>;
}

/** Threaded kernels; dispose() stops the workers (they never keep the process alive). */
export interface ThreadedKernels extends Kernels {
  readonly threads: number;
  /** Resolves once every worker has started (until then the caller computes alone). */
  ready(): Promise<void>;
  dispose(): void;
}

// The control block, as Int32 indices (kernels.wat run_job reads the same bytes):
// - the job, from byte 0: its claim word (0-1), the chunks finished, the chunk count, the rows
//   (or values) per chunk, then the matmul's a, m (an update's value count), k, transA, b, n, c,
//   acc, lists and listsStride, and the job's kind;
// - on their own cache line, the word workers wait on, the quit flag and the failure flag;
// - from byte 128, an update's buffer pointers and flag, and from byte 160 its numbers (Float64).
const JOB = 0;
const FINISHED_AT = JOB + 2, CHUNKS_AT = JOB + 3, PER_CHUNK_AT = JOB + 4, COUNT_AT = JOB + 6, KIND_AT = JOB + 15;
const WAKE = 16, QUIT = 17, FAILED = 18;
const UPDATE_POINTERS = 32, UPDATE_FLAG = 39;
const UPDATE_NUMBERS = 20; // Float64 index: byte 160
const KIND_MATMUL = 0, KIND_SGD = 1, KIND_MOMENTUM = 2, KIND_ADAM = 3, KIND_TRANSPOSE = 4, KIND_GATHER = 5, KIND_MATMUL_COLUMNS = 6;
const STALL_MS = 10_000;

// NOTE: the worker is plain JavaScript evaluated from a string, so it runs the same under tsx,
// vitest and a bundled Electron utility process (no worker file to resolve or transpile).
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, slot, spin } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
let seen = Atomics.load(ctl, ${WAKE});
parentPort.postMessage('ready');
for (;;) {
  let seq;
  let spins = 0;
  while ((seq = Atomics.load(ctl, ${WAKE})) === seen) {
    if (++spins >= spin) { Atomics.wait(ctl, ${WAKE}, seen); spins = 0; }
  }
  seen = seq;
  if (Atomics.load(ctl, ${QUIT})) break;
  try {
    if (kernels.run_job(${JOB * 4}, seq, slot) > 0) Atomics.notify(ctl, ${FINISHED_AT});
  } catch (err) {
    Atomics.store(ctl, ${FAILED}, 1);
    Atomics.notify(ctl, ${FINISHED_AT});
  }
}
`;

/**
 * Kernels whose big products and optimizer updates use `threads` threads (the caller and
 * threads-1 workers); null without
 * WebAssembly SIMD or shared memory. Synchronous: until the workers have started, the caller
 * computes alone (same results).
 */
export function createThreadedWasmKernels(options: ThreadedKernelsOptions = {}): ThreadedKernels | null {
  const f = wasmFeatures();
  const variant = options.variant ?? bestWasmVariant();
  if (!variant || !f.sharedMemory || (variant === 'relaxed' && !f.relaxedSimd)) return null;
  const threads = Math.max(1, Math.min(MAX_KERNEL_THREADS, Math.floor(options.threads ?? Math.min(2, availableParallelism()))));
  const minFlops = options.minFlops ?? 50_000;
  const minUpdate = options.minUpdate ?? 32_768;
  const minGather = options.minGather ?? 8192;
  const chunksPerThread = Math.max(1, options.chunksPerThread ?? 4);
  const spin = options.spin ?? 200_000;
  const columnSplit = options.columnSplit ?? { rowsBelow: 32, minColumns: 256, minValuesOfB: 524_288, minDensity: 1 / 3 };

  const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  const module = wasmModule(variant, true);
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as WasmKernelExports;
  const ctl = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
  const workers: Worker[] = [];
  const started: Promise<void>[] = [];
  for (let slot = 1; slot < threads; slot++) {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, slot, spin } });
    worker.unref();
    const start = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    // NOTE: a worker that fails to start only means the caller computes every chunk itself; its
    // error is for ready() to report, never an unhandled rejection that would end the process.
    start.catch(() => undefined);
    started.push(start);
    workers.push(worker);
  }
  let seq = 0;
  const governor = options.governor ?? new SplitGovernor();

  /** Publishes the job whose fields are written, computes chunks of it here, and waits for the rest. */
  const runJob = (ex: WasmKernelExports, chunks: number): void => {
    ctl[CHUNKS_AT] = chunks;
    seq = (seq + 1) | 0;
    ex.publish(JOB * 4, seq);
    Atomics.store(ctl, WAKE, seq);
    Atomics.notify(ctl, WAKE);
    ex.run_job(JOB * 4, seq, 0);
    // Only chunks a worker is in the middle of are left: wait for them, spinning briefly, then
    // sleeping so that a preempted worker can have this core back.
    try {
      let spins = 0;
      let since = 0;
      for (;;) {
        const finished = Atomics.load(ctl, FINISHED_AT);
        if (finished === chunks) break;
        if (Atomics.load(ctl, FAILED)) throw new Error('wasm kernels: a worker thread failed');
        if (++spins < 20_000) continue;
        Atomics.wait(ctl, FINISHED_AT, finished, 1);
        const now = performance.now();
        if (since === 0) since = now;
        else if (now - since > STALL_MS) throw new Error('wasm kernels: a worker thread stalled');
      }
    } finally {
      ex.close_job(JOB * 4, seq); // before anything writes the next job's fields
    }
  };

  let view = new Float64Array(memory.buffer);
  /**
   * Whether a `share` or more of op(A)'s values look nonzero, from up to 64 of them spread over
   * it: a hidden layer's activations (half), not an image batch (a fifth). Any answer gives the
   * same bits.
   */
  const looksDense = (a: number, values: number, share: number): boolean => {
    if (share <= 0) return true;
    if (view.length * 8 < a + values * 8) view = new Float64Array(memory.buffer);
    const at = a >> 3;
    const step = Math.max(1, Math.floor(values / 64));
    let seen = 0;
    let nonzero = 0;
    for (let i = 0; i < values; i += step, seen++) if (view[at + i] !== 0) nonzero++;
    return nonzero >= share * seen;
  };

  const run: MatmulRunner = (ex, job) => {
    // NOTE: with every operand in wasm memory (nothing copied in per call), splitting pays for
    // each of W's and W2's big products, the first-layer forward included: measured on 2 cores,
    // W's forward 199 -> 143 ms an epoch and its weight gradient 258 -> 173 ms.
    const flops = 2 * job.m * job.k * job.n;
    if (threads === 1 || flops < minFlops || job.m < 2) {
      runWhole(ex, job);
      return;
    }
    const t0 = performance.now();
    if (!governor.shouldSplit()) {
      runWhole(ex, job);
      governor.record(false, performance.now() - t0, flops);
      return;
    }
    let rows = Math.ceil(job.m / (threads * chunksPerThread));
    // Few rows a chunk and a big B (a batch of 32 through 800×800 weights: chunks of 4 rows, each
    // reading all 5 MB of B from L3): split C's columns instead, so that each thread reads its
    // columns of B once for every row. Each chunk compacts all the rows again, k values a row
    // against its nonzeros × columns multiply-adds: chunks are at least 64 columns wide, and
    // images (a fifth nonzero) stay split by rows. Measured on two threads, two trainers stepped
    // in turn: 784-800-800-10 17-19% faster at batch 32 and 128; images split by columns were
    // 2-6% slower (784-800-10), and so was W2's 784×256 (B of 1.6 MB).
    // Chunks a multiple of 16 columns wide get each column the same kernel as unsplit
    // (kernels.wat $rows_plain): the same bits.
    const byColumns = rows < columnSplit.rowsBelow && job.n >= columnSplit.minColumns && job.k * job.n >= columnSplit.minValuesOfB
      && looksDense(job.a, job.m * job.k, columnSplit.minDensity);
    // Rows of op(A) go four or two at a time (kernels.wat $quad_product, $pair_product): keep
    // chunks a multiple of 4, so that the same rows go together on any number of threads.
    if (rows < job.m) rows = Math.ceil(rows / 4) * 4;
    const per = byColumns ? Math.max(64, Math.ceil(job.n / (threads * chunksPerThread) / 16) * 16) : rows;
    ctl.set([per, job.a, job.m, job.k, job.transA ? 1 : 0, job.b, job.n, job.c,
      job.accumulate ? 1 : 0, job.lists, job.listsStride, byColumns ? KIND_MATMUL_COLUMNS : KIND_MATMUL], PER_CHUNK_AT);
    runJob(ex, Math.ceil((byColumns ? job.n : job.m) / per));
    governor.record(true, performance.now() - t0, flops);
  };

  /**
   * Transposes a big B (dx = dy·Wᵀ of a wide layer) on all threads, each a run of dst's rows.
   * NOTE: at batch 32 the 800×800 transpose on one thread took as long as the product it feeds.
   */
  const transpose: TransposeRunner = (ex, src, rows, cols, dst) => {
    if (threads === 1 || rows * cols < minUpdate || cols < 2 || !governor.shouldSplit()) {
      transposeWhole(ex, src, rows, cols, dst);
      return;
    }
    // Runs of 8 dst rows, so a thread's rows start on the same column as alone.
    const per = Math.ceil(cols / (threads * chunksPerThread) / 8) * 8;
    ctl.set([per, src, cols, rows, 0, dst], PER_CHUNK_AT);
    ctl[KIND_AT] = KIND_TRANSPOSE;
    runJob(ex, Math.ceil(cols / per));
  };

  const core = new WasmCore(memory, exports, run, threads, options.poisonScratch, transpose);
  const f64 = new Float64Array(memory.buffer, 0, CONTROL_BYTES / 8);
  /**
   * Splits an optimizer update of n values (kind: KIND_SGD...) over the threads when it is big
   * and its buffers are in the memory; false when the caller should run it alone.
   * NOTE: the update is memory-bound (it streams 3 to 7 buffers the size of the parameters), and
   * two cores' caches and load ports move it faster than one.
   */
  const splitUpdate = (kind: number, n: number, buffers: Float64Array[], flag: boolean, numbers: number[]): boolean => {
    if (threads === 1 || n === 0 || n < minUpdate || !core.owns(...buffers) || !governor.shouldSplit()) return false;
    // Runs of whole cache lines (8 values), so that no two threads write the same line.
    const per = Math.ceil(n / (threads * chunksPerThread) / 8) * 8;
    ctl[PER_CHUNK_AT] = per;
    ctl[COUNT_AT] = n;
    ctl[KIND_AT] = kind;
    buffers.forEach((b, i) => (ctl[UPDATE_POINTERS + i] = b.byteOffset));
    ctl[UPDATE_FLAG] = flag ? 1 : 0;
    numbers.forEach((x, i) => (f64[UPDATE_NUMBERS + i] = x));
    runJob(exports, Math.ceil(n / per));
    return true;
  };
  const single = wasmKernelsOf(core, `${variant === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd'}-${threads}t`);
  return {
    ...single,
    // Pointer slots: w, g, buf|m, v, out, outBuf|outM, outV (kernels.wat run_chunk).
    sgdStep(w, g, out, lr, wd = 0) {
      if (!splitUpdate(KIND_SGD, w.length, [w, g, w, w, out], false, [lr, 0, wd])) single.sgdStep(w, g, out, lr, wd);
    },
    sgdMomentumStep(w, g, buf, out, outBuf, lr, mu, wd, nesterov) {
      if (!splitUpdate(KIND_MOMENTUM, w.length, [w, g, buf, w, out, outBuf], nesterov, [lr, mu, wd])) {
        single.sgdMomentumStep(w, g, buf, out, outBuf, lr, mu, wd, nesterov);
      }
    },
    adamStep(w, g, m, v, out, outM, outV, st) {
      const numbers = [st.lr, st.beta1, st.weightDecay, 1 - st.beta1, st.beta2, 1 - st.beta2, st.eps, st.c1, st.c2];
      if (!splitUpdate(KIND_ADAM, w.length, [w, g, m, v, out, outM, outV], st.decoupled, numbers)) {
        single.adamStep(w, g, m, v, out, outM, outV, st);
      }
    },
    gatherScaled(images, pixels, rows, out, scale) {
      const count = rows.length;
      // NOTE: the gather waits on memory (images scattered over a dataset bigger than L3), so two
      // threads fetch twice the images at once: W's batch of 64, 23 -> 14 µs. Fewer than two
      // images a thread are not worth a job.
      if (threads === 1 || count < 2 * threads || count * pixels < minGather || !core.owns(images, rows, out) || !governor.shouldSplit()) {
        single.gatherScaled(images, pixels, rows, out, scale);
        return;
      }
      const per = Math.ceil(count / (threads * chunksPerThread));
      ctl.set([per, images.byteOffset, count, pixels, rows.byteOffset, out.byteOffset], PER_CHUNK_AT);
      ctl[KIND_AT] = KIND_GATHER;
      f64[UPDATE_NUMBERS] = scale;
      runJob(exports, Math.ceil(count / per));
    },
    threads,
    ready: async () => {
      await Promise.all(started);
    },
    dispose() {
      Atomics.store(ctl, QUIT, 1);
      Atomics.add(ctl, WAKE, 1);
      Atomics.notify(ctl, WAKE);
      for (const worker of workers) void worker.terminate();
      workers.length = 0;
    },
  };
}
