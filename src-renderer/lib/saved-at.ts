import { count } from './format';

/**
 * Where the run's file stands, for the dashboard: "saved after epoch 2" for a save at an epoch's
 * end, "saved at epoch 2, step 610" for one at a pause or stop in the middle of an epoch (its
 * weights are not epoch 1's), '' before any save.
 * @param epoch completed epochs in the file
 * @param step steps in the file (null when unknown)
 * @param stepsPerEpoch the run's steps per epoch (0 when unknown)
 */
export function savedAt(epoch: number | null, step: number | null, stepsPerEpoch: number): string {
  if (epoch === null) return '';
  if (step === null) return epoch > 0 ? `saved after epoch ${epoch}` : '';
  const into = stepsPerEpoch > 0 ? step - epoch * stepsPerEpoch : null;
  if (into === 0) return `saved after epoch ${epoch}`;
  if (into !== null && into > 0 && into < stepsPerEpoch) return `saved at epoch ${epoch + 1}, step ${count(into)}`;
  return `saved at step ${count(step)}`;
}
