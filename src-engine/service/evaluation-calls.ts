/**
 * The engine's answers to the Evaluate view: `model:evaluate`, `model:gallery` and `model:hidden`.
 * Keeps the last evaluation's per-example results so that a gallery is a sort, not another pass;
 * a new model or new weights (another `model:evaluate`) replace them.
 */
import type { Dataset } from '../data/dataset';
import type { Model } from '../nn/model';
import {
  type EvalSplit,
  type ExampleResults,
  evaluateExamples,
  type Gallery,
  gallery,
  type GalleryQuery,
  type HiddenActivations,
  hiddenActivations,
  hiddenLayerChoices,
} from '../train/evaluation-report';
import type { EvaluationReport } from '../protocol';

/** Most digits one gallery sends. */
export const MAX_GALLERY = 200;
/** Most digits the hidden-layer map asks activations for. */
export const MAX_HIDDEN_COUNT = 10000;

/** What the calls need from the engine's current model. */
export interface EvaluationTarget {
  model: Model;
  /** Where in its run the weights are (completed epochs, steps in all, batches an epoch or 0). */
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  test: Dataset | null;
  validation: Dataset | null;
}

/** Answers the three evaluation calls for the engine's current model. */
export class EvaluationCalls {
  private kept: { model: Model; split: EvalSplit; examples: ExampleResults } | null = null;

  /** Evaluate the model on a split and keep the per-example results for galleries. */
  evaluate(t: EvaluationTarget, split: unknown): EvaluationReport {
    const s = checkSplit(split);
    const ds = splitData(t, s);
    const { summary, examples } = evaluateExamples(t.model, ds, s);
    this.kept = { model: t.model, split: s, examples };
    // NOTE: step 0 of no known epoch length is a file without its training state, not "before training"
    const known = t.step > 0 || t.stepsPerEpoch > 0;
    return { ...summary, weights: known ? { epoch: t.epoch, step: t.step, stepsPerEpoch: t.stepsPerEpoch } : null };
  }

  /** One gallery of the last evaluation of this model on this split. */
  gallery(t: EvaluationTarget, split: unknown, query: unknown, limit: unknown): Gallery {
    const s = checkSplit(split);
    if (!this.kept || this.kept.model !== t.model || this.kept.split !== s) throw new Error(`evaluate the model on the ${s} images first`);
    const n = limit === undefined ? 60 : limit;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_GALLERY) throw new Error(`a gallery shows 1 to ${MAX_GALLERY} digits (got ${String(n)})`);
    return gallery(this.kept.examples, checkQuery(query, t.model.architecture.classes.length), n);
  }

  /** A hidden layer's activations for the first `count` images of a split. */
  hidden(t: EvaluationTarget, split: unknown, layer: unknown, count: unknown): HiddenActivations {
    const ds = splitData(t, checkSplit(split));
    const choices = hiddenLayerChoices(t.model);
    if (typeof layer !== 'number' || !choices.includes(layer)) {
      throw new Error(`the hidden layer must be one of ${choices.join(', ') || '(none: the model has no hidden layer)'} (got ${String(layer)})`);
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_HIDDEN_COUNT) {
      throw new Error(`the number of digits must be 1 to ${MAX_HIDDEN_COUNT} (got ${String(count)})`);
    }
    return hiddenActivations(t.model, ds, layer, count);
  }
}

function checkSplit(split: unknown): EvalSplit {
  if (split !== 'test' && split !== 'validation') throw new Error(`the split must be "test" or "validation" (got ${JSON.stringify(split) ?? String(split)})`);
  return split;
}

function splitData(t: EvaluationTarget, split: EvalSplit): Dataset {
  const ds = split === 'test' ? t.test : t.validation;
  if (!ds) throw new Error(split === 'test' ? 'no test images are known for this model' : 'this model was trained without a validation split');
  if (ds.count === 0) throw new Error(`the ${split} set is empty`);
  return ds;
}

function checkQuery(q: unknown, classes: number): GalleryQuery {
  const o = (typeof q === 'object' && q !== null ? q : {}) as Record<string, unknown>;
  if (o.kind === 'wrong' || o.kind === 'unsure') return { kind: o.kind };
  if (o.kind !== 'cell') throw new Error('a gallery is "cell", "wrong" or "unsure"');
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < classes;
  if (!ok(o.truth) || !ok(o.predicted)) throw new Error(`a confusion cell's classes must be 0 to ${classes - 1}`);
  return { kind: 'cell', truth: o.truth, predicted: o.predicted };
}
