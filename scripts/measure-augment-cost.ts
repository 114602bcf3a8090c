/**
 * What augmentation costs per epoch of 784-800-10 (issue 16: at most 25%): trains one epoch of
 * MNIST without augmentation, with affine and with elastic distortions, alternating, best of
 * `--repeat` (default 2) each, and prints the seconds and the ratios. Run: npx tsx scripts/measure-augment-cost.ts
 */
import { DEFAULT_AUGMENT, type AugmentKind } from '../src-engine/data/augment';
import { useBackend } from '../src-engine/node/backend';
import { loadDataset } from '../src-engine/node/dataset-files';
import { DEFAULT_CONFIG, type TrainConfig } from '../src-engine/train/config';
import { prepareData, Trainer } from '../src-engine/train/trainer';

const repeat = Number(process.argv[process.argv.indexOf('--repeat') + 1]) || 2;
const kernels = await useBackend(undefined, undefined);
const mnist = loadDataset({ kind: 'mnist' });
const kinds: AugmentKind[] = ['none', 'affine', 'elastic'];
const best = new Map<AugmentKind, number>();
for (let r = 0; r < repeat; r++) {
  for (const kind of kinds) {
    const config: TrainConfig = {
      ...DEFAULT_CONFIG, hidden: [800], batch: 64, epochs: 1,
      ...(kind === 'none' ? {} : { augment: { ...DEFAULT_AUGMENT, kind } }),
    };
    const t = new Trainer(config, prepareData(config, mnist.train, mnist.test), () => performance.now());
    t.health = null;
    const start = performance.now();
    while (!t.trainBatch().epochEnded);
    const seconds = (performance.now() - start) / 1000;
    best.set(kind, Math.min(best.get(kind) ?? Infinity, seconds));
    console.log(`run ${r + 1}: ${kind.padEnd(7)} ${seconds.toFixed(2)} s`);
  }
}
const base = best.get('none')!;
console.log(`784-800-10, batch 64, one epoch of 60,000, kernels ${kernels.name}, best of ${repeat}:`);
for (const kind of kinds) {
  const s = best.get(kind)!;
  console.log(`  ${kind.padEnd(7)} ${s.toFixed(2)} s${kind === 'none' ? '' : `  (+${(((s - base) / base) * 100).toFixed(1)}% of an epoch)`}`);
}
process.exit(0);
