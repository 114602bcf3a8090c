/**
 * What augmentation costs per epoch of 784-800-10 (issue 16: at most 25%). The distortions run on
 * the main thread as each batch is gathered, before the kernels start, so an epoch is longer by
 * the time it takes to distort its 60,000 images. This times one epoch of 784-800-10 (batch 64,
 * no augmentation) and distorting 60,000 images with each kind, alternating, best of `--repeat`
 * (default 3) each, so a busy machine's noise counts as little as it can.
 * Run: npx tsx scripts/measure-augment-cost.ts
 */
import { Augmenter, DEFAULT_AUGMENT } from '../src-engine/data/augment';
import { useBackend } from '../src-engine/node/backend';
import { loadDataset } from '../src-engine/node/dataset-files';
import { DEFAULT_CONFIG, type TrainConfig } from '../src-engine/train/config';
import { prepareData, Trainer } from '../src-engine/train/trainer';

async function main(): Promise<void> {
  const repeat = Number(process.argv[process.argv.indexOf('--repeat') + 1]) || 3;
  const kernels = await useBackend(undefined, undefined);
  const mnist = loadDataset({ kind: 'mnist' });
  const { train } = mnist;
  const pixels = train.rows * train.cols;
  const best = { epoch: Infinity, affine: Infinity, elastic: Infinity };
  const out = new Uint8Array(pixels);
  for (let r = 0; r < repeat; r++) {
    const config: TrainConfig = { ...DEFAULT_CONFIG, hidden: [800], batch: 64, epochs: 1 };
    const t = new Trainer(config, prepareData(config, train, mnist.test), () => performance.now());
    t.health = null;
    let start = performance.now();
    while (!t.trainBatch().epochEnded);
    best.epoch = Math.min(best.epoch, (performance.now() - start) / 1000);
    for (const kind of ['affine', 'elastic'] as const) {
      const a = new Augmenter({ ...DEFAULT_AUGMENT, kind }, train.rows, train.cols, 1);
      start = performance.now();
      for (let i = 0; i < train.count; i++) a.apply(train.images.subarray(i * pixels, (i + 1) * pixels), out, r, i);
      best[kind] = Math.min(best[kind], (performance.now() - start) / 1000);
    }
    console.log(`run ${r + 1}: best so far epoch ${best.epoch.toFixed(2)} s, affine ${best.affine.toFixed(2)} s, elastic ${best.elastic.toFixed(2)} s`);
  }
  console.log(`784-800-10, batch 64, one epoch of ${train.count} images, kernels ${kernels.name}, best of ${repeat}:`);
  console.log(`  epoch without augmentation  ${best.epoch.toFixed(2)} s`);
  for (const kind of ['affine', 'elastic'] as const) {
    console.log(`  distorting ${train.count} (${kind.padEnd(7)}) ${best[kind].toFixed(2)} s  = ${((best[kind] / best.epoch) * 100).toFixed(1)}% of the epoch`);
  }
}

main().then(() => process.exit(0));
