/**
 * The Scratchnet checkpoint <-> bytes: one safetensors file holding the parameters (PyTorch
 * nn.Sequential names and layout), the optimizer state (`optim.<param>.<slot>`) and the JSON
 * metadata of DESIGN.md (format, architecture, training, history, dataset, created, app_version).
 * Decoding validates everything and throws "<file name>: <problem>"; it never returns a model
 * the engine cannot run.
 */
import { validateArchitecture, type Architecture, type LayerSpec } from '../architecture';
import type { DatasetMeta } from '../data/dataset-source';
import { configProblems, type TrainConfig } from '../train/config';
import type { EpochMetrics } from '../train/metrics';
import type { TrainingState } from '../train/training-state';
import {
  encodeSafetensors,
  HEADER_PREFIX_BYTES,
  parseSafetensorsHeader,
  safetensorsHeaderLength,
  type SafetensorsHeader,
  type TensorIn,
  tensorValues,
} from './safetensors';
import { checkOutcome, type RunOutcome } from '../train/outcome';

export const CHECKPOINT_FORMAT = 'scratchnet.checkpoint/1';
const FORMAT_VERSION = 1;
const OPTIM_PREFIX = 'optim.';

export interface TensorData {
  shape: number[];
  /** product(shape) values, row-major */
  data: Float64Array;
}

export interface Checkpoint {
  architecture: Architecture;
  /** "0.weight" [out, in], "0.bias" [out], "2.weight", ... (layer index = index in architecture.layers) */
  params: Map<string, TensorData>;
  /** Without the "optim." prefix: "0.weight.momentum", "0.weight.m", ...; each the shape of its parameter. */
  optimizer: Map<string, TensorData>;
  /** null for a model written by another tool (it can be used, not resumed) */
  training: TrainingState | null;
  history: EpochMetrics[];
  dataset: DatasetMeta | null;
  /** ISO date given by the caller ('' when a foreign file has none) */
  created: string;
  /** ('' when a foreign file has none) */
  appVersion: string;
  /** How the run ended (absent while it goes on, and in files that do not say). */
  outcome?: RunOutcome | null;
}

/** Parameter names and shapes an architecture needs, in layer order: "0.weight" [out, in], "0.bias" [out], ... */
export function expectedParams(arch: Architecture): Map<string, number[]> {
  const out = new Map<string, number[]>();
  arch.layers.forEach((l, i) => {
    if (l.type !== 'linear') return;
    out.set(`${i}.weight`, [l.out, l.in]);
    out.set(`${i}.bias`, [l.out]);
  });
  return out;
}

/**
 * Encode a checkpoint as safetensors bytes (F64). The same checkpoint always gives the same bytes.
 * NOTE: `training` and `dataset` keys are left out of the metadata when null; `history` is always written.
 * Throws when tensors do not fit the architecture or hold NaN/Infinity (a file we would refuse to read).
 */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  try {
    validateArchitecture(c.architecture);
    checkTensors(c.architecture, c.params, c.optimizer);
    for (const [name, t] of c.params) checkData(name, t);
    for (const [name, t] of c.optimizer) checkData(OPTIM_PREFIX + name, t);
  } catch (e) {
    throw new Error(`cannot save checkpoint: ${(e as Error).message}`);
  }
  const tensors = new Map<string, TensorIn>();
  for (const [name, t] of c.params) tensors.set(name, t);
  for (const [name, t] of c.optimizer) tensors.set(OPTIM_PREFIX + name, t);
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    architecture: JSON.stringify(c.architecture),
  };
  if (c.training) metadata.training = JSON.stringify(c.training);
  metadata.history = JSON.stringify(c.history);
  if (c.dataset) metadata.dataset = JSON.stringify(c.dataset);
  metadata.created = c.created;
  metadata.app_version = c.appVersion;
  if (c.outcome) metadata.outcome = JSON.stringify(c.outcome);
  return encodeSafetensors(tensors, metadata);
}

/** What a checkpoint's header says once checked: everything but the tensor values. */
export type CheckpointHeader = Omit<Checkpoint, 'params' | 'optimizer'>;

/**
 * Decode and validate a checkpoint.
 * NOTE: a file without `format` metadata is accepted when it has `architecture` metadata: that
 * is how another tool writes a Scratchnet-compatible model (DESIGN.md, "The architecture entry").
 * F32 tensors are widened to doubles. Absent training/history/dataset give null/[]/null.
 * @param fileName prefixes every error message
 */
export function decodeCheckpoint(bytes: Uint8Array, fileName: string): Checkpoint {
  try {
    const headerLen = safetensorsHeaderLength(bytes.subarray(0, HEADER_PREFIX_BYTES), bytes.length);
    const header = parseSafetensorsHeader(bytes.subarray(8, 8 + headerLen), bytes.length);
    const checked = checkCheckpointHeader(header);
    const values = new Map<string, TensorData>();
    for (const e of header.entries) {
      const data = tensorValues(e.dtype, bytes.subarray(header.dataStart + e.begin, header.dataStart + e.end));
      checkTensorValues(e.name, data);
      values.set(e.name, { shape: e.shape, data });
    }
    const params = new Map<string, TensorData>();
    const optimizer = new Map<string, TensorData>();
    for (const name of expectedParams(checked.architecture).keys()) params.set(name, values.get(name) as TensorData);
    for (const [name, t] of values) if (name.startsWith(OPTIM_PREFIX)) optimizer.set(name.slice(OPTIM_PREFIX.length), t);
    return { ...checked, params, optimizer };
  } catch (e) {
    // NOTE: only our own errors (plain Error) describe the file; a TypeError or RangeError is a bug
    // in this code and goes up as it is (the fuzz tests look for exactly that).
    if (!(e instanceof Error) || e.constructor !== Error) throw e;
    throw new Error(`${fileName}: ${e.message}`);
  }
}

/**
 * Check a safetensors header as a Scratchnet checkpoint: the format, the architecture, every
 * tensor's name and shape, and the training, history and dataset metadata; the tensor values are
 * left to checkTensorValues. Throws the first problem (no file name).
 * NOTE: with checkTensorValues this is the one validator of model files: decodeCheckpoint (Open,
 * Duplicate, Export, import) and the Models list (which reads the values a chunk at a time) both
 * run it, so a file the list shows as good always opens.
 */
export function checkCheckpointHeader(header: SafetensorsHeader): CheckpointHeader {
  const meta = header.metadata;
  if (meta.format !== undefined) {
    const m = /^scratchnet\.checkpoint\/(\d+)$/.exec(meta.format);
    if (!m) throw new Error(`unknown format "${meta.format}" (expected ${CHECKPOINT_FORMAT})`);
    if (Number(m[1]) > FORMAT_VERSION) throw new Error(`was written by a newer Scratchnet (format ${meta.format})`);
    if (Number(m[1]) !== FORMAT_VERSION) throw new Error(`unknown format "${meta.format}" (expected ${CHECKPOINT_FORMAT})`);
    if (meta.architecture === undefined) throw new Error('no architecture metadata');
  } else if (meta.architecture === undefined) {
    throw new Error('not a Scratchnet model (no "architecture" metadata)');
  }
  const a = parseJson(meta.architecture, 'architecture');
  validateArchitecture(a);
  const architecture: Architecture = a;

  const params = new Map<string, { shape: number[] }>();
  const optimizer = new Map<string, { shape: number[] }>();
  for (const e of header.entries) {
    if (e.name.startsWith(OPTIM_PREFIX)) optimizer.set(e.name.slice(OPTIM_PREFIX.length), e);
    else params.set(e.name, e);
  }
  checkTensors(architecture, params, optimizer);

  const t = meta.training === undefined ? null : parseJson(meta.training, 'training');
  const h = meta.history === undefined ? null : parseJson(meta.history, 'history');
  const d = meta.dataset === undefined ? null : parseJson(meta.dataset, 'dataset');
  const outcome = meta.outcome === undefined ? null : checkOutcome(parseJson(meta.outcome, 'outcome'));
  return {
    architecture,
    training: t === null ? null : checkTraining(t),
    history: h === null ? [] : checkHistory(h),
    dataset: d === null ? null : checkDataset(d),
    created: meta.created ?? '',
    appVersion: meta.app_version ?? '',
    ...(outcome ? { outcome } : {}),
  };
}

function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${key} metadata is not valid JSON`);
  }
}

function fmt(shape: number[]): string {
  return `[${shape.join(', ')}]`;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws "tensor <name> contains NaN" (or Infinity) for a value a model cannot hold. @param data a tensor's values, or some of them */
export function checkTensorValues(name: string, data: Float64Array): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) throw new Error(`tensor ${name} contains ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}`);
  }
}

/** Throws the first problem of the tensor names and shapes against the architecture (no file name). */
function checkTensors(arch: Architecture, params: Map<string, { shape: number[] }>, optimizer: Map<string, { shape: number[] }>): void {
  const expected = expectedParams(arch);
  for (const [name, shape] of expected) {
    const t = params.get(name);
    if (!t) throw new Error(`missing tensor ${name}`);
    if (!sameShape(t.shape, shape)) {
      const layer = arch.layers[Number(name.split('.')[0])] as Extract<LayerSpec, { type: 'linear' }>;
      throw new Error(`tensor ${name} has shape ${fmt(t.shape)} but architecture says linear ${layer.in}->${layer.out} (expected ${fmt(shape)})`);
    }
  }
  for (const name of params.keys()) if (!expected.has(name)) throw new Error(`unexpected tensor ${name}`);
  for (const [slot, t] of optimizer) {
    const param = [...expected.keys()].find((p) => slot.startsWith(p + '.') && slot.length > p.length + 1);
    const full = OPTIM_PREFIX + slot;
    if (!param) throw new Error(`optimizer tensor ${full} is not for a parameter of the model`);
    const shape = expected.get(param) as number[];
    if (!sameShape(t.shape, shape)) {
      throw new Error(`optimizer tensor ${full} has shape ${fmt(t.shape)} but parameter ${param} has shape ${fmt(shape)}`);
    }
  }
}

/** Throws when a tensor to save has the wrong number of values or a NaN/Infinity. */
function checkData(name: string, t: TensorData): void {
  if (t.data.length !== t.shape.reduce((p, d) => p * d, 1)) throw new Error(`tensor ${name} has ${t.data.length} values for shape ${fmt(t.shape)}`);
  checkTensorValues(name, t.data);
}

// ---- metadata validation: each throws "<path> must be ..." on the first problem ----

type Obj = Record<string, unknown>;

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${path} must be an object`);
  return v as Obj;
}

function num(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number') throw new Error(`${path}.${key} must be a number`);
  return v;
}

/** A metric that may have been NaN/Infinity when saved (JSON writes those as null): null -> NaN, in place. */
function metric(o: Obj, key: string, path: string): void {
  if (o[key] === null) o[key] = NaN;
  else num(o, key, path);
}

function int(o: Obj, key: string, path: string, min = 0): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${path}.${key} must be an integer >= ${min}`);
  return v;
}

function str(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new Error(`${path}.${key} must be a string`);
  return v;
}

function checkConfig(v: unknown): TrainConfig {
  const c = obj(v, 'training.config');
  // the same rules the form, the host and the trainer apply
  const problems = configProblems(c as Partial<TrainConfig>);
  if (problems.length) throw new Error(`training.config: ${problems[0]}`);
  return c as unknown as TrainConfig;
}

function checkTraining(v: unknown): TrainingState {
  const p = 'training';
  const t = obj(v, p);
  checkConfig(t.config);
  int(t, 'epoch', p);
  int(t, 'step', p);
  int(t, 'stepInEpoch', p);
  const rng = obj(t.epochRng, `${p}.epochRng`);
  if (!Array.isArray(rng.s) || rng.s.length !== 4 || !rng.s.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff)) {
    throw new Error(`${p}.epochRng.s must be four 32-bit unsigned integers`);
  }
  if (rng.spare !== null && typeof rng.spare !== 'number') throw new Error(`${p}.epochRng.spare must be a number or null`);
  const partial = obj(t.partial, `${p}.partial`);
  metric(partial, 'lossSum', `${p}.partial`);
  int(partial, 'correct', `${p}.partial`);
  int(partial, 'count', `${p}.partial`);
  num(partial, 'seconds', `${p}.partial`);
  num(t, 'seconds', p);
  return t as unknown as TrainingState;
}

const METRICS = ['train_loss', 'train_accuracy', 'test_loss', 'test_accuracy', 'lr', 'seconds', 'samples_per_second'] as const;

function checkHistory(v: unknown): EpochMetrics[] {
  if (!Array.isArray(v)) throw new Error('history must be a list');
  v.forEach((raw, i) => {
    const p = `history[${i}]`;
    const e = obj(raw, p);
    int(e, 'epoch', p);
    for (const k of METRICS) metric(e, k, p);
    if (e.val_loss !== undefined) metric(e, 'val_loss', p);
    if (e.val_accuracy !== undefined) metric(e, 'val_accuracy', p);
  });
  return v as EpochMetrics[];
}

function checkDataset(v: unknown): DatasetMeta {
  const d = obj(v, 'dataset');
  str(d, 'name', 'dataset');
  int(d, 'train', 'dataset');
  int(d, 'test', 'dataset');
  str(d, 'hash', 'dataset');
  if (d.baseline !== undefined && !(num(d, 'baseline', 'dataset') >= 0 && (d.baseline as number) <= 1)) {
    throw new Error('dataset.baseline must be a number from 0 to 1');
  }
  return d as unknown as DatasetMeta;
}
