/**
 * Resume through the model library with the real engine worker in a real child process: a run
 * autosaved after 2 epochs, the engine closed, the file opened again and trained 1 more epoch is
 * bit-identical to 3 epochs straight; so is a run stopped mid-epoch and continued from its file.
 */
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import type { TrainConfig } from '../../../src-engine/protocol';
import { Autosaver } from '../../../src-main/library/autosave';
import { CheckpointStore } from '../../../src-main/library/checkpoint-store';
import { EngineHost, type HostEvent } from '../../../src-main/host/engine-host';
import { childSpawner } from '../../../src-main/web/spawn-child';
import { checkpointEssence, fixtureConfig, tempDir } from './model-fixtures';

const WORKER = path.resolve(import.meta.dirname, '../../../src-engine/worker.ts');
const tmp = tempDir('scratchnet-resume-');
afterAll(() => tmp.cleanup());

let hosts: EngineHost[] = [];
afterEach(() => {
  hosts.forEach((h) => h.dispose());
  hosts = [];
});

/** A fresh engine process whose checkpoints autosave into `store`. */
function engine(store: CheckpointStore) {
  const host = new EngineHost(childSpawner(WORKER, { execArgv: ['--import', 'tsx'] }), { log: () => {} });
  hosts.push(host);
  const autosave = new Autosaver(store);
  const waiters: { test: (e: HostEvent) => boolean; resolve: () => void }[] = [];
  host.onEvent((e) => {
    autosave.handle(e);
    for (const w of [...waiters]) if (w.test(e)) waiters.splice(waiters.indexOf(w), 1), w.resolve();
  });
  const until = (test: (e: HostEvent) => boolean) => new Promise<void>((resolve) => waiters.push({ test, resolve }));
  /** Train (into the model `into`, else a new one) and wait until the run is over and its last checkpoint is on disk. */
  const run = async (config: TrainConfig, resume?: Uint8Array, into: string | null = null) => {
    const done = until((e) => e.type === 'done');
    await autosave.startRun(into, () => host.call('train:start', resume ? { config, resume } : { config }));
    await done;
    await autosave.flush();
  };
  return { host, autosave, until, run };
}


describe('resume through the model library (real worker process)', () => {
  it('2 epochs, engine closed, reopened from the file, +1 epoch == 3 epochs straight', async () => {
    const store = new CheckpointStore(path.join(tmp.dir, 'a'));
    await store.init();
    const config = fixtureConfig({ hidden: [16], batch: 32, momentum: 0.9, seed: 5 });

    const first = engine(store);
    await first.run({ ...config, epochs: 2 });
    const name = first.autosave.lastName!;
    expect(name).toMatch(/^mnist-500-784-16-10-\d{4}-\d\d-\d\d-\d{4}$/);
    first.host.dispose();

    const second = engine(store);
    const { bytes, checkpoint } = await store.load(name);
    expect(checkpoint.training!.epoch).toBe(2);
    await second.run({ ...checkpoint.training!.config, epochs: 3 }, bytes, name);
    const resumed = (await store.load(name)).checkpoint;
    expect((await store.list()).models.map((m) => [m.name, m.epochs])).toEqual([[name, 3]]);

    const straightStore = new CheckpointStore(path.join(tmp.dir, 'b'));
    const straight = engine(straightStore);
    await straight.run({ ...config, epochs: 3 });
    const reference = (await straightStore.load(straight.autosave.lastName!)).checkpoint;

    expect(resumed.history).toHaveLength(3);
    expect(checkpointEssence(resumed)).toEqual(checkpointEssence(reference));
  });

  it('a run stopped mid-epoch is on disk, and continuing it from the file == the run never stopped', async () => {
    const store = new CheckpointStore(path.join(tmp.dir, 'c'));
    await store.init();
    // NOTE: an epoch of 10,000 tiny steps (20,000 MNIST images, batch 2) lasts long enough that a
    // stop sent on an early batch event of epoch 2 lands inside that epoch, however fast the kernels.
    const config = fixtureConfig({ dataset: { kind: 'mnist' }, limit: 20_000, hidden: [16], batch: 2, epochs: 2, seed: 9, optimizer: 'adam', lr: 0.001, momentum: 0 });

    const first = engine(store);
    const midEpoch = first.until((e) => e.type === 'batch' && e.epoch === 2 && e.stepInEpoch > 0 && e.stepInEpoch < e.stepsPerEpoch / 2);
    await first.host.call('train:start', { config });
    await midEpoch;
    await first.host.call('train:stop', {});
    await first.autosave.flush();
    const name = first.autosave.lastName!;
    const stopped = await store.load(name);
    expect(stopped.checkpoint.training!.stepInEpoch).toBeGreaterThan(0); // it really stopped mid-epoch
    first.host.dispose();

    const second = engine(store);
    await second.run(config, stopped.bytes, name);

    const straightStore = new CheckpointStore(path.join(tmp.dir, 'd'));
    const straight = engine(straightStore);
    await straight.run(config);

    const resumed = (await store.load(name)).checkpoint;
    const reference = (await straightStore.load(straight.autosave.lastName!)).checkpoint;
    expect(checkpointEssence(resumed)).toEqual(checkpointEssence(reference));
    expect(decodeCheckpoint((await store.read(name)), 'x').history).toHaveLength(2);
  });
});
