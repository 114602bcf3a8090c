/**
 * The coach: short diagnoses of a run, each a pure rule over its metrics that names the
 * evidence it saw and one thing to try. A rule speaks only when its evidence is there; the
 * Train view shows what the rules return. No free text is generated: every sentence is here.
 */
import type { EpochMetrics, HealthSample, RunOutcome, TrainConfig } from '../../src-engine/protocol';
import { layerTitle } from './layer-names';
import { OPTIMIZER_NAMES } from './run-plan';

export type DiagnosisId = 'flat_loss' | 'diverging' | 'dead_relu' | 'saturated' | 'overfitting' | 'mse_on_classes';

export interface Diagnosis {
  id: DiagnosisId;
  /** 'problem': the run is failing; 'advice': it works but could do better. */
  severity: 'problem' | 'advice';
  title: string;
  /** What the rule saw, with the numbers. */
  evidence: string;
  /** One thing to try. */
  tryThis: string;
}

/** Everything the rules may look at. */
export interface CoachInput {
  config: Pick<TrainConfig, 'lr' | 'activation' | 'loss' | 'optimizer'> | null;
  /** Classes the model tells apart. */
  classes: number;
  /** Batch losses in step order. */
  losses: readonly { x: number; y: number }[];
  history: readonly EpochMetrics[];
  /** The latest health measurement (null before the first). */
  health: HealthSample | null;
  outcome: RunOutcome | null;
}

/** Batches a loss must have run before "flat" or "rising" can be said (or one epoch, on small data). */
export const MIN_STEPS = 100;
/** Flat: the recent loss is at least this fraction of the starting loss. */
export const FLAT = 0.97;
/** Rising: the recent loss is this many times its lowest so far. */
export const RISING = 1.5;
/** The fewest batches whose median the rising rule compares. */
export const RISE_WINDOW = 20;
/** Most units dead or saturated. */
export const MOST_UNITS = 0.5;
/** Training accuracy this far above validation (or test) accuracy is overfitting. */
export const OVERFIT_GAP = 0.04;

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 && x > 0 ? 1 : 0)}%`;
const rate = (lr: number) => (lr >= 1e-3 ? String(Number(lr.toPrecision(2))) : lr.toExponential(0));

/** Median of the finite y values in [from, to): one wild batch does not move it. */
function medianOf(points: readonly { y: number }[], from: number, to: number): number {
  const ys = points.slice(Math.max(0, from), to).map((p) => p.y).filter(Number.isFinite).sort((a, b) => a - b);
  return ys.length ? ys[Math.floor(ys.length / 2)] : NaN;
}

/** Enough batches to judge the loss's course: MIN_STEPS, or a whole epoch of a small dataset. */
function enoughSteps(i: CoachInput): boolean {
  return i.losses.length >= MIN_STEPS || (i.history.length >= 1 && i.losses.length >= 10);
}

/**
 * The largest dead (relu) or saturated (sigmoid, tanh) fraction over the hidden layers, with the
 * layer's activation and its name as the views give it ("layer 0 (hidden layer 1)").
 */
function worstUnits(health: HealthSample | null, key: 'dead_fraction' | 'saturated_fraction'): { fraction: number; layer: string; activation: string } | null {
  let worst: { fraction: number; layer: string; activation: string } | null = null;
  const layers = health?.layers ?? [];
  for (const [i, l] of layers.entries()) {
    const f = l[key];
    if (f !== null && (!worst || f > worst.fraction)) worst = { fraction: f, layer: layerTitle(l.name, i, layers.length).replace('Layer', 'layer'), activation: l.activation };
  }
  return worst;
}

export function diverging(i: CoachInput): Diagnosis | null {
  const lr = i.config?.lr;
  const tryThis = lr ? `Lower the learning rate to a tenth (${rate(lr / 10)}), or run the learning-rate finder.` : 'Lower the learning rate to a tenth, or run the learning-rate finder.';
  if (i.outcome?.kind === 'diverged') {
    return { id: 'diverging', severity: 'problem', title: 'The loss diverged: the learning rate is too high', evidence: i.outcome.message, tryThis };
  }
  const n = i.losses.length;
  if (!enoughSteps(i)) return null;
  // NOTE: medians of 20 batches at least, and three windows' worth: a continued run's first 30 batches,
  // in windows of 5, were called "rising" on noise alone (0.05 -> 0.08) while its test loss fell.
  const window = Math.max(RISE_WINDOW, Math.floor(n / 20));
  if (n < 3 * window) return null;
  let lowest = Infinity;
  for (let s = 0; s + window <= n; s += window) lowest = Math.min(lowest, medianOf(i.losses, s, s + window));
  const recent = medianOf(i.losses, n - window, n);
  const start = medianOf(i.losses, 0, window);
  if (!(recent > RISING * lowest && recent > start)) return null;
  return {
    id: 'diverging',
    severity: 'problem',
    title: 'The loss is rising: the learning rate is too high',
    evidence: `the loss is ${recent.toFixed(3)} now, up from a low of ${lowest.toFixed(3)} and above its start (${start.toFixed(3)})`,
    tryThis,
  };
}

export function flatLoss(i: CoachInput): Diagnosis | null {
  // NOTE: a loss that rose is the diverging rule's: "has not moved" beside "is rising" contradicted it.
  if (i.outcome?.kind === 'diverged' || diverging(i)) return null;
  const n = i.losses.length;
  if (!enoughSteps(i)) return null;
  const window = Math.max(5, Math.floor(n / 20));
  const start = medianOf(i.losses, 0, window);
  const recent = medianOf(i.losses, n - window, n);
  // NOTE: a loss a little higher than at its start has moved, and a too small rate is no reason for that.
  if (!(recent >= FLAT * start && recent <= start / FLAT)) return null;
  const dead = worstUnits(i.health, 'dead_fraction');
  const evidence = `the loss is ${recent.toFixed(3)} after ${i.losses[n - 1].x} steps, against ${start.toFixed(3)} at the start`;
  if (dead && dead.fraction >= MOST_UNITS) {
    return {
      id: 'flat_loss',
      severity: 'problem',
      title: 'The loss has not moved: most units are dead',
      evidence: `${evidence}; ${pct(dead.fraction)} of the ReLU units of ${dead.layer} never output anything above 0`,
      tryThis: `Start again with a lower learning rate${i.config ? ` (a tenth: ${rate(i.config.lr / 10)})` : ''}; dead units do not come back.`,
    };
  }
  return {
    id: 'flat_loss',
    severity: 'problem',
    title: 'The loss has not moved: the learning rate may be too small',
    evidence: `${evidence}${dead ? `; ${pct(dead.fraction)} of the ReLU units are dead, so that is not it` : ''}`,
    tryThis: i.config ? largerRate(i.config) : 'Try a learning rate ten times larger, or run the learning-rate finder.',
  };
}

/**
 * Each optimizer's usual learning rates: plain SGD's 0.01 to 0.1, Adam's about 1e-3. Above `high`
 * a rate is high; below `low`, ten times more is still far too little, so the coach names the range.
 */
const USUAL_RATE = {
  sgd: { low: 0.001, high: 0.1, range: '0.01 to 0.1', start: 0.05 },
  adam: { low: 1e-5, high: 0.01, range: '0.0001 to 0.001', start: 0.001 },
  adamw: { low: 1e-5, high: 0.01, range: '0.0001 to 0.001', start: 0.001 },
} as const;

function largerRate(c: Pick<TrainConfig, 'lr' | 'optimizer'>): string {
  const usual = USUAL_RATE[c.optimizer];
  if (c.lr < usual.low) {
    return `${rate(c.lr)} is far below ${OPTIMIZER_NAMES[c.optimizer]}'s usual ${usual.range}: try ${rate(usual.start)}, or run the learning-rate finder.`;
  }
  return `Try a learning rate ten times larger (${rate(c.lr * 10)}), or run the learning-rate finder.`;
}

function rateIsHigh(c: Pick<TrainConfig, 'lr' | 'optimizer'>): boolean {
  return c.lr > USUAL_RATE[c.optimizer].high;
}

export function deadRelu(i: CoachInput): Diagnosis | null {
  const dead = worstUnits(i.health, 'dead_fraction');
  if (!dead || dead.fraction < MOST_UNITS) return null;
  return {
    id: 'dead_relu',
    severity: 'problem',
    title: 'Most ReLU units are dead',
    evidence: `${pct(dead.fraction)} of the units of ${dead.layer} gave no positive output on any recent training example, so no gradient reaches their weights`,
    tryThis: i.config && rateIsHigh(i.config) ? `Lower the learning rate (${rate(i.config.lr)} is high${i.config.optimizer === 'sgd' ? '' : ` for ${OPTIMIZER_NAMES[i.config.optimizer]}`}; try ${rate(i.config.lr / 10)}).` : 'Use leaky ReLU, which lets a little gradient through below 0.',
  };
}

export function saturated(i: CoachInput): Diagnosis | null {
  const sat = worstUnits(i.health, 'saturated_fraction');
  if (!sat || sat.fraction < MOST_UNITS) return null;
  const act = sat.activation;
  return {
    id: 'saturated',
    severity: 'problem',
    title: `Most ${act} units are saturated`,
    evidence: `${pct(sat.fraction)} of the units of ${sat.layer} sit at the flat ends of ${act} on most examples, where the gradient is almost 0`,
    tryThis: i.config && rateIsHigh(i.config) ? `Lower the learning rate (try ${rate(i.config.lr / 10)}), so the weights do not grow so large.` : 'Try ReLU, which does not saturate for positive inputs.',
  };
}

export function overfitting(i: CoachInput): Diagnosis | null {
  const last = i.history.at(-1);
  if (!last || i.history.length < 2) return null;
  const held = last.val_accuracy !== undefined && Number.isFinite(last.val_accuracy) ? { acc: last.val_accuracy, name: 'validation' } : Number.isFinite(last.test_accuracy) ? { acc: last.test_accuracy, name: 'test' } : null;
  if (!held) return null;
  const gap = last.train_accuracy - held.acc;
  if (gap < OVERFIT_GAP) return null;
  return {
    id: 'overfitting',
    severity: 'advice',
    title: 'Overfitting: training accuracy is far above the held-out accuracy',
    evidence: `after epoch ${last.epoch}, training accuracy is ${pct(last.train_accuracy)} but ${held.name} accuracy is ${pct(held.acc)} (a gap of ${(gap * 100).toFixed(1)} points): the network memorises its training images`,
    tryThis: 'Add weight decay (e.g. 0.0005); fewer epochs or more training images help too.',
  };
}

export function mseOnClasses(i: CoachInput): Diagnosis | null {
  if (i.config?.loss !== 'mse' || i.classes < 3 || i.losses.length === 0) return null;
  return {
    id: 'mse_on_classes',
    severity: 'advice',
    title: 'Mean squared error on classes',
    evidence: `the loss is MSE on ${i.classes} classes: its gradient shrinks as a wrong answer gets more confident`,
    tryThis: 'Use cross-entropy: it learns faster here.',
  };
}

/** Every rule, most important first. */
export const RULES = [diverging, flatLoss, deadRelu, saturated, overfitting, mseOnClasses] as const;

/** The diagnoses whose evidence is there now (at most one per rule). */
export function diagnose(input: CoachInput): Diagnosis[] {
  const found = RULES.map((rule) => rule(input)).filter((d): d is Diagnosis => d !== null);
  // NOTE: "flat because dead" already names the dead units; saying it twice is noise.
  const flatDead = found.some((d) => d.id === 'flat_loss' && d.title.includes('dead'));
  return flatDead ? found.filter((d) => d.id !== 'dead_relu') : found;
}
