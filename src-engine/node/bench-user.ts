/**
 * The epoch a user gets, for `npm run bench`: the real command line (`train`, in its own process,
 * as a user runs it), and the engine service driven as the app drives it (events serialised as
 * they cross to the host, the Weights view's polling). Both report the epochs after the first
 * (see laterEpochs).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import type { EngineEvent, TrainConfig } from '../protocol';
import { EngineService } from '../service/engine-service';
import { loadDataset } from './dataset-files';

/** The Weights view asks for live weights this often while a run trains (src-renderer/state/weights.svelte.ts). */
const LIVE_WEIGHTS_EVERY_MS = 400;
/** MNIST's training images (the workloads train on all of them unless config.limit says fewer). */
const TRAIN_IMAGES = 60000;

/** The seconds of the epochs after the first. */
export interface SteadyEpoch {
  seconds: number;
  samples_per_second: number;
  test_accuracy: number;
}

/**
 * `npm run cli -- train` with the workload's recipe for `epochs` epochs in a child process
 * (this Node, with tsx as `npm run cli` runs it); its per-epoch seconds as it prints them.
 */
export function cliSteadyEpoch(config: TrainConfig, layers: number[], epochs: number, threads: number): SteadyEpoch | string {
  const cli = join(import.meta.dirname, 'cli.ts');
  const args = [
    '--import', 'tsx', cli, 'train', '--layers', layers.join(','), '--optimizer', config.optimizer, '--lr', String(config.lr),
    '--momentum', String(config.momentum), '--schedule', config.schedule, '--batch', String(config.batch),
    '--epochs', String(epochs), '--seed', String(config.seed), '--threads', String(threads), '--json',
    ...(config.limit ? ['--limit', String(config.limit)] : []),
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) return `command line run failed: ${r.error?.message ?? r.stderr.trim().split('\n').pop()}`;
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { epochs: { seconds: number; test_accuracy: number }[] };
  const images = config.limit ?? TRAIN_IMAGES;
  return steady(j.epochs.map((e) => ({ ...e, samples_per_second: images / e.seconds })));
}

/**
 * Per-epoch seconds "from the second epoch on" (the speed issue's measure): the mean of the
 * epochs after the first, which warms up; the one epoch there is if only one ran.
 * NOTE: our engine is still speeding up in its second epoch (its JavaScript and the model's
 * sparsity settle: W's third epoch ran about 10% faster than its second), numpy's epochs are
 * flat; so every row, ours and the references, takes the same epochs.
 */
export function laterEpochs(seconds: number[]): number {
  const later = seconds.length > 1 ? seconds.slice(1) : seconds;
  return later.reduce((a, b) => a + b, 0) / later.length;
}

/** The epochs after the first as one (laterEpochs), with the last epoch's accuracy. */
function steady(epochs: SteadyEpoch[]): SteadyEpoch {
  const seconds = laterEpochs(epochs.map((e) => e.seconds));
  const samples = epochs[0]!.samples_per_second * epochs[0]!.seconds; // the same images every epoch
  return { seconds, samples_per_second: samples / seconds, test_accuracy: epochs[epochs.length - 1]!.test_accuracy };
}

/**
 * The engine service training `epochs` epochs as the app runs it: slices between message turns
 * (setImmediate), every event serialised as it is when it crosses to the host, and with
 * `weightsView` the Weights view's request for live weights every 400 ms (answered between slices,
 * and serialised). Health is measured as always. @returns the service's epoch seconds, as the app shows them
 */
export async function appSteadyEpoch(config: TrainConfig, epochs: number, weightsView: boolean): Promise<SteadyEpoch | string> {
  let done: (() => void) | null = null;
  let failure: string | null = null;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const history: SteadyEpoch[] = [];
  const emit = (event: EngineEvent): void => {
    serialize(event); // NOTE: what the advanced-serialisation channel does to every event
    if (event.type === 'epoch') history.push(event.metrics);
    if (event.type === 'done') {
      if (event.state !== 'done') failure = `the run ended ${event.state}: ${event.message ?? ''}`;
      done?.();
    }
  };
  const service = new EngineService({
    loadDataset,
    clock: () => performance.now(),
    now: () => new Date().toISOString(),
    defer: (fn) => setImmediate(fn),
    emit,
    appVersion: 'bench',
  });
  service.handle('train:start', { config: { ...config, epochs } });
  let timer: NodeJS.Timeout | null = null;
  if (weightsView) {
    const poll = (): void => {
      try {
        serialize(service.handle('model:weights', {}));
      } catch {
        // no model between runs: nothing to draw
      }
      timer = setTimeout(poll, LIVE_WEIGHTS_EVERY_MS);
    };
    timer = setTimeout(poll, LIVE_WEIGHTS_EVERY_MS);
  }
  await finished;
  if (timer) clearTimeout(timer);
  if (failure) return failure;
  return steady(history);
}
