/**
 * Compare runs, the pure part: each run's curves by epoch or by samples seen, the settings that
 * differ between runs, and the comparison as CSV.
 */
import type { EpochMetrics } from '../../src-engine/protocol';
import type { ComparedRun } from '../../src-main/library/models-contract';
import { presetText } from './model-format';
import { LOSS_NAMES, OPTIMIZER_NAMES } from './run-plan';

export type CompareAxis = 'epoch' | 'samples';
export type CurveMetric = 'train_loss' | 'test_loss' | 'val_loss' | 'train_accuracy' | 'test_accuracy' | 'val_accuracy';

/** One setting across the runs: its label, each run's value as shown, and whether they all agree. */
export interface SettingRow {
  label: string;
  values: string[];
  same: boolean;
}

const num = (v: number | undefined | null) => (v === undefined || v === null ? '–' : String(v));

const SETTINGS: [string, (r: ComparedRun) => string][] = [
  ['preset', (r) => (r.config ? presetText(r.config) : '–')],
  ['architecture', (r) => r.architecture],
  ['parameters', (r) => r.parameters.toLocaleString('en-US')],
  ['dataset', (r) => r.dataset ?? '–'],
  ['classes', (r) => (r.config?.classes?.length ? r.config.classes.join(', ') : 'all')],
  ['training images', (r) => (r.trainImages === null ? '–' : r.trainImages.toLocaleString('en-US'))],
  ['validation', (r) => (r.config?.validation ? `${r.config.validation * 100}%` : 'none')],
  ['loss', (r) => (r.config ? (LOSS_NAMES[r.config.loss] ?? r.config.loss) : '–')],
  ['optimizer', (r) => (r.config ? (OPTIMIZER_NAMES[r.config.optimizer] ?? r.config.optimizer) + (r.config.nesterov ? ' (Nesterov)' : '') : '–')],
  ['learning rate', (r) => num(r.config?.lr)],
  ['schedule', (r) => r.config?.schedule ?? '–'],
  // Adam and AdamW keep their own running mean (β1 0.9): the config's momentum is not theirs
  ['momentum', (r) => (r.config && r.config.optimizer !== 'sgd' ? `not used by ${OPTIMIZER_NAMES[r.config.optimizer]}` : num(r.config?.momentum))],
  ['weight decay', (r) => num(r.config?.weightDecay)],
  ['batch', (r) => num(r.config?.batch)],
  ['epochs trained', (r) => String(r.history.length)],
  ['seed', (r) => num(r.config?.seed)],
];

/** Every setting with each run's value. */
export function settingRows(runs: ComparedRun[]): SettingRow[] {
  return SETTINGS.map(([label, get]) => {
    const values = runs.map(get);
    return { label, values, same: values.every((v) => v === values[0]) };
  });
}

/** Only the settings in which the runs differ. */
export function differingSettings(runs: ComparedRun[]): SettingRow[] {
  return settingRows(runs).filter((r) => !r.same);
}

/**
 * Each run in a chart legend by what sets it apart ("optimizer Adam, learning rate 0.001"; its colour
 * ties it to its name above the charts): runs named by the app differ only in their time, which tells
 * a learner nothing. The name comes first where those settings do not tell two runs apart.
 * @param most settings named per run, in the table's order
 */
export function runLabels(runs: ComparedRun[], most = 2): string[] {
  const diff = differingSettings(runs).filter((r) => r.label !== 'epochs trained' && r.label !== 'parameters').slice(0, most);
  const apart = runs.map((_, i) => diff.map((d) => `${d.label} ${d.values[i]}`).join(', '));
  return runs.map((r, i) => (!apart[i] ? r.name : apart.indexOf(apart[i]) !== apart.lastIndexOf(apart[i]) ? `${r.name} (${apart[i]})` : apart[i]));
}

/** Samples seen at the end of an epoch (null when the run does not say how many images an epoch has). */
export function samplesSeen(run: ComparedRun, epoch: number): number | null {
  return run.trainImages === null ? null : epoch * run.trainImages;
}

/** A run's metric per epoch as points, x by epoch or by samples seen; epochs without the value are left out. */
export function curve(run: ComparedRun, metric: CurveMetric, axis: CompareAxis): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (const m of run.history) {
    const y = m[metric];
    const x = axis === 'epoch' ? m.epoch : samplesSeen(run, m.epoch);
    if (typeof y === 'number' && Number.isFinite(y) && x !== null) out.push({ x, y });
  }
  return out;
}

/**
 * Whether the runs' losses span so much (over 100×: one run blew up) that a linear axis would
 * flatten the others to a line at 0: the loss chart then starts on a log scale.
 */
export function lossNeedsLogScale(runs: ComparedRun[]): boolean {
  let lo = Infinity;
  let hi = 0;
  for (const r of runs) {
    for (const m of r.history) {
      for (const y of [m.train_loss, m.test_loss]) {
        if (Number.isFinite(y) && y > 0) {
          lo = Math.min(lo, y);
          hi = Math.max(hi, y);
        }
      }
    }
  }
  return hi / lo > 100;
}

const METRICS: (keyof EpochMetrics)[] = ['train_loss', 'train_accuracy', 'test_loss', 'test_accuracy', 'val_loss', 'val_accuracy', 'lr', 'seconds'];

/** One row per run and epoch: run, epoch, samples_seen, the metrics, then the settings that differ. */
export function comparisonCsv(runs: ComparedRun[]): string {
  const diff = differingSettings(runs);
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const cell = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
  const header = ['run', 'epoch', 'samples_seen', ...METRICS, ...diff.map((d) => d.label.replace(/ /g, '_'))];
  const rows = runs.flatMap((run, i) =>
    run.history.map((m) => [quote(run.name), String(m.epoch), cell(samplesSeen(run, m.epoch)), ...METRICS.map((k) => cell(m[k])), ...diff.map((d) => quote(d.values[i]))].join(',')),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}
