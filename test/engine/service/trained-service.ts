/**
 * An engine service that trains a small model to the end on the 500-digit MNIST fixture, with a
 * manual clock and task queue, as the tests of what the service shows of a model need it.
 */
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { TrainConfig } from '../../../src-engine/protocol';
import { EngineService } from '../../../src-engine/service/engine-service';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';

export const FIXTURE_SOURCE = { kind: 'idx' as const, dir: 'test/fixtures/mnist-500' };
export const fixture = loadDataset(FIXTURE_SOURCE);

/**
 * The service after training `recipe` (over DEFAULT_CONFIG on the fixture, 2 epochs of batch 50 at
 * lr 0.1 unless it says otherwise) and the model's last checkpoint.
 * @param between runs between slices of training (slice: how many ran before)
 */
export function trainedService(recipe: Partial<TrainConfig>, between?: (service: EngineService, slice: number) => void): { service: EngineService; bytes: Uint8Array } {
  const queue: (() => void)[] = [];
  let bytes: Uint8Array = new Uint8Array();
  let now = 0;
  const service = new EngineService({
    loadDataset: () => fixture,
    clock: () => (now += 5),
    now: () => '2026-12-01T12:00:00.000Z',
    defer: (fn) => queue.push(fn),
    emit: (e) => {
      if (e.type === 'checkpoint') bytes = e.bytes;
    },
    appVersion: 'test',
  });
  const config: TrainConfig = { ...DEFAULT_CONFIG, dataset: FIXTURE_SOURCE, epochs: 2, batch: 50, lr: 0.1, ...recipe };
  service.handle('train:start', { config });
  for (let slice = 0; queue.length; slice++) {
    queue.shift()!();
    between?.(service, slice);
  }
  return { service, bytes };
}
