import { count } from './format';

/** Where in its run a model is: before training, at an epoch's end, part-way into one, or a step of unknown epoch. */
export type RunPlace = 'start' | 'epoch-end' | 'mid-epoch' | 'step';

/**
 * Where in its run a model is, and the dashboard's words for it: "after epoch 2" at an epoch's end,
 * "epoch 3, step 350" part-way into one, "before training"; "step 1,548" when the steps per epoch
 * are not known.
 * @param epoch completed epochs @param step steps in all @param stepsPerEpoch 0 when unknown
 */
export function runPlace(epoch: number, step: number, stepsPerEpoch: number): { place: RunPlace; text: string } {
  if (step === 0 && epoch === 0) return { place: 'start', text: 'before training' };
  const into = stepsPerEpoch > 0 ? step - epoch * stepsPerEpoch : null;
  if (into === 0) return { place: 'epoch-end', text: `after epoch ${epoch}` };
  if (into !== null && into > 0 && into < stepsPerEpoch) return { place: 'mid-epoch', text: `epoch ${epoch + 1}, step ${count(into)}` };
  return { place: 'step', text: `step ${count(step)}` };
}

/** runPlace's words alone. */
export function runPosition(epoch: number, step: number, stepsPerEpoch: number): string {
  return runPlace(epoch, step, stepsPerEpoch).text;
}

/** runPlace in a sentence's words: "after epoch 2", "at epoch 3, step 415", "at step 2,103", "before training". */
export function atPosition(epoch: number, step: number, stepsPerEpoch: number): string {
  const { place, text } = runPlace(epoch, step, stepsPerEpoch);
  return place === 'epoch-end' || place === 'start' ? text : `at ${text}`;
}

/**
 * Where the run's file stands, for the dashboard: "saved after epoch 2" for a save at an epoch's
 * end, "saved at epoch 2, step 610" for one at a pause or stop in the middle of an epoch (its
 * weights are not epoch 1's), '' before any save.
 * @param epoch completed epochs in the file
 * @param step steps in the file (null when unknown)
 * @param stepsPerEpoch the run's steps per epoch (0 when unknown)
 */
export function savedPosition(epoch: number | null, step: number | null, stepsPerEpoch: number): string {
  if (epoch === null) return '';
  if (step === null) return epoch > 0 ? `saved after epoch ${epoch}` : '';
  return runPlace(epoch, step, stepsPerEpoch).place === 'start' ? '' : `saved ${atPosition(epoch, step, stepsPerEpoch)}`;
}
