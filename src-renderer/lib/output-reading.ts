/**
 * How the Digit pad reads a model's outputs: what they are comes from the engine
 * (src-engine/nn/output-reading.ts, which the command line's `predict` reads too); here, how
 * much the model gives its answer, said in words.
 */
import type { LossName } from '../../src-engine/architecture';
import { binaryAnswer, outputKind } from '../../src-engine/nn/output-reading';
import type { Prediction } from '../../src-engine/protocol';

export { outputNote } from '../../src-engine/nn/output-reading';

/** Whether the outputs are scores (mse) rather than probabilities. */
export function scoresNotProbabilities(loss: LossName | null): boolean {
  return outputKind(loss) === 'scores';
}

/**
 * "softmax 82.0%", "sigmoid 97.7% that it is 3 rather than 7", "score 0.93". NOTE: named by the
 * function that made it, not "82% sure": softmax shares 100% among the classes whatever is
 * drawn (a dot got "64.5% sure"), which is not how sure the network is.
 */
export function confidenceText(loss: LossName | null, classes: string[], prediction: Prediction, answer: number): string {
  if (scoresNotProbabilities(loss)) return `score ${prediction.logits[answer].toFixed(2)}`;
  const p = `${(prediction.probabilities[answer] * 100).toFixed(1)}%`;
  const rather = binaryAnswer(loss, classes, answer);
  return rather ? `sigmoid ${p} that it is ${rather}` : `softmax ${p}`;
}
