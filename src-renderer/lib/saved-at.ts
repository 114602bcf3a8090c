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
  const where = runPosition(epoch, step, stepsPerEpoch);
  return where === 'before training' ? '' : `saved ${where.startsWith('after') ? '' : 'at '}${where}`;
}

/**
 * Where in its run a model is, in the words the dashboard uses: "after epoch 2" at an epoch's end,
 * "epoch 3, step 350" part-way into one, "before training"; "step 1,548" when the steps per epoch
 * are not known.
 * @param epoch completed epochs @param step steps in all @param stepsPerEpoch 0 when unknown
 */
export function runPosition(epoch: number, step: number, stepsPerEpoch: number): string {
  if (step === 0 && epoch === 0) return 'before training';
  const into = stepsPerEpoch > 0 ? step - epoch * stepsPerEpoch : null;
  if (into === 0) return `after epoch ${epoch}`;
  if (into !== null && into > 0 && into < stepsPerEpoch) return `epoch ${epoch + 1}, step ${count(into)}`;
  return `step ${count(step)}`;
}
