import { parseArgs } from 'node:util';
import { AUGMENT_KINDS, type AugmentKind, type AugmentSettings, DEFAULT_AUGMENT } from '../data/augment';
import type { DatasetSource } from '../protocol';
import { PRESETS } from '../train/presets';

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {}

export const USAGE = `usage: npm run cli -- <command> [options]

  train     [--dataset mnist|idx:DIR|csv:FILE[,TEST]] [--layers 784,128,10] [--activation relu]
            [--loss cross_entropy|mse|bce] [--optimizer sgd|adam|adamw] [--lr 0.05]
            [--momentum 0.9] [--nesterov] [--weight-decay 0] [--schedule cosine|step|constant]
            [--batch 64] [--epochs 5] [--seed 1] [--limit N] [--validation 0.1] [--classes 3,7]
            [--augment none|affine|elastic [--shift 2] [--rotation 10] [--scale 0.1] [--shear 10]
            [--sigma 4] [--alpha 34]] [--dropout 0.2[,0.2...]] [--time-limit MINUTES]
            [--preset ${PRESETS.map((p) => p.id).join('|')}]
            [--out FILE] [--resume FILE [--stretch-schedule]] [--backend NAME] [--threads 2]
            --preset NAME: a recipe of the app's picker (other flags change it; the file names it);
            --time-limit: stop after that much training and keep the epoch with the best
            validation accuracy
            --resume FILE --epochs N: N more epochs; ending before the run's planned end, it keeps
            its schedule and stops after them, unless --stretch-schedule lays it over them instead
  eval      MODEL [--dataset ...]             accuracy, loss, confusion matrix
  predict   MODEL --images FILE.idx[.gz]      class and outputs per image (probabilities, or scores for mse)
  baseline  [--dataset ...] [--classes 3,7]   the mean-image (pixel similarity) classifier
  gradcheck [--layers 20,8,5]                 finite-difference check of every gradient
  lr-find   [the train flags]                 learning-rate range test (1e-6 to 10): the curve and suggested_lr
  bench     [--workloads W,W2,800b32,...] [--backend NAME|all] [--rows engine,cli,app,numpy,torch]
            [--repeat 2] [--health]   seconds per epoch of the standard workloads: the engine, the
            command line and the app's engine next to numpy and PyTorch, measured in the same run
            (--health: each with and without the training-health measurements, alternating)
  explain   MODEL --index N [--dataset ...] [--grads FILE.safetensors]
            one test image through the engine, op by op: the tape (op, output shape, values,
            gradient norm), the loss and the probabilities; --grads writes every parameter's
            gradient for that image and every layer's output (act.<layer>), F64
  export    MODEL --notebook F.ipynb | --onnx F.onnx [--float32] [--dataset mnist|idx:DIR]
            a Jupyter notebook (numpy, PyTorch) or an ONNX model
  exercise  list | check NAME FILE             the Build it exercises: names and signatures, or check
            your solution (JavaScript) against the engine's own op, in a sandbox

  --backend typescript|wasm-simd|wasm-relaxed-simd|wasm-...-x2 (default: the fastest here)
  --threads N  kernel threads (default 2 where there are two cores; results are identical)

  --json    print the results as one JSON object on the last line of stdout`;

const OPTIONS = {
  dataset: { type: 'string' },
  layers: { type: 'string' },
  activation: { type: 'string' },
  loss: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  nesterov: { type: 'boolean' },
  'weight-decay': { type: 'string' },
  schedule: { type: 'string' },
  batch: { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  limit: { type: 'string' },
  validation: { type: 'string' },
  classes: { type: 'string' },
  augment: { type: 'string' },
  shift: { type: 'string' },
  rotation: { type: 'string' },
  scale: { type: 'string' },
  shear: { type: 'string' },
  sigma: { type: 'string' },
  alpha: { type: 'string' },
  dropout: { type: 'string' },
  'time-limit': { type: 'string' },
  preset: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  'stretch-schedule': { type: 'boolean' },
  images: { type: 'string' },
  workloads: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  repeat: { type: 'string' },
  rows: { type: 'string' },
  health: { type: 'boolean' },
  notebook: { type: 'string' },
  onnx: { type: 'string' },
  float32: { type: 'boolean' },
  index: { type: 'string' },
  grads: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type Flags = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

/** Split argv into the command, its positional arguments and its flags. */
export function parseCommandLine(argv: string[]): { command: string; positionals: string[]; flags: Flags } {
  // NOTE: parseArgs reads "--lr -1" as two options; glue a negative number to its flag so the
  // value reaches validation and gets the specific message.
  const args = argv.map((a, i) => (/^-\d|^-\.\d/.test(a) && /^--[a-z-]+$/.test(argv[i - 1] ?? '') ? '\0' + a : a));
  const glued: string[] = [];
  for (const a of args) {
    if (a.startsWith('\0')) glued[glued.length - 1] += '=' + a.slice(1);
    else glued.push(a);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: glued, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    // node's messages are good but long; keep the first sentence
    throw new UsageError((e as Error).message.split('. ')[0].replace(/^Unknown option/, 'unknown option'));
  }
  const [command = '', ...positionals] = parsed.positionals;
  return { command, positionals, flags: parsed.values as Flags };
}

/** A number flag, checked to be finite (and an integer when asked). */
export function numberFlag(flags: Flags, name: keyof Flags, integer = false): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} (got "${String(raw)}")`);
  }
  return v;
}

/** "784,128,10" -> [784, 128, 10] */
export function listFlag(flags: Flags, name: keyof Flags): number[] | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const parts = String(raw).split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.some((p) => p === '') || nums.some((n) => !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be whole numbers separated by commas, e.g. 784,128,10 (got "${String(raw)}")`);
  }
  return nums;
}

/** --dataset mnist | idx:DIR | csv:TRAIN[,TEST] */
export function datasetFlag(flags: Flags): DatasetSource {
  const raw = flags.dataset;
  if (raw === undefined || raw === 'mnist') return { kind: 'mnist' };
  const s = String(raw);
  if (s.startsWith('idx:') && s.length > 4) return { kind: 'idx', dir: s.slice(4) };
  if (s.startsWith('csv:') && s.length > 4) {
    const [train, test] = s.slice(4).split(',');
    return test ? { kind: 'csv', train, test } : { kind: 'csv', train };
  }
  throw new UsageError(`--dataset must be mnist, idx:FOLDER or csv:FILE[,TESTFILE] (got "${s}")`);
}

/** The distortion strength flags, in the order USAGE lists them. */
export const AUGMENT_FLAGS = ['shift', 'rotation', 'scale', 'shear', 'sigma', 'alpha'] as const;

/**
 * --augment KIND and its strengths over `base` (a preset's, or none); undefined when neither is given.
 * A strength given without a distortion to apply is a mistake, said as one.
 */
export function augmentFlags(flags: Flags, base: AugmentSettings | undefined): AugmentSettings | undefined {
  const kind = flags.augment;
  if (kind !== undefined && !AUGMENT_KINDS.includes(kind as AugmentKind)) {
    throw new UsageError(`--augment must be none, affine or elastic (got "${String(kind)}")`);
  }
  const settings: AugmentSettings = { ...(base ?? DEFAULT_AUGMENT), ...(kind !== undefined ? { kind: kind as AugmentKind } : {}) };
  for (const f of AUGMENT_FLAGS) {
    const v = numberFlag(flags, f);
    if (v === undefined) continue;
    if (settings.kind === 'none') throw new UsageError(`--${f} is a distortion strength: it needs --augment affine or elastic`);
    if ((f === 'sigma' || f === 'alpha') && settings.kind !== 'elastic') throw new UsageError(`--${f} is a strength of the elastic distortion: it needs --augment elastic`);
    settings[f] = v;
  }
  return kind === undefined && !base ? undefined : settings;
}

/** --preset NAME: the preset, or a UsageError that lists the names. */
export function presetFlag(flags: Flags) {
  if (flags.preset === undefined) return undefined;
  const preset = PRESETS.find((p) => p.id === flags.preset);
  if (!preset) throw new UsageError(`--preset must be one of ${PRESETS.map((p) => p.id).join(', ')} (got "${String(flags.preset)}")`);
  return preset;
}

/** --dropout P (every hidden layer) or P1,P2,... (one per hidden layer). */
export function dropoutFlag(flags: Flags, hiddenLayers: number): number[] | undefined {
  const raw = flags.dropout;
  if (raw === undefined) return undefined;
  const parts = String(raw).split(',').map((s) => s.trim());
  const rates = parts.map(Number);
  if (parts.some((p) => p === '') || rates.some((p) => !Number.isFinite(p) || p < 0 || p >= 1)) {
    throw new UsageError(`--dropout must be probabilities from 0 up to 1, one for all hidden layers or one per hidden layer, e.g. 0.2 or 0.2,0.5 (got "${String(raw)}")`);
  }
  if (hiddenLayers === 0) throw new UsageError('--dropout needs a hidden layer to drop units of (give --layers with one, e.g. 784,800,10)');
  if (rates.length === 1) return Array.from({ length: hiddenLayers }, () => rates[0]);
  if (rates.length !== hiddenLayers) throw new UsageError(`--dropout gives ${rates.length} probabilities but there are ${hiddenLayers} hidden layers`);
  return rates;
}
