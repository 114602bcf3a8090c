import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from '../protocol';
import { DEFAULT_CONFIG } from '../train/config';
import { encodeCheckpoint } from '../checkpoint/codec';
import { EngineService } from '../service/engine-service';
import { modelCheckpoint } from '../checkpoint/layout';
import { prepareData, Trainer } from '../train/trainer';
import type { Backend } from '../kernels/backends';
import { setKernels } from '../kernels/kernels';
import { disposeBackends } from '../kernels/threads/node-backends';
import { backends } from './backend';
import { evaluationSeconds } from './bench-evaluation';
import { type Contender, type PairedRatio, pairedRatio, roundOrder, runRounds } from './bench-rounds';
import { appSteadyEpoch, cliSteadyEpoch, laterEpochs, type SteadyEpoch } from './bench-user';
import { type Flags, numberFlag, UsageError } from './cli-args';
import { loadDataset, mnistDataDir } from './dataset-files';

/**
 * The standard workloads: one epoch of the full MNIST, plain SGD lr 0.1. W and W2 are the
 * learners' networks; the 800-wide ones are where the accuracy presets live (Simard's 784-800-10).
 */
export const WORKLOADS: Record<string, { layers: number[]; batch: number }> = {
  W: { layers: [784, 128, 10], batch: 64 },
  W2: { layers: [784, 256, 128, 10], batch: 128 },
  '800b32': { layers: [784, 800, 10], batch: 32 },
  '800b128': { layers: [784, 800, 10], batch: 128 },
  '800x2b32': { layers: [784, 800, 800, 10], batch: 32 },
  '800x2b128': { layers: [784, 800, 800, 10], batch: 128 },
};

/** The kinds of rows `--rows` chooses from (all by default). */
const ROW_KINDS = ['engine', 'cli', 'app', 'numpy', 'torch'] as const;
type RowKind = (typeof ROW_KINDS)[number];

interface Row {
  workload: string;
  backend: string;
  seconds: number;
  samples_per_second: number;
  test_accuracy: number;
  /** Dense-equivalent GFLOP/s: what a dense implementation would compute, per second. */
  gflops: number;
  /** The row's epoch seconds in each round (null where it was not measured); the row is the fastest. */
  round_seconds?: (number | null)[];
}

/**
 * Floating-point operations of one training sample done densely: the forward product and the
 * weight gradient of every layer (2·in·out each) and the input gradient of every layer but the
 * first (the images need none). Skipping zero pixels does less than this; the figure compares
 * backends on the same work.
 */
export function denseFlopsPerSample(layers: readonly number[]): number {
  let flops = 0;
  for (let l = 0; l + 1 < layers.length; l++) flops += 2 * layers[l]! * layers[l + 1]! * (l === 0 ? 2 : 3);
  return flops;
}

function benchConfig(w: { layers: number[]; batch: number }): TrainConfig {
  return { ...DEFAULT_CONFIG, hidden: w.layers.slice(1, -1), optimizer: 'sgd', lr: 0.1, momentum: 0, schedule: 'constant', batch: w.batch, epochs: 1, seed: 1 };
}

/** A trainer of a workload's recipe on all of MNIST, with the installed kernels, for `epochs` epochs. */
function benchTrainer(name: string, epochs = 1): Trainer {
  const config = { ...benchConfig(WORKLOADS[name]), epochs };
  const { train, test } = loadDataset({ kind: 'mnist' });
  return new Trainer(config, prepareData(config, train, test), () => performance.now());
}

/** The last model runEngine trained on W (for the digit pad's latency). */
let trainedW: Trainer | null = null;

/** One epoch of a workload with the installed kernels (health measured as in the app, unless told not to). */
function runEngine(name: string, backend: string, health = true, healthTime?: { seconds: number }): Row {
  const t = benchTrainer(name);
  if (!health) t.health = null;
  else if (healthTime && t.health) {
    // the measurements' own time, to set against the epoch's
    const h = t.health;
    for (const method of ['observe', 'afterStep'] as const) {
      const f = h[method].bind(h) as (...a: unknown[]) => void;
      (h as unknown as Record<string, unknown>)[method] = (...a: unknown[]) => {
        const t0 = performance.now();
        f(...a);
        healthTime.seconds += (performance.now() - t0) / 1000;
      };
    }
  }
  while (!t.trainBatch().epochEnded);
  const m = t.finishEpoch();
  if (name === 'W') trainedW = t;
  return withGflops({ workload: name, backend, seconds: m.seconds, samples_per_second: m.samples_per_second, test_accuracy: m.test_accuracy });
}

/**
 * A few dozen steps with the installed kernels before the rounds, so that the first round's engine
 * rows do not carry the process's own warm-up (compiling the autograd's code) that later rounds skip.
 */
function warmUp(name: string): void {
  const t = benchTrainer(name);
  for (let i = 0; i < 50; i++) t.trainBatch();
}

function withGflops(r: Omit<Row, 'gflops'>): Row {
  return { ...r, gflops: (denseFlopsPerSample(WORKLOADS[r.workload].layers) * r.samples_per_second) / 1e9 };
}

/** A Python reference's environment: no thread pins of the machine's, `threads` BLAS threads when given. */
function pythonEnv(threads?: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // NOTE: these pins (set on some machines for old OpenBLAS builds) slow a current numpy.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (threads !== undefined) {
    env.OPENBLAS_NUM_THREADS = String(threads);
    env.OMP_NUM_THREADS = String(threads);
  }
  return env;
}

/** Runs a reference script for `epochs` epochs; its JSON line, or why it was skipped. */
function runPython<T>(python: string, script: string, name: string, epochs: number, extra: string[], threads?: number): T | string {
  const path = join(process.cwd(), 'bench', script);
  if (!existsSync(path)) return `bench/${script} not found (run from the repository root)`;
  const w = WORKLOADS[name];
  const args = [path, '--data', mnistDataDir(), '--layers', w.layers.join(','), '--batch', String(w.batch), '--epochs', String(epochs), ...extra];
  const r = spawnSync(python, args, { encoding: 'utf8', env: pythonEnv(threads) });
  if (r.error || r.status !== 0) return r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

/** A reference script's row: the epochs after the first, as ours (laterEpochs). */
function referenceRow(name: string, backend: string, j: { epoch_seconds: number[]; test_accuracy: number }): Row {
  const seconds = laterEpochs(j.epoch_seconds);
  return withGflops({ workload: name, backend, seconds, samples_per_second: 60000 / seconds, test_accuracy: j.test_accuracy });
}

/** The same recipe in numpy (bench/numpy_mlp.py) as a learner runs it (python3 on the PATH, its BLAS's own threads): its epochs after the first. */
function runNumpy(name: string): Row | string {
  const j = runPython<{ epoch_seconds: number[]; test_accuracy: number; numpy: string }>('python3', 'numpy_mlp.py', name, ROUND_EPOCHS, []);
  if (typeof j === 'string') return `numpy reference skipped: ${j}`;
  return referenceRow(name, `numpy ${j.numpy}`, j);
}

/** Debian's PyTorch (python3-torch with OpenBLAS), where `/usr/bin/python3 -c "import torch"` works. */
const TORCH_PYTHON = '/usr/bin/python3';

/** The PyTorch rows: float64 and float32 on 1 and 2 threads. */
const TORCH_ROWS = [['float64', 1], ['float64', 2], ['float32', 1], ['float32', 2]] as const;

/** The same recipe in PyTorch (bench/torch_mlp.py) in one dtype on `threads` threads: its epochs after the first. */
function runTorch(name: string, dtype: string, threads: number): Row | string {
  const j = runPython<{ epoch_seconds: number[]; test_accuracy: number; torch: string }>(TORCH_PYTHON, 'torch_mlp.py', name, ROUND_EPOCHS, ['--dtype', dtype, '--threads', String(threads)], threads);
  if (typeof j === 'string') return `PyTorch reference skipped: ${j}`;
  return referenceRow(name, `torch ${j.torch.replace(/a0$/, '')} ${dtype === 'float64' ? 'f64' : 'f32'} ${threads}t`, j);
}

/** The user-visible runs' epochs after the first (laterEpochs) as a row. */
function steadyRow(name: string, label: string, r: SteadyEpoch | string): Row | string {
  if (typeof r === 'string') return `${name} ${label}: ${r}`;
  return withGflops({ workload: name, backend: label, seconds: r.seconds, samples_per_second: r.samples_per_second, test_accuracy: r.test_accuracy });
}

/**
 * Epochs the command line, the app, numpy and PyTorch each run per round: the first warms up,
 * the others are measured (laterEpochs).
 */
const ROUND_EPOCHS = 3;

/** A paired ratio as the JSON output gives it: row a's epoch ÷ row b's, by round. */
interface PairedRow extends PairedRatio {
  workload: string;
  of: string;
  over: string;
}

/**
 * `npm run bench`: seconds per epoch, samples/s and dense-equivalent GFLOP/s of every workload:
 * the engine's epoch with the fastest single-threaded and threaded kernels (`--backend NAME` or
 * `all` to choose), the epoch a user gets from the command line and from the app's engine (from
 * the second epoch on), and the same recipe in numpy and PyTorch measured in the same run; the
 * ratios to numpy and to the fastest PyTorch row. `--rows engine,cli,app,numpy,torch` picks rows.
 * Rows are measured in `--repeat` rounds (each row once a round, in an order that interleaves
 * ours and the references); each shows its fastest round, and the pairs the targets compare
 * (ours ÷ numpy, the command line ÷ numpy, the app ÷ the command line) are also given as the
 * median of their ratios by round.
 */
export async function runBench(flags: Flags, threads?: number): Promise<void> {
  const names = flags.workloads ? String(flags.workloads).split(',') : Object.keys(WORKLOADS);
  for (const n of names) if (!WORKLOADS[n]) throw new UsageError(`unknown workload "${n}" (${Object.keys(WORKLOADS).join(', ')})`);
  const kinds = flags.rows ? String(flags.rows).split(',') : [...ROW_KINDS];
  for (const k of kinds) if (!(ROW_KINDS as readonly string[]).includes(k)) throw new UsageError(`unknown row kind "${k}" (${ROW_KINDS.join(', ')})`);
  const want = (k: RowKind) => kinds.includes(k);
  const repeat = numberFlag(flags, 'repeat', true) ?? 2;
  if (repeat < 1 || repeat > 20) throw new UsageError(`--repeat must be 1 to 20 (got ${repeat})`);
  const all = await backends(threads);
  const fastestSingle = [...all].reverse().find((b) => !(b.kernels as { threads?: number }).threads);
  const chosen =
    flags.backend === 'all' ? all
    : flags.backend !== undefined ? all.filter((b) => b.name === flags.backend)
    : [...new Set([fastestSingle ?? all[0]!, all[all.length - 1]!])];
  if (!chosen.length) throw new UsageError(`unknown kernel backend "${String(flags.backend)}" (available: ${all.map((b) => b.name).join(', ')}, all)`);
  // the user-visible rows run the kernels a user gets: the fastest, on the default thread count
  const userBackend = flags.backend !== undefined && flags.backend !== 'all' ? chosen[0]! : all[all.length - 1]!;
  const userThreads = (userBackend.kernels as { threads?: number }).threads ?? 1;
  // with --health the engine rows are its own comparison (compareHealth), not rounds
  const engineInRounds = want('engine') && !flags.health;
  if (engineInRounds) {
    for (const b of chosen) {
      setKernels(b.kernels);
      warmUp(names[0]!);
    }
  }
  const rows: Row[] = [];
  const paired: PairedRow[] = [];
  const notes: string[] = [];
  const cliLabel = `command line ${userThreads}t`;
  const appLabel = `app engine ${userThreads}t`;
  process.stdout.write(`workload  backend                s/epoch   samples/s   GFLOP/s   test acc   vs numpy  vs torch\n`);
  for (const n of names) {
    const config = benchConfig(WORKLOADS[n]);
    const engine = (b: Backend): Contender<Row> => ({
      key: `engine ${b.name}`,
      measure: () => {
        setKernels(b.kernels);
        return runEngine(n, b.name);
      },
    });
    // the engine row paired with numpy: the fastest chosen (the threaded kernels by default)
    const lead = chosen[chosen.length - 1]!;
    const leading: Contender<Row>[] = [];
    if (want('numpy')) leading.push({ key: 'numpy', measure: () => runNumpy(n) });
    if (engineInRounds) leading.push(engine(lead));
    if (want('cli')) leading.push({ key: 'cli', measure: () => steadyRow(n, cliLabel, cliSteadyEpoch(config, WORKLOADS[n].layers, ROUND_EPOCHS, userThreads)) });
    if (want('app')) {
      leading.push({
        key: 'app',
        measure: async () => {
          setKernels(userBackend.kernels);
          return steadyRow(n, appLabel, await appSteadyEpoch(config, ROUND_EPOCHS, true));
        },
      });
    }
    const otherEngines = engineInRounds ? chosen.slice(0, -1).reverse().map(engine) : [];
    const torchRows = want('torch') ? TORCH_ROWS.map(([dtype, t]): Contender<Row> => ({ key: `torch ${dtype} ${t}t`, measure: () => runTorch(n, dtype, t) })) : [];
    const order = roundOrder(leading, otherEngines, torchRows);
    const result = await runRounds(order, repeat);
    notes.push(...result.notes);
    const bestOf = (key: string): Row | null => {
      const r = result.best.get(key);
      return r ? { ...r, round_seconds: result.rounds.get(key)!.map((x) => x?.seconds ?? null) } : null;
    };
    const numpyRef = bestOf('numpy');
    const torchBest = torchRows.map((c) => bestOf(c.key)).filter((r): r is Row => r !== null);
    const fastestTorch = torchBest.reduce<Row | null>((a, b) => (!a || b.seconds < a.seconds ? b : a), null);
    const ours = [...(engineInRounds ? chosen.map((b) => bestOf(`engine ${b.name}`)) : []), bestOf('cli'), bestOf('app')].filter((r): r is Row => r !== null);
    if (flags.health && want('engine')) {
      for (const b of chosen) {
        setKernels(b.kernels);
        compareHealth(n, b.name, repeat, numpyRef, rows);
      }
    }
    for (const r of ours) print(r, numpyRef, fastestTorch);
    rows.push(...ours, ...torchBest);
    if (numpyRef) {
      rows.push(numpyRef);
      print(numpyRef, null, null);
    }
    for (const r of torchBest) print(r, numpyRef, null);
    const pair = (a: string, b: string, of: string, over: string): void => {
      const p = pairedRatio(result.rounds.get(a), result.rounds.get(b));
      if (!p) return;
      paired.push({ workload: n, of, over, ...p });
      process.stdout.write(`          ${of} ÷ ${over}, paired by round: ${p.median.toFixed(2)} (rounds: ${p.rounds.map((x) => x.toFixed(2)).join(', ')})\n`);
    };
    pair(`engine ${lead.name}`, 'numpy', lead.name, 'numpy');
    // The targets are about the epochs a user gets: the command line's from the second on against numpy's.
    pair('cli', 'numpy', cliLabel, 'numpy');
    pair('app', 'cli', appLabel, cliLabel);
  }
  if (trainedW) {
    const pad = digitPadLatency(trainedW);
    process.stdout.write(`digit pad (W's model, in the engine): prediction ${pad.predict.toFixed(3)} ms, with saliency ${pad.saliency.toFixed(3)} ms (median of 200 test digits)\n`);
    trainedW = null;
  }
  setKernels(userBackend.kernels);
  const ev = evaluationSeconds(repeat);
  process.stdout.write(`evaluation (784-800-10, ${ev.count} test digits, confusion matrix and galleries, in the engine, ${userBackend.name}): ${ev.seconds.toFixed(3)} s (${ev.cpuSeconds.toFixed(3)} s of CPU)\n`);
  disposeBackends(all);
  for (const note of notes) process.stdout.write(note + '\n');
  const list = Object.entries(WORKLOADS).filter(([k]) => names.includes(k)).map(([k, w]) => `${k} = ${w.layers.join('-')} batch ${w.batch}`).join('; ');
  process.stdout.write(
    `${list}; SGD lr 0.1, one epoch of 60,000, float64 unless said;\n` +
      `best of ${repeat} round${repeat === 1 ? '' : 's'}: in each round every row is measured once, in this order: numpy, ours (fastest kernels), command line, app, then PyTorch rows alternating with our other kernels; each row shows its fastest round\n` +
      `(ours: one epoch in this process, after a warm-up of 50 steps; command line, app, numpy and PyTorch: the mean of epochs 2 to ${ROUND_EPOCHS} of ${ROUND_EPOCHS}, the first warms up; numpy and PyTorch in a new python process each round);\n` +
      `paired by round = the median over rounds of the two rows' epoch ratio in the same round, measured seconds apart, so the machine's drift in speed between rounds cancels;\n` +
      `command line = \`npm run cli -- train\` in its own process, its printed epoch seconds; app engine = the engine service as the app drives it (events serialised, Weights view polling, health);\n` +
      `ratio = our s/epoch ÷ numpy's, and ÷ the fastest PyTorch row's; GFLOP/s = dense-equivalent (forward and weight gradients of every layer, input gradients past the first; zero pixels skipped still count)\n`,
  );
  if (flags.json) process.stdout.write(JSON.stringify({ rows, paired }) + '\n');
}

/**
 * `--health`: the cost of measuring training health. Runs with and without it alternate, so both
 * meet the same load on a shared machine; the best of each is compared.
 */
function compareHealth(name: string, backend: string, repeat: number, ref: Row | null, rows: Row[]): void {
  let on: Row | null = null;
  let off: Row | null = null;
  let cpuOn = Infinity;
  let cpuOff = Infinity;
  let ownShare = Infinity;
  // NOTE: CPU time as well as wall time: on a loaded machine the wall clock counts other
  // processes' turns, the process's own CPU time much less so.
  const cpu = (f: () => Row): [Row, number] => {
    const c0 = process.cpuUsage();
    const r = f();
    const c = process.cpuUsage(c0);
    return [r, (c.user + c.system) / 1e6];
  };
  for (let i = 0; i < repeat; i++) {
    const own = { seconds: 0 };
    const [a, ca] = cpu(() => runEngine(name, `${backend} +health`, true, own));
    ownShare = Math.min(ownShare, own.seconds / a.seconds);
    const [b, cb] = cpu(() => runEngine(name, `${backend} no health`, false));
    if (!on || a.seconds < on.seconds) on = a;
    if (!off || b.seconds < off.seconds) off = b;
    cpuOn = Math.min(cpuOn, ca);
    cpuOff = Math.min(cpuOff, cb);
  }
  rows.push(on!, off!);
  print(off!, ref, null);
  print(on!, ref, null);
  const blocks = blockComparison(name, repeat);
  const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)}%`;
  process.stdout.write(
    `          health's own measuring takes ${(ownShare * 100).toFixed(2)}% of the epoch; blocks of ${blocks.every} steps alternating with and without it: median ${blocks.on.toFixed(2)} ms vs ${blocks.off.toFixed(2)} ms (${pct(blocks.on, blocks.off)}, ${blocks.count} blocks each);\n          whole epochs: it costs ${pct(on!.seconds, off!.seconds)} of the wall time, ${pct(cpuOn, cpuOff)} of the CPU time (${cpuOff.toFixed(2)} s -> ${cpuOn.toFixed(2)} s, epoch and test evaluation) on ${name} with ${backend} (best of ${repeat} each, alternating)\n`,
  );
}

/**
 * The steadiest measure on a shared machine: one run whose blocks of `every` steps (each with one
 * measurement when on) alternate between health on and off, so both meet the same load within
 * milliseconds of each other; the medians of their times are compared.
 */
function blockComparison(name: string, epochs: number): { every: number; on: number; off: number; count: number } {
  const t = benchTrainer(name, epochs);
  const monitor = t.health!;
  const every = monitor.every;
  const on: number[] = [];
  const off: number[] = [];
  let block = 0;
  while (!t.finished) {
    const measuring = block % 2 === 0;
    t.health = measuring ? monitor : null;
    const t0 = performance.now();
    let ended = false;
    for (let i = 0; i < every && !ended; i++) ended = t.trainBatch().epochEnded;
    const ms = performance.now() - t0;
    if (ended) {
      t.finishEpoch();
      block = 0; // a short last block is not compared; the next epoch starts on a measured step
      continue;
    }
    (measuring ? on : off).push(ms);
    block++;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  return { every, on: median(on), off: median(off), count: Math.min(on.length, off.length) };
}

/**
 * What the digit pad waits for in the engine: model:predict on a test digit, without and with
 * saliency, through the engine's own request handler (median of 200 digits, milliseconds).
 */
function digitPadLatency(t: Trainer): { predict: number; saliency: number } {
  const { test } = loadDataset({ kind: 'mnist' });
  const service = new EngineService({
    loadDataset: () => { throw new Error('not needed'); },
    clock: () => performance.now(),
    now: () => new Date().toISOString(),
    defer: () => undefined,
    emit: () => undefined,
    appVersion: 'bench',
  });
  const c = modelCheckpoint(t.model, null, null, t.history, null, new Date().toISOString(), 'bench');
  service.handle('model:load', { bytes: encodeCheckpoint(c), fileName: 'bench.safetensors' });
  const median = (saliency: boolean): number => {
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const pixels = test!.images.slice(i * 784, (i + 1) * 784);
      const t0 = performance.now();
      service.handle('model:predict', { pixels, saliency });
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[100]!;
  };
  median(true); // warm up
  return { predict: median(false), saliency: median(true) };
}

function print(r: Row, ref: Row | null, torch: Row | null): void {
  const ratio = (x: Row | null) => (x ? `${(r.seconds / x.seconds).toFixed(2)}x` : '');
  process.stdout.write(
    `${r.workload.padEnd(9)} ${r.backend.padEnd(21)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(r.samples_per_second).toString().padStart(11)} ${r.gflops.toFixed(1).padStart(9)}   ${(r.test_accuracy * 100).toFixed(2).padStart(6)}%   ${ratio(ref).padStart(7)}  ${ratio(torch).padStart(7)}\n`,
  );
}
