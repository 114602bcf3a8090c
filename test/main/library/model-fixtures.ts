/** Small real checkpoints for the model library tests, trained by the engine on the 500-digit fixture. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { type Checkpoint, encodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { prepareData, Trainer } from '../../../src-engine/train/trainer';
import { CheckpointStore } from '../../../src-main/library/checkpoint-store';

/** The 500-digit MNIST fixture as a dataset source. */
export const FIXTURE_SOURCE = { kind: 'idx', dir: path.resolve('test/fixtures/mnist-500') } as const;

/** A quick config on the fixture: 784-8-10, sgd with momentum. */
export function fixtureConfig(over: Partial<TrainConfig> = {}): TrainConfig {
  return { ...DEFAULT_CONFIG, dataset: FIXTURE_SOURCE, hidden: [8], epochs: 2, batch: 50, lr: 0.05, schedule: 'constant', ...over };
}

const cache = new Map<string, Uint8Array>();

/** The checkpoint bytes of a fixture run trained to the end. */
export function trainedModel(over: Partial<TrainConfig> = {}): Uint8Array {
  const key = JSON.stringify(over);
  const hit = cache.get(key);
  if (hit) return hit;
  const config = fixtureConfig(over);
  const { train, test } = loadDataset(config.dataset);
  const t = new Trainer(config, prepareData(config, train, test), () => 0);
  while (!t.finished) if (t.trainBatch().epochEnded) t.finishEpoch();
  const bytes = encodeCheckpoint(t.checkpoint('2026-11-22T14:05:00.000Z', 'test'));
  cache.set(key, bytes);
  return bytes;
}

/** A fresh temporary folder and the function that removes it. */
export function tempDir(prefix = 'scratchnet-models-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real store for each test, in the models folder of a fresh temporary `dir` removed after it. */
export function useTempStore(): { dir: string; store: CheckpointStore } {
  const lib = {} as { dir: string; store: CheckpointStore };
  let cleanup = () => {};
  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    lib.dir = tmp.dir;
    lib.store = new CheckpointStore(path.join(tmp.dir, 'models'));
    await lib.store.init();
  });
  afterEach(() => cleanup());
  return lib;
}

/** Everything of a checkpoint that must match bit for bit between two runs (not the wall-clock seconds). */
export function checkpointEssence(c: Checkpoint) {
  const tensors = (m: Map<string, { data: Float64Array }>) => Object.fromEntries([...m].map(([k, t]) => [k, Buffer.from(t.data.buffer).toString('base64')]));
  const t = c.training!;
  return {
    params: tensors(c.params),
    optimizer: tensors(c.optimizer),
    training: { epoch: t.epoch, step: t.step, stepInEpoch: t.stepInEpoch, epochRng: t.epochRng, config: t.config },
    history: c.history.map(({ seconds: _s, samples_per_second: _r, ...m }) => m),
  };
}
