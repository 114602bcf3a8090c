/**
 * `npm run cli -- lr-find [train flags] [--json]`: the learning-rate range test on a scratch copy
 * of the model the flags describe; prints the curve and the suggestion (with --json, the last
 * line holds `suggested_lr`). Also the health entries of `train --json`.
 */
import { describeArchitecture } from '../architecture';
import type { TrainConfig } from '../protocol';
import { findLearningRate } from '../train/lr-finder';
import { architectureFor, prepareData, type Trainer } from '../train/trainer';
import type { Flags } from './cli-args';
import { loadDataset } from './dataset-files';

export function lrFindCommand(flags: Flags, config: TrainConfig): void {
  const { train, test } = loadDataset(config.dataset);
  const data = prepareData(config, train, test);
  const arch = describeArchitecture(architectureFor(config, data.train));
  process.stderr.write(`learning-rate range test: ${arch} on ${data.meta.name} (${data.train.count} train), ${config.optimizer}${config.momentum ? ` momentum ${config.momentum}` : ''}, batch ${config.batch}, seed ${config.seed}\n`);
  const t0 = performance.now();
  const r = findLearningRate(config, data);
  const out = (line: string) => process.stdout.write(line + '\n');
  out('        lr        loss    smoothed');
  // every 10th point and the last: enough to see the shape in a terminal
  r.points.forEach((p, i) => {
    if (i % 10 === 0 || i === r.points.length - 1) out(`${p.lr.toExponential(2).padStart(10)}  ${p.loss.toFixed(4).padStart(10)}  ${p.smooth.toFixed(4).padStart(10)}`);
  });
  out(r.suggested_lr === null ? `no suggestion: ${r.reason}` : `suggested learning rate: ${r.suggested_lr} (${r.reason})`);
  process.stderr.write(`${r.points.length} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  if (flags.json) out(JSON.stringify({ suggested_lr: r.suggested_lr, reason: r.reason, points: r.points }));
}

/** The last health measurement of a run, per linear layer, for `train --json`. */
export function healthJson(trainer: Trainer) {
  return (trainer.health?.latest?.layers ?? []).map((l) => ({
    layer: l.name,
    activation: l.activation,
    dead_fraction: l.dead_fraction,
    saturated_fraction: l.saturated_fraction,
    grad_norm: l.grad_norm,
    update_ratio: l.update_ratio,
    act_mean: l.act_mean,
    act_std: l.act_std,
  }));
}
