/**
 * What Start will do, in one sentence beside it: begin a new run (on which data, with which
 * network and trainer), or nothing, and why. While a run goes: whether it is new or continues a
 * saved model.
 */
import type { LossName } from '../../src-engine/architecture';
import type { TrainConfig } from '../../src-engine/protocol';
import { share } from './format';

export const LOSS_NAMES: Record<LossName, string> = { cross_entropy: 'cross-entropy', mse: 'mean squared error', bce: 'binary cross-entropy' };
export const OPTIMIZER_NAMES: Record<TrainConfig['optimizer'], string> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW' };

/** Where a run came from: started here, a saved model continued (to the epoch it stops after), or recovered after a crash. */
export type RunOrigin = { kind: 'new' } | { kind: 'continue'; name: string; to: number } | { kind: 'recovered' };

export interface PlanFacts {
  /** The form's problems (a missing dataset first); Start refuses while there are any. */
  problems: string[];
  /** The settings as typed. */
  config: Partial<TrainConfig>;
  /** Layer sizes [in, hidden..., out] as the dataset and the form make them. */
  sizes: number[];
  /** The dataset as the picker names it, e.g. "MNIST (bundled)". */
  datasetLabel: string;
  /** The model whose settings the form shows (TrainForm.loadedFrom). */
  loadedFrom: { name: string; recorded: boolean; edited: boolean } | null;
  /** The run going now, if any: where it came from (null: not started from this page) and the epochs its schedule spans. */
  running: { origin: RunOrigin | null; epochs: number } | null;
}

export type Plan = { kind: 'refused' | 'new' | 'running'; text: string };

/** "784-128-10 relu, cross-entropy, SGD at learning rate 0.05 (cosine), batch 64, 5 epochs, on MNIST (bundled)" */
export function recipeText(c: Partial<TrainConfig>, sizes: number[], datasetLabel: string): string {
  const parts = [
    `${sizes.join('-')} ${c.activation}`,
    LOSS_NAMES[c.loss as LossName] ?? String(c.loss),
    `${OPTIMIZER_NAMES[c.optimizer as TrainConfig['optimizer']] ?? c.optimizer} at learning rate ${c.lr} (${c.schedule})`,
    `batch ${c.batch}`,
    `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`,
  ];
  if (c.dropout?.some((p) => p > 0)) parts.push(`dropout ${c.dropout.join(', ')}`);
  if (c.augment && c.augment.kind !== 'none') parts.push(`${c.augment.kind} distortions`);
  if (c.timeLimit !== undefined) parts.push(`at most ${c.timeLimit} min`);
  let data = `on ${datasetLabel}`;
  if (c.classes?.length) data += `, classes ${c.classes.join(', ')} only`;
  if (c.limit !== undefined) data += `, its first ${c.limit.toLocaleString('en-US')} training images`;
  if (c.validation) data += `, ${share(c.validation)} of them held out for validation`;
  return `${parts.join(', ')}, ${data}`;
}

/** What Start does now (or what the going run is). */
export function runPlan(f: PlanFacts): Plan {
  if (f.running) {
    const o = f.running.origin;
    const say = (text: string): Plan => ({ kind: 'running', text });
    if (!o) return say('A run is going; it saves itself into the models folder at every epoch end.');
    if (o.kind === 'new') return say('A new run; it saves itself as a new model at every epoch end.');
    if (o.kind === 'recovered') return say('Resumed from its last saved epoch after the engine stopped; it keeps saving into the same model.');
    const plan = o.to < f.running.epochs ? ` (its learning-rate schedule keeps its plan of ${f.running.epochs} epochs)` : '';
    return say(`Continuing “${o.name}” to epoch ${o.to}${plan}; every epoch is saved into it.`);
  }
  if (f.problems.length) return { kind: 'refused', text: `Start is refused: ${f.problems[0]}.` };
  let text = `Start begins a new run: ${recipeText(f.config, f.sizes, f.datasetLabel)}.`;
  if (f.loadedFrom?.edited) text += ` These started as the settings of “${f.loadedFrom.name}” and have been changed here; that model stays as it is.`;
  else if (f.loadedFrom) {
    text += ` These are the settings of “${f.loadedFrom.name}”; that model stays as it is.`;
    if (!f.loadedFrom.recorded) text += ' Its file does not record how it was trained: only the network is its own.';
  }
  return { kind: 'new', text };
}
