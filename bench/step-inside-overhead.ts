/**
 * How much Step inside slows a run that trains meanwhile (the limit: 5%). Trains the
 * default 784-128-10 on MNIST in the engine service with the fastest kernels, as the worker does,
 * alternately alone and with a learner who, every 250 ms (faster than anyone clicks), steps into
 * a test digit, opens a unit and checks a gradient (step:trace, step:neuron, step:gradcheck).
 * Prints each run's training time and the median slowdown.
 * Run: npx tsx bench/step-inside-overhead.ts [pairs=3] [limit=20000]
 */
import { loadDataset } from '../src-engine/node/dataset-files';
import { kernelsControl, useBackend } from '../src-engine/node/backend';
import { EngineService } from '../src-engine/service/engine-service';
import { DEFAULT_CONFIG } from '../src-engine/train/config';

const pairs = Number(process.argv[2] ?? 3);
const limit = Number(process.argv[3] ?? 20000);

function run(learner: boolean): Promise<{ seconds: number; calls: number }> {
  return new Promise((resolve) => {
    let started = 0;
    let calls = 0;
    let timer: NodeJS.Timeout | undefined;
    const service = new EngineService({
      loadDataset,
      clock: () => performance.now(),
      now: () => new Date().toISOString(),
      defer: (fn) => setImmediate(fn),
      emit: (e) => {
        if (e.type !== 'done') return;
        clearInterval(timer);
        resolve({ seconds: (performance.now() - started) / 1000, calls });
      },
      appVersion: 'bench',
      kernels: kernelsControl,
    });
    // load the data before the clock starts
    service.handle('dataset:info', { source: { kind: 'mnist' } });
    started = performance.now();
    service.handle('train:start', { config: { ...DEFAULT_CONFIG, limit, epochs: 2 } });
    if (learner) {
      timer = setInterval(() => {
        const index = calls % 1000;
        service.handle('step:trace', { example: { index }, weights: 'model' });
        const n = service.handle('step:neuron', { layer: 0, unit: index % 128 });
        let col = 0;
        for (let i = 1; i < n.weightGrad.length; i++) if (Math.abs(n.weightGrad[i]) > Math.abs(n.weightGrad[col])) col = i;
        service.handle('step:gradcheck', { param: '0.weight', row: n.unit, col });
        calls++;
      }, 250);
    }
  });
}

async function main(): Promise<void> {
  const backend = await useBackend();
  console.log(`kernels: ${backend.name}; ${pairs} pairs of runs, ${limit} images, 2 epochs`);
  const ratios: number[] = [];
  for (let p = 0; p < pairs; p++) {
    const alone = await run(false);
    const looked = await run(true);
    ratios.push(looked.seconds / alone.seconds);
    console.log(`alone ${alone.seconds.toFixed(2)} s · with Step inside ${looked.seconds.toFixed(2)} s (${looked.calls} rounds of trace + neuron + gradcheck) · ${((looked.seconds / alone.seconds - 1) * 100).toFixed(1)}%`);
  }
  ratios.sort((a, b) => a - b);
  console.log(`median slowdown: ${((ratios[Math.floor(ratios.length / 2)] - 1) * 100).toFixed(1)}%`);
}

void main().then(() => process.exit(0));
