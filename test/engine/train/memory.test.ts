import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { estimateTrainingMemory, memoryProblem } from '../../../src-engine/train/memory';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const digits = Array.from({ length: 10 }, (_, i) => String(i));
const arch = (hidden: number[]) => mlpArchitecture([784, ...hidden, 10], 'relu', 'cross_entropy', digits);

describe('estimateTrainingMemory', () => {
  it('counts two buffers per weight, a gradient, and two per optimizer slot', () => {
    const a = arch([128]);
    const params = 101_770;
    expect(estimateTrainingMemory(a, { batch: 64, optimizer: 'sgd', momentum: 0 }).training).toBe(8 * params * 3);
    expect(estimateTrainingMemory(a, { batch: 64, optimizer: 'sgd', momentum: 0.9 }).training).toBe(8 * params * 5);
    expect(estimateTrainingMemory(a, { batch: 64, optimizer: 'adam', momentum: 0 }).training).toBe(8 * params * 7);
  });

  it('grows with the batch through the activations only', () => {
    const small = estimateTrainingMemory(arch([1024]), { batch: 64, optimizer: 'sgd', momentum: 0 });
    const large = estimateTrainingMemory(arch([1024]), { batch: 6400, optimizer: 'sgd', momentum: 0 });
    expect(large.training).toBe(small.training);
    expect(large.activations).toBeGreaterThan(small.activations + 8 * 6336 * 4 * 1034);
  });

  it('a run that fits gives no problem; unknown free memory gives no check', () => {
    const config = { batch: 64, optimizer: 'sgd', momentum: 0 } as const;
    expect(memoryProblem(arch([128]), config, 2 ** 30)).toBeNull();
    expect(memoryProblem(arch(Array(8).fill(4096)), config, undefined)).toBeNull();
    expect(memoryProblem(arch(Array(8).fill(4096)), config, 2 ** 30)).toMatch(/needs about \d+\.\d GB of memory .* but only 1\.0 GB is free on this machine\./);
  });

  // NOTE: one real run in its own process (the probe), so that the resident memory is this run's.
  it("is within a factor of the real growth of the engine's memory over two epochs of 784-1024-1024-10 with Adam", () => {
    const config: TrainConfig = {
      ...DEFAULT_CONFIG, dataset: { kind: 'idx', dir: 'test/fixtures/mnist-500' }, hidden: [1024, 1024], optimizer: 'adam', lr: 0.001, epochs: 2,
    };
    const probe = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(ROOT, 'test/engine/train/memory-probe.ts'), JSON.stringify(config)], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(probe.status, probe.stderr).toBe(0);
    const { growth, estimate, done } = JSON.parse(probe.stdout.trim().split('\n').at(-1)!) as { growth: number; estimate: number; done: boolean };
    expect(done).toBe(true);
    // an estimate below the real use would let a too-large run hang; far above would refuse runs that fit
    expect(growth).toBeLessThanOrEqual(estimate * 1.5);
    expect(growth).toBeGreaterThanOrEqual(estimate / 2);
  });
});
