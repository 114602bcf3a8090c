/**
 * How the Digit pad reads a model's outputs: what they are comes from the engine
 * (src-engine/nn/output-reading.ts, which the command line's `predict` reads too); here, how
 * sure the model is, said in words.
 */
import type { LossName } from '../../src-engine/architecture';
import { binaryAnswer, outputKind } from '../../src-engine/nn/output-reading';
import type { Prediction } from '../../src-engine/protocol';

export { outputNote } from '../../src-engine/nn/output-reading';

/** Whether the outputs are scores (mse) rather than probabilities. */
export function scoresNotProbabilities(loss: LossName | null): boolean {
  return outputKind(loss) === 'scores';
}

/** "82.0% sure", "97.7% sure it is 3 rather than 7", "score 0.93" */
export function confidenceText(loss: LossName | null, classes: string[], prediction: Prediction, answer: number): string {
  if (scoresNotProbabilities(loss)) return `score ${prediction.logits[answer].toFixed(2)}`;
  const sure = `${(prediction.probabilities[answer] * 100).toFixed(1)}% sure`;
  const rather = binaryAnswer(loss, classes, answer);
  return rather ? `${sure} it is ${rather}` : sure;
}
