/**
 * How much Step inside slows a run that trains meanwhile (the limit: 5%). Trains the
 * default 784-128-10 on MNIST in the engine service with the fastest kernels, as the worker does,
 * alternately alone and with a learner who, every 250 ms (faster than anyone clicks), steps into
 * a test digit, opens a unit and checks a gradient (step:trace, step:neuron, step:gradcheck).
 * Prints each run's training time and the median slowdown.
 * Run: npx tsx bench/step-inside-overhead.ts [pairs=3] [limit=60000]
 */
import { loadDataset } from '../src-engine/node/dataset-files';
import { kernelsControl, useBackend } from '../src-engine/node/backend';
import { EngineService } from '../src-engine/service/engine-service';
import { DEFAULT_CONFIG } from '../src-engine/train/config';

const pairs = Number(process.argv[2] ?? 3);
const limit = Number(process.argv[3] ?? 60000);

/** One round of a learner's calls: step into a test digit, open a unit, check its largest weight gradient. */
function round(service: EngineService, k: number): void {
  service.handle('step:trace', { example: { index: k % 1000 }, weights: 'model' });
  const n = service.handle('step:neuron', { layer: 0, unit: k % 128 });
  let col = 0;
  for (let i = 1; i < n.weightGrad.length; i++) if (Math.abs(n.weightGrad[i]) > Math.abs(n.weightGrad[col])) col = i;
  service.handle('step:gradcheck', { param: '0.weight', row: n.unit, col });
}

function run(learner: boolean, after?: (service: EngineService) => void): Promise<{ seconds: number; cpu: number; calls: number; inCalls: number }> {
  return new Promise((resolve) => {
    let started = 0;
    let cpu = process.cpuUsage();
    let calls = 0;
    let inCalls = 0;
    let timer: NodeJS.Timeout | undefined;
    const service = new EngineService({
      loadDataset,
      clock: () => performance.now(),
      now: () => new Date().toISOString(),
      defer: (fn) => setImmediate(fn),
      emit: (e) => {
        if (e.type !== 'done') return;
        clearInterval(timer);
        after?.(service);
        const used = process.cpuUsage(cpu);
        resolve({ seconds: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6, calls, inCalls: inCalls / 1000 });
      },
      appVersion: 'bench',
      kernels: kernelsControl,
    });
    // load the data before the clock starts
    service.handle('dataset:info', { source: { kind: 'mnist' } });
    started = performance.now();
    cpu = process.cpuUsage();
    service.handle('train:start', { config: { ...DEFAULT_CONFIG, limit, epochs: 3 } });
    if (learner) {
      timer = setInterval(() => {
        const t = performance.now();
        round(service, calls++);
        inCalls += performance.now() - t;
      }, 250);
    }
  });
}

async function main(): Promise<void> {
  const backend = await useBackend();
  console.log(`kernels: ${backend.name}; ${pairs} pairs of runs, ${limit} images, 3 epochs`);
  // the cost of one round on its own, on the trained model
  await run(false, (service) => {
    for (let k = 0; k < 5; k++) round(service, k);
    const t = performance.now();
    for (let k = 0; k < 50; k++) round(service, k);
    console.log(`one round (trace + neuron + gradcheck) takes ${((performance.now() - t) / 50).toFixed(2)} ms`);
  });
  const wall: number[] = [];
  const cpu: number[] = [];
  const share: number[] = [];
  const pct = (r: number) => `${((r - 1) * 100).toFixed(1)}%`;
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  for (let p = 0; p < pairs; p++) {
    const alone = await run(false);
    const looked = await run(true);
    wall.push(looked.seconds / alone.seconds);
    cpu.push(looked.cpu / alone.cpu);
    // NOTE: the calls run on the engine's thread between two training steps: the run waits exactly this long
    share.push(1 + looked.inCalls / looked.seconds);
    console.log(
      `alone ${alone.seconds.toFixed(2)} s (CPU ${alone.cpu.toFixed(2)} s) · with Step inside ${looked.seconds.toFixed(2)} s (CPU ${looked.cpu.toFixed(2)} s, ` +
        `${looked.calls} rounds, ${(looked.inCalls * 1000).toFixed(0)} ms in them) · wall ${pct(wall.at(-1)!)}, CPU ${pct(cpu.at(-1)!)}, time in the calls ${pct(share.at(-1)!)}`,
    );
  }
  console.log(`median slowdown: wall ${pct(median(wall))}, CPU time ${pct(median(cpu))} (the machine's other load moves single runs by tens of per cent)`);
  console.log(`time the run waited for Step inside's calls: ${pct(median(share))} of its training time`);
}

void main().then(() => process.exit(0));
