/** How the Models view words a model's facts. */
import type { DatasetSource, TrainConfig } from '../../src-engine/protocol';
import type { ModelSummary } from '../../src-main/library/models-contract';
import { LOSS_NAMES, OPTIMIZER_NAMES } from './run-plan';
import { share } from './format';
import { presetOf } from './presets';

/** 1536 -> "1.5 KB", 3.2e6 -> "3.1 MB" */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** An ISO time in the person's locale, e.g. "22 Nov 2026, 14:05" ('–' when absent). */
export function savedAt(iso: string, locale?: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '–';
  return d.toLocaleString(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** The mean-image baseline of a dataset, as the dataset view measured it. */
export interface KnownBaseline {
  source: DatasetSource;
  accuracy: number;
}

/**
 * The part of its dataset a run trains on, as a baseline is said of it ("for classes 3, 7", "from
 * its first 5,000 images"); null for all of it. A baseline of a part is not the dataset's.
 */
export function datasetPart(r: Pick<TrainConfig, 'classes' | 'limit' | 'validation'>): string | null {
  if (r.classes?.length) return `for classes ${r.classes.join(', ')}`;
  if (r.limit !== undefined || r.validation) return `from its ${r.limit !== undefined ? `first ${r.limit.toLocaleString('en-US')} ` : ''}images${r.validation ? ' less the validation split' : ''}`;
  return null;
}

/**
 * A model's baseline: the one its file records, else (a file from before baselines were recorded)
 * the dataset's as measured now, when the model was trained on all of that dataset; else none.
 */
export function modelBaseline(
  m: Pick<ModelSummary, 'baselineAccuracy'> & { recipe: Pick<TrainConfig, 'dataset' | 'classes' | 'limit' | 'validation'> | null },
  known: KnownBaseline | null,
): number | null {
  if (m.baselineAccuracy !== null) return m.baselineAccuracy;
  const r = m.recipe;
  if (!r || !known || !Number.isFinite(known.accuracy) || datasetPart(r) !== null) return null;
  return JSON.stringify(r.dataset) === JSON.stringify(known.source) ? known.accuracy : null;
}

/**
 * How a saved run's best accuracy reads: a run that diverged or did not learn failed; one that
 * learned but stayed under the mean-image baseline of its data is no success either.
 */
export function accuracyVerdict(m: Pick<ModelSummary, 'outcome' | 'bestTestAccuracy' | 'baselineAccuracy'>): 'failed' | 'below' | 'ok' {
  if (m.outcome?.kind === 'diverged' || m.outcome?.kind === 'not_learning') return 'failed';
  if (m.bestTestAccuracy !== null && m.baselineAccuracy !== null && m.bestTestAccuracy < m.baselineAccuracy) return 'below';
  return 'ok';
}

/**
 * "3 epochs", "1 epoch", "0 of 2 epochs and 82% of epoch 1 (stopped)" when the run was stopped
 * part-way, "(interrupted)" when it ended otherwise (a crash, or a file that does not say).
 */
export function epochsText(m: Pick<ModelSummary, 'epochs' | 'plannedEpochs' | 'outcome'> & { intoEpoch?: number }): string {
  const plural = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`;
  if (m.plannedEpochs === null || m.epochs >= m.plannedEpochs) return plural(m.epochs);
  // NOTE: intoEpoch is the share of the next epoch done (0..1), not a step count
  const into = m.intoEpoch ?? 0;
  const share = into <= 0 ? '' : into < 0.005 ? 'under 1%' : `${Math.round(into * 100)}%`;
  const part = share ? ` and ${share} of epoch ${m.epochs + 1}` : '';
  return `${m.epochs} of ${plural(m.plannedEpochs)}${part} (${m.outcome?.kind === 'stopped' ? 'stopped' : 'interrupted'})`;
}

/** A run's outcome for the Models details: "learned: test accuracy 97.8%", "stopped at epoch 1, …". */
export function outcomeText(o: NonNullable<ModelSummary['outcome']>): string {
  if (o.kind === 'stopped') return o.message;
  return `${o.kind === 'done' ? 'learned' : o.kind.replace('_', ' ')}: ${o.message}`;
}

/** Epochs "Continue training" offers: the rest of an interrupted run, else as many again (at least 1). */
export function suggestedMoreEpochs(m: Pick<ModelSummary, 'epochs' | 'plannedEpochs'>): number {
  if (m.plannedEpochs !== null && m.epochs < m.plannedEpochs) return m.plannedEpochs - m.epochs;
  return Math.max(1, Math.min(m.epochs, 10));
}

/** The recipe a model was trained with, as label and value rows (the loss alone when the file records no recipe). */
export function recipeRows(m: Pick<ModelSummary, 'loss' | 'recipe' | 'dataset' | 'datasetSize'>): [string, string][] {
  const rows: [string, string][] = [['Loss', LOSS_NAMES[m.loss] ?? m.loss]];
  const r = m.recipe;
  if (!r) return rows;
  let optimizer = OPTIMIZER_NAMES[r.optimizer];
  if (r.optimizer === 'sgd') optimizer += r.momentum > 0 ? `, momentum ${r.momentum}${r.nesterov ? ' (Nesterov)' : ''}` : ', no momentum';
  const schedule = r.schedule === 'constant' ? 'constant' : `${r.schedule === 'step' ? 'step decay' : 'cosine'} schedule over ${r.epochs} epoch${r.epochs === 1 ? '' : 's'}`;
  rows.push(['Optimizer', optimizer], ['Learning rate', `${r.lr}, ${schedule}`], ['Batch size', String(r.batch)], ['Weight decay', String(r.weightDecay)], ['Seed', String(r.seed)]);
  rows.unshift(['Preset', presetText(r)]);
  return rows;
}

/** "Simard 2003", "Simard 2003, changed" (the recipe it began from, then edited), or "none". */
export function presetText(config: TrainConfig): string {
  const p = presetOf(config);
  return p ? `${p.preset.name}${p.changed ? ', changed' : ''}` : 'none';
}

/**
 * Whether a run's image limit cut its training set, from the images it trained on (after any
 * validation split, which holds out max(1, round(n·split)) of n as the engine does): a limit past
 * the dataset's images (allowed in older files) trained on all of them, not "the first 100,000".
 */
function limitWasUsed(limit: number, validation: number | undefined, trained: number | undefined): boolean {
  if (trained === undefined) return true;
  return trained === limit - (validation ? Math.max(1, Math.round(limit * validation)) : 0);
}

/** "MNIST (bundled) · 60,000 train / 10,000 test images · classes 3, 7 only", or the name the file gives. */
export function datasetText(m: Pick<ModelSummary, 'recipe' | 'dataset' | 'datasetSize'>): string {
  const d = m.recipe?.dataset;
  const parts = [
    !d ? (m.dataset ?? 'not recorded') : d.kind === 'mnist' ? 'MNIST (bundled)' : d.kind === 'idx' ? `IDX folder ${d.dir}` : `CSV ${d.train}${d.test ? ` + ${d.test}` : ''}`,
  ];
  if (m.datasetSize) parts.push(`${m.datasetSize.train.toLocaleString('en-US')} train / ${m.datasetSize.test.toLocaleString('en-US')} test images`);
  if (m.recipe?.classes?.length) parts.push(`classes ${m.recipe.classes.join(', ')} only`);
  const limit = m.recipe?.limit;
  if (limit !== undefined && limitWasUsed(limit, m.recipe?.validation, m.datasetSize?.train)) parts.push(`the first ${limit.toLocaleString('en-US')} training images`);
  if (m.recipe?.validation) parts.push(`${share(m.recipe.validation)} held out for validation`);
  return parts.join(' · ');
}
