/**
 * A model's summary from its safetensors header alone: the 8-byte length, the JSON header and
 * the file's size are read, never the tensor bytes, so listing a library of large models is
 * fast. Checks what can be checked without the data (the header, the tensor table against the
 * file size, the architecture against the tensor shapes) and throws "<file>: <problem>" in the
 * codec's words otherwise; opening the file later runs the full decode.
 */
import { open } from 'node:fs/promises';
import { describeArchitecture, layerSizes, parameterCount, validateArchitecture, type Architecture } from '../src-engine/architecture';
import { CHECKPOINT_FORMAT, expectedParams } from '../src-engine/checkpoint/codec';
import { MAX_HEADER_BYTES } from '../src-engine/checkpoint/safetensors';
import { checkOutcome } from '../src-engine/train/outcome';
import type { ModelSummary } from './models-contract';

const DTYPE_SIZES: Record<string, number> = { F64: 8, F32: 4 };

type HeaderSummary = Omit<ModelSummary, 'name' | 'modified' | 'bytes' | 'training'>;

/**
 * Read and check the header of a model file.
 * @param path the file (already known to be inside the models folder)
 * @param fileName prefixes every error message
 */
export async function readModelHeader(path: string, fileName: string): Promise<HeaderSummary> {
  const fail = (problem: string): never => {
    throw new Error(`${fileName}: ${problem}`);
  };
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    if (size < 8) fail(`is not a safetensors file (only ${size} bytes)`);
    const head = Buffer.alloc(8);
    await file.read(head, 0, 8, 0);
    const headerLen = head.readUInt32LE(0) + head.readUInt32LE(4) * 0x100000000;
    if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) fail(`is not a safetensors file (header length ${headerLen} is implausible)`);
    if (8 + headerLen > size) fail(`truncated (the header should be ${headerLen} bytes, file has ${size - 8} after the length)`);
    const text = Buffer.alloc(headerLen);
    await file.read(text, 0, headerLen, 8);
    if (text[0] !== 0x7b) fail('is not a safetensors file (no JSON header after the length)');
    return summarize(text, size - 8 - headerLen, fail);
  } finally {
    await file.close();
  }
}

function summarize(text: Buffer, dataBytes: number, fail: (problem: string) => never): HeaderSummary {
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text)) as Record<string, unknown>;
  } catch {
    return fail('is not a safetensors file (header is not JSON)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('is not a safetensors file (header is not a JSON object)');

  const meta: Record<string, string> = {};
  const shapes = new Map<string, number[]>();
  let tensorBytes = 0;
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (raw === null) continue;
      if (typeof raw !== 'object' || Array.isArray(raw)) fail('__metadata__ is not a JSON object');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`metadata "${k}" is not a string`);
        meta[k] = v as string;
      }
      continue;
    }
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof t !== 'object' || t === null) return fail(`tensor ${name}: entry is not a JSON object`);
    const size = DTYPE_SIZES[String(t.dtype)];
    if (!size) fail(`tensor ${name} has dtype ${String(t.dtype)}; only F64 and F32 are supported`);
    const shape = t.shape;
    const offs = t.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor ${name}: shape must be a list of non-negative integers`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0) || offs[1] < offs[0]) {
      fail(`tensor ${name}: data_offsets must be two non-negative integers`);
    }
    const need = (shape as number[]).reduce((p, d) => p * d, 1) * size;
    if ((offs as number[])[1] - (offs as number[])[0] !== need) fail(`tensor ${name}: data_offsets do not fit its shape`);
    tensorBytes = Math.max(tensorBytes, (offs as number[])[1]);
    shapes.set(name, shape as number[]);
  }
  // NOTE: the sizes are enough to catch truncation; gaps and overlaps are left to the full decode.
  if (tensorBytes > dataBytes) fail(`truncated (header says ${tensorBytes} bytes of tensors, file has ${dataBytes})`);
  if (tensorBytes < dataBytes) fail(`${dataBytes - tensorBytes} unexpected bytes after the last tensor`);

  if (meta.format !== undefined && meta.format !== CHECKPOINT_FORMAT) {
    const newer = /^scratchnet\.checkpoint\/(\d+)$/.exec(meta.format);
    fail(newer && Number(newer[1]) > 1 ? `was written by a newer Scratchnet (format ${meta.format})` : `unknown format "${meta.format}" (expected ${CHECKPOINT_FORMAT})`);
  }
  if (meta.architecture === undefined) fail(meta.format ? 'no architecture metadata' : 'not a Scratchnet model (no "architecture" metadata)');
  let arch: Architecture;
  try {
    const a: unknown = JSON.parse(meta.architecture);
    validateArchitecture(a);
    arch = a;
  } catch (e) {
    return fail(e instanceof SyntaxError ? 'architecture metadata is not valid JSON' : (e as Error).message);
  }
  for (const [name, shape] of expectedParams(arch)) {
    const got = shapes.get(name);
    if (!got) fail(`missing tensor ${name}`);
    else if (got.join(',') !== shape.join(',')) fail(`tensor ${name} has shape [${got.join(', ')}] (expected [${shape.join(', ')}])`);
  }

  const history = parseList(meta.history);
  const accuracy = history.map((h) => (typeof h?.test_accuracy === 'number' ? h.test_accuracy : NaN));
  const finite = accuracy.filter(Number.isFinite);
  const training = parseObject(meta.training);
  const dataset = parseObject(meta.dataset);
  const config = training && typeof training.config === 'object' ? (training.config as Record<string, unknown> | null) : null;
  return {
    created: meta.created ?? '',
    architecture: describeArchitecture(arch),
    sizes: layerSizes(arch),
    parameters: parameterCount(arch),
    dataset: typeof dataset?.name === 'string' ? dataset.name : null,
    epochs: typeof training?.epoch === 'number' ? training.epoch : history.length,
    bestTestAccuracy: finite.length ? Math.max(...finite) : null,
    accuracy,
    resumable: training !== null,
    plannedEpochs: typeof config?.epochs === 'number' ? config.epochs : null,
    schedule: typeof config?.schedule === 'string' ? config.schedule : null,
    outcome: readOutcome(meta.outcome),
  };
}

/** The run's outcome from metadata, null when absent or unreadable (the full decode will say why). */
function readOutcome(text: string | undefined): ModelSummary['outcome'] {
  try {
    return text === undefined ? null : checkOutcome(JSON.parse(text));
  } catch {
    return null;
  }
}

/** A JSON list of objects from metadata, [] when absent or unreadable (the full decode will say why). */
function parseList(text: string | undefined): ({ test_accuracy?: unknown } | null)[] {
  try {
    const v: unknown = text === undefined ? [] : JSON.parse(text);
    return Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? (x as { test_accuracy?: unknown }) : null)) : [];
  } catch {
    return [];
  }
}

function parseObject(text: string | undefined): Record<string, unknown> | null {
  try {
    const v: unknown = text === undefined ? null : JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
