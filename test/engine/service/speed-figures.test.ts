/**
 * The samples/s and ETA that the Train view shows are the run's real pace: the wall time between
 * the engine's slices counts (the host and the window take their turns on the same cores), the
 * first slice (compiling, placing the data) and epoch ends' evaluations do not count as training.
 */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { EngineEvent, TrainConfig } from '../../../src-engine/protocol';
import { EngineService } from '../../../src-engine/service/engine-service';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';

type Batch = Extract<EngineEvent, { type: 'batch' }>;

const config: TrainConfig = { ...DEFAULT_CONFIG, dataset: { kind: 'idx', dir: 'test/fixtures/mnist-500' }, hidden: [16], epochs: 4, batch: 1, seed: 1 };

/**
 * Trains with a clock that advances 1 ms a reading and `gapMs` between slices (the other
 * processes' turn); returns the batch events with the clock when each was sent.
 */
function train(gapMs: number): { batches: { event: Batch; at: number }[]; epochsAt: number[] } {
  const batches: { event: Batch; at: number }[] = [];
  const epochsAt: number[] = [];
  const queue: (() => void)[] = [];
  let now = 0;
  const service = new EngineService({
    loadDataset,
    clock: () => (now += 1),
    now: () => '2026-12-02T12:00:00.000Z',
    defer: (fn) => queue.push(fn),
    emit: (e) => {
      if (e.type === 'batch') batches.push({ event: e, at: now });
      if (e.type === 'epoch') epochsAt.push(now);
    },
    appVersion: 'test',
  });
  service.handle('train:start', { config });
  for (let i = 0; i < 100_000 && queue.length; i++) {
    now += gapMs;
    queue.shift()!();
  }
  return { batches, epochsAt };
}

/** Steps a batch event reports as done: the step after its last loss. */
const stepOf = (b: Batch) => b.firstStep + b.losses.length;

describe('engine: samples/s and ETA', () => {
  for (const gapMs of [0, 30, 90]) {
    it(`are the real pace with ${gapMs} ms between slices`, () => {
      const { batches, epochsAt } = train(gapMs);
      // The truth over the third epoch (the pace has settled): its steps over the wall time they took.
      const inEpoch3 = batches.filter((b) => b.event.epoch === 3 && b.at > epochsAt[1]! + 1);
      const first = inEpoch3[0]!;
      const last = inEpoch3.at(-2)!; // the last one is sent at the epoch's end, mid-slice
      const truth = ((stepOf(last.event) - stepOf(first.event)) * config.batch) / ((last.at - first.at) / 1000);
      for (const b of inEpoch3.slice(inEpoch3.length >> 1)) {
        expect(b.event.samplesPerSecond / truth, `gap ${gapMs} ms`).toBeGreaterThan(0.9);
        expect(b.event.samplesPerSecond / truth, `gap ${gapMs} ms`).toBeLessThan(1.1);
      }
      // The ETA sent in the middle of epoch 3 against the time the run really took from then on,
      // the fourth epoch's end (its test-set evaluation) included.
      const mid = inEpoch3[inEpoch3.length >> 1]!;
      const took = (epochsAt[3]! - mid.at) / 1000;
      expect(mid.event.eta / took, `gap ${gapMs} ms`).toBeGreaterThan(0.9);
      expect(mid.event.eta / took, `gap ${gapMs} ms`).toBeLessThan(1.1);
    });
  }

  it('sends no pace before a slice has been measured (the first one warms up)', () => {
    const { batches } = train(30);
    expect(batches[0]!.event.samplesPerSecond).toBe(0);
    expect(batches[0]!.event.eta).toBeNaN();
  });
});
