/**
 * What a model's outputs are, by the loss it was trained with: softmax probabilities for
 * cross-entropy; for binary cross-entropy (one sigmoid output) the probability of its second class
 * rather than its first; for mean squared error raw scores aiming at 1 for the right class and 0
 * for the others (not probabilities). And a model that knows only some classes answers one of them
 * for anything it is shown. Read by the Digit pad and by the command line's `predict`.
 */
import type { LossName } from '../architecture';

const DIGITS = '0,1,2,3,4,5,6,7,8,9';

/** Probabilities (cross-entropy, bce), or scores that are not probabilities (mse). */
export type OutputKind = 'probabilities' | 'scores';

/** What the outputs of a model trained with this loss are (null: unknown, read as probabilities). */
export function outputKind(loss: LossName | null): OutputKind {
  return loss === 'mse' ? 'scores' : 'probabilities';
}

/** "3 and 7", "1, 2 and 5" */
function list(names: string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * What the outputs are and what the model can answer, or null when they read as plain probabilities of every digit.
 * @param whatever what the model is shown ("whatever is drawn" on the Digit pad)
 */
export function outputNote(loss: LossName | null, classes: string[], whatever = 'whatever is drawn'): string | null {
  const notes: string[] = [];
  if (outputKind(loss) === 'scores') {
    notes.push('Trained with mean squared error, the model gives each class a score that aims at 1 for the right class and 0 for the others: scores, not probabilities.');
  }
  if (classes.length && classes.join(',') !== DIGITS) {
    notes.push(`It knows only ${list(classes)}: ${whatever}, it answers one of them.`);
  }
  return notes.length ? notes.join(' ') : null;
}

/**
 * A bce model's answer as what its probability measures, one class against the other ("3 rather
 * than 7"); null for other models, whose probabilities are spread over all their classes.
 * @param answer index of the answered class
 */
export function binaryAnswer(loss: LossName | null, classes: string[], answer: number): string | null {
  return loss === 'bce' && classes.length === 2 ? `${classes[answer]} rather than ${classes[1 - answer]}` : null;
}
