/**
 * Run in its own process by memory.test.ts: trains one epoch of a network the way the engine
 * worker does (its kernels, the service, every event serialized as the IPC does and decoded as
 * the host does) and prints the peak growth of the resident memory next to the estimate.
 * Usage: tsx memory-probe.ts '<config JSON>'
 */
import v8 from 'node:v8';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import { useBackend } from '../../../src-engine/node/backend';
import type { TrainConfig } from '../../../src-engine/protocol';
import { EngineService } from '../../../src-engine/service/engine-service';
import { estimateTrainingMemory } from '../../../src-engine/train/memory';

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as TrainConfig;
  await useBackend(undefined, 1);
  const queue: (() => void)[] = [];
  let done = false;
  const service = new EngineService({
    loadDataset,
    clock: () => performance.now(),
    now: () => new Date().toISOString(),
    defer: (fn) => queue.push(fn),
    emit: (event) => {
      const wire = v8.serialize(event); // what child_process's 'advanced' serialization does
      if (event.type === 'checkpoint') v8.deserialize(wire); // the host's copy
      if (event.type === 'done') done = true;
    },
    appVersion: 'probe',
  });
  service.handle('dataset:info', { source: config.dataset });
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  const { info } = service.handle('train:start', { config });
  for (let i = 0; i < 100_000 && !done && queue.length; i++) queue.shift()!();
  const peak = process.resourceUsage().maxRSS * 1024;
  const estimate = estimateTrainingMemory(info.architecture, config);
  process.stdout.write(JSON.stringify({ growth: peak - before, estimate: estimate.total, done }) + '\n');
}

void main();
