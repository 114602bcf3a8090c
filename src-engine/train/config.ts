import { ACTIVATIONS, type Activation, LOSSES, type LossName } from '../architecture';
import { type AugmentSettings, augmentProblems } from '../data/augment';
import type { DatasetSource } from '../data/dataset-source';
import type { OptimizerName } from '../optim/optimizer';
import type { ScheduleName } from '../optim/schedule';

/** Everything that defines a training run. */
export interface TrainConfig {
  dataset: DatasetSource;
  /** Keep only these labels, e.g. [3, 7] for the binary task (bce). Empty or absent: all. */
  classes?: number[];
  /** Train on the first N images only. */
  limit?: number;
  /** Fraction of the training images held out for validation (0 to 0.5). */
  validation?: number;
  /** Hidden layer sizes; input and output sizes follow the dataset. */
  hidden: number[];
  activation: Activation;
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  schedule: ScheduleName;
  batch: number;
  epochs: number;
  seed: number;
  /**
   * Dropout probability after each hidden layer's activation (absent, or 0: none); one entry per
   * hidden layer. The model's architecture records it as dropout layers.
   */
  dropout?: number[];
  /** Distort the training images afresh each epoch (absent: none). */
  augment?: AugmentSettings;
  /**
   * Stop after this many minutes of training and keep the weights with the best validation
   * accuracy so far (absent: no limit).
   */
  timeLimit?: number;
  /**
   * The preset (an id of train/presets.ts) whose recipe these settings began from, changed or
   * not; absent: the learner's own. Training does not read it: it is kept with the model, so
   * that the app can say what recipe a run followed, also after a reload.
   */
  preset?: string;
}

/** The defaults we choose for learners: ≥ 97.5% on MNIST in a few epochs. */
export const DEFAULT_CONFIG: TrainConfig = {
  dataset: { kind: 'mnist' },
  hidden: [128],
  activation: 'relu',
  loss: 'cross_entropy',
  optimizer: 'sgd',
  lr: 0.05,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 0,
  schedule: 'cosine',
  batch: 64,
  epochs: 5,
  seed: 1,
};

const OPTIMIZERS = ['sgd', 'adam', 'adamw'];
const SCHEDULES = ['constant', 'step', 'cosine'];
export const MAX_HIDDEN_UNITS = 4096;
export const MAX_HIDDEN_LAYERS = 8;
export const MAX_EPOCHS = 1000;
export const MAX_BATCH = 60000;
/** Dropping more than this share of a layer's units leaves too little signal to learn from. */
export const MAX_DROPOUT = 0.9;
/** A week, in minutes. */
export const MAX_TIME_LIMIT = 10080;

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** A value for a message: JSON (a BigInt or a cycle named by its type), at most 60 characters. */
function shortJson(v: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = typeof v;
  }
  text ??= String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Problems with a training config, each a specific sentence a learner can act on; empty when
 * the config is sound. Shared by the form, the host and the engine so all refuse alike.
 */
export function configProblems(c: Partial<TrainConfig>): string[] {
  const p: string[] = [];
  const got = (v: unknown) => (v === undefined ? '(it is missing)' : `(got ${typeof v === 'number' || typeof v === 'boolean' ? v : shortJson(v)})`);
  if (!Array.isArray(c.hidden)) p.push('hidden layer sizes must be a list (it may be empty)');
  else {
    if (c.hidden.length > MAX_HIDDEN_LAYERS) p.push(`at most ${MAX_HIDDEN_LAYERS} hidden layers (got ${c.hidden.length})`);
    c.hidden.forEach((h, i) => {
      if (!isInt(h) || h < 1 || h > MAX_HIDDEN_UNITS) p.push(`hidden layer ${i + 1} must have 1 to ${MAX_HIDDEN_UNITS} units ${got(h)}`);
    });
  }
  if (!ACTIVATIONS.includes(c.activation as never)) p.push(`activation must be one of ${ACTIVATIONS.join(', ')} ${got(c.activation)}`);
  if (!LOSSES.includes(c.loss as never)) p.push(`loss must be one of ${LOSSES.join(', ')} ${got(c.loss)}`);
  if (!OPTIMIZERS.includes(c.optimizer as never)) p.push(`optimizer must be sgd, adam or adamw ${got(c.optimizer)}`);
  if (!SCHEDULES.includes(c.schedule as never)) p.push(`schedule must be constant, step or cosine ${got(c.schedule)}`);
  if (!isNum(c.lr) || c.lr <= 0) p.push(`learning rate must be a positive number ${got(c.lr)}`);
  else if (c.lr > 10) p.push(`learning rate ${c.lr} is absurdly high; use at most 10`);
  if (!isNum(c.momentum) || c.momentum < 0 || c.momentum >= 1) p.push(`momentum must be from 0 up to (not including) 1 ${got(c.momentum)}`);
  if (typeof c.nesterov !== 'boolean') p.push('nesterov must be true or false');
  else if (c.nesterov && c.optimizer === 'sgd' && !(isNum(c.momentum) && c.momentum > 0)) p.push('Nesterov momentum needs a momentum above 0');
  if (!isNum(c.weightDecay) || c.weightDecay < 0 || c.weightDecay >= 1) p.push(`weight decay must be from 0 up to 1 ${got(c.weightDecay)}`);
  if (!isInt(c.batch) || c.batch < 1 || c.batch > MAX_BATCH) p.push(`batch size must be a whole number from 1 to ${MAX_BATCH} ${got(c.batch)}`);
  if (!isInt(c.epochs) || c.epochs < 1 || c.epochs > MAX_EPOCHS) p.push(`epochs must be a whole number from 1 to ${MAX_EPOCHS} ${got(c.epochs)}`);
  if (!isInt(c.seed) || c.seed < 0 || c.seed > 0xffffffff) p.push(`seed must be a whole number from 0 to 4294967295 ${got(c.seed)}`);
  // NOTE: any short name: a model saved by a later version may name a preset this one lacks
  if (c.preset !== undefined && !(typeof c.preset === 'string' && /^[a-z0-9-]{1,40}$/.test(c.preset))) {
    p.push(`preset must be a preset's name such as lecun-1998 ${got(c.preset)}`);
  }
  if (c.limit !== undefined && (!isInt(c.limit) || c.limit < 1)) p.push(`the training-image limit must be a positive whole number ${got(c.limit)}`);
  if (c.validation !== undefined && (!isNum(c.validation) || c.validation < 0 || c.validation > 0.5)) {
    p.push(`validation split must be a fraction from 0 to 0.5 ${got(c.validation)}`);
  }
  if (c.classes !== undefined) {
    if (!Array.isArray(c.classes) || !c.classes.every((k) => isInt(k) && k >= 0 && k < 256)) p.push('classes must be a list of labels 0-255');
    else if (c.classes.length === 1) p.push('pick at least two classes to tell apart');
    else if (new Set(c.classes).size !== c.classes.length) p.push('classes must not repeat');
  }
  if (c.loss === 'bce' && (c.classes?.length ?? 0) !== 2) p.push('the bce loss is for two classes: pick exactly two, e.g. 3 and 7');
  if (c.dropout !== undefined) {
    const bad = Array.isArray(c.dropout) ? c.dropout.find((x) => !(isNum(x) && x >= 0 && x < MAX_DROPOUT)) : c.dropout;
    if (!Array.isArray(c.dropout) || bad !== undefined) {
      // NOTE: the value that is wrong, not the whole list: "(got 1)", never "(got [1])"
      p.push(`dropout must be a probability from 0 up to ${MAX_DROPOUT} for each hidden layer ${got(bad)}`);
    } else if (Array.isArray(c.hidden) && c.dropout.length > c.hidden.length) {
      p.push(`dropout lists ${c.dropout.length} probabilities but there ${c.hidden.length === 1 ? 'is 1 hidden layer' : `are ${c.hidden.length} hidden layers`}`);
    }
  }
  if (c.augment !== undefined) p.push(...augmentProblems(c.augment));
  if (c.timeLimit !== undefined && (!isNum(c.timeLimit) || c.timeLimit <= 0 || c.timeLimit > MAX_TIME_LIMIT)) {
    p.push(`time limit must be a number of minutes above 0 and at most ${MAX_TIME_LIMIT} ${got(c.timeLimit)}`);
  }
  const ds = c.dataset as TrainConfig['dataset'] | undefined;
  if (!ds || !['mnist', 'idx', 'csv'].includes(ds.kind)) p.push('dataset must be mnist, an IDX folder or a CSV file');
  else if (ds.kind === 'idx' && (typeof ds.dir !== 'string' || !ds.dir)) p.push('an IDX dataset needs a folder');
  else if (ds.kind === 'csv' && (typeof ds.train !== 'string' || !ds.train)) p.push('a CSV dataset needs a file');
  return p;
}

/** Throw the first problem of a config, if any. */
export function validateConfig(c: Partial<TrainConfig>): asserts c is TrainConfig {
  const problems = configProblems(c);
  if (problems.length) throw new Error(problems[0]);
}
