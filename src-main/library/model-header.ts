/**
 * A model file checked and summarised for the Models list, without holding it in memory: the
 * engine's own parser and checks (checkpoint/safetensors.ts and codec.ts, the ones Open runs)
 * read the header, then the tensor values a megabyte at a time. So a file the list shows as good
 * always opens, and a broken one is listed with the words Open would use: "<file>: <problem>".
 */
import { open, type FileHandle } from 'node:fs/promises';
import { describeArchitecture, layerSizes, parameterCount } from '../../src-engine/architecture';
import { checkCheckpointHeader, checkTensorValues } from '../../src-engine/checkpoint/codec';
import { HEADER_PREFIX_BYTES, parseSafetensorsHeader, safetensorsHeaderLength, tensorValues } from '../../src-engine/checkpoint/safetensors';
import { intoEpochOf } from '../../src-engine/train/training-state';
import type { ModelSummary } from './models-contract';

type HeaderSummary = Omit<ModelSummary, 'name' | 'modified' | 'bytes' | 'training'>;

/** Values checked per read: a multiple of 8 bytes, so F64 and F32 values are never split. */
const CHUNK_BYTES = 1 << 20;

/**
 * Check a model file as Open would, and summarise it.
 * @param path the file (already known to be inside the models folder)
 * @param fileName prefixes every error message
 */
export async function checkModelFile(path: string, fileName: string): Promise<HeaderSummary> {
  const file = await open(path, 'r');
  try {
    return await checkOpenFile(file, fileName);
  } finally {
    await file.close();
  }
}

async function checkOpenFile(file: FileHandle, fileName: string): Promise<HeaderSummary> {
  try {
    const size = (await file.stat()).size;
    const headerLen = safetensorsHeaderLength(await readAt(file, 0, Math.min(size, HEADER_PREFIX_BYTES)), size);
    const header = parseSafetensorsHeader(await readAt(file, 8, headerLen), size);
    const checked = checkCheckpointHeader(header);
    for (const e of header.entries) {
      for (let at = e.begin; at < e.end; at += CHUNK_BYTES) {
        const bytes = await readAt(file, header.dataStart + at, Math.min(CHUNK_BYTES, e.end - at));
        checkTensorValues(e.name, tensorValues(e.dtype, bytes));
      }
    }
    const { architecture, training, history, dataset } = checked;
    const accuracy = history.map((h) => h.test_accuracy);
    let best: number | null = null;
    // NOTE: a loop, not Math.max(...accuracy): a long history would overflow the call stack
    for (const a of accuracy) if (Number.isFinite(a) && (best === null || a > best)) best = a;
    return {
      created: checked.created,
      architecture: describeArchitecture(architecture),
      sizes: layerSizes(architecture),
      parameters: parameterCount(architecture),
      dataset: dataset?.name ?? null,
      epochs: training?.epoch ?? history.length,
      intoEpoch: intoEpochOf(training, dataset),
      bestTestAccuracy: best,
      accuracy,
      resumable: training !== null,
      plannedEpochs: training?.config.epochs ?? null,
      schedule: training?.config.schedule ?? null,
      loss: architecture.loss,
      recipe: training?.config ?? null,
      datasetSize: dataset ? { train: dataset.train, test: dataset.test } : null,
      baselineAccuracy: dataset?.baseline ?? null,
      outcome: checked.outcome ?? null,
    };
  } catch (e) {
    // the same rule as decodeCheckpoint: our own errors describe the file, anything else is a bug
    if (!(e instanceof Error) || e.constructor !== Error) throw e;
    throw new Error(`${fileName}: ${e.message}`);
  }
}

/** `length` bytes from `position`; fewer only when the file ends first. */
async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await file.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}
