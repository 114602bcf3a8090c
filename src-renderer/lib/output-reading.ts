/**
 * How to read a model's outputs on the digit pad, by the loss it was trained with: softmax
 * probabilities for cross-entropy; for binary cross-entropy the probability of one class rather
 * than the other; for mean squared error raw scores aiming at 1 for the right class (not
 * probabilities). And a model that knows only some classes answers one of them for anything drawn.
 */
import type { LossName } from '../../src-engine/architecture';
import type { Prediction } from '../../src-engine/protocol';

const DIGITS = '0,1,2,3,4,5,6,7,8,9';

/** "3 and 7", "1, 2 and 5" */
function list(names: string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Whether the outputs are scores (mse) rather than probabilities. */
export function scoresNotProbabilities(loss: LossName | null): boolean {
  return loss === 'mse';
}

/** What the outputs are and what the model can answer, or null when they read as plain probabilities of every digit. */
export function outputNote(loss: LossName | null, classes: string[]): string | null {
  const notes: string[] = [];
  if (scoresNotProbabilities(loss)) {
    notes.push('Trained with mean squared error, the model gives each class a score that aims at 1 for the right class and 0 for the others: scores, not probabilities.');
  }
  if (classes.length && classes.join(',') !== DIGITS) {
    notes.push(`It knows only ${list(classes)}: whatever is drawn, it answers one of them.`);
  }
  return notes.length ? notes.join(' ') : null;
}

/** "82.0% sure", "97.7% sure it is 3 rather than 7", "score 0.93" */
export function confidenceText(loss: LossName | null, classes: string[], prediction: Prediction, answer: number): string {
  if (scoresNotProbabilities(loss)) return `score ${prediction.logits[answer].toFixed(2)}`;
  const sure = `${(prediction.probabilities[answer] * 100).toFixed(1)}% sure`;
  return loss === 'bce' && classes.length === 2 ? `${sure} it is ${classes[answer]} rather than ${classes[1 - answer]}` : sure;
}
