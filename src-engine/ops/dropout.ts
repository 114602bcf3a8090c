import * as K from '../kernels/kernels';
import type { Random } from '../random';
import { result, Tensor } from '../tensor';

/**
 * Inverted dropout with a given mask: y = x · mask, where each mask entry is 0 (the unit is
 * dropped) or 1/(1 − p) (kept, scaled up so that the expected output is x and evaluation, which
 * skips dropout, needs no rescaling).
 * @param mask [x.size] of 0 and 1/(1 − p), e.g. from dropoutMask()
 */
export function dropout(x: Tensor, mask: Float64Array): Tensor {
  const X = x.data;
  const y = K.empty(X.length);
  for (let i = 0; i < X.length; i++) y[i] = X[i] * mask[i];
  return result(y, x.shape, [x], 'dropout', (dy, dx) => {
    for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * mask[i]; // dx = dy · mask: a dropped unit passes no gradient
  });
}

/**
 * A fresh mask for dropout(): each entry dropped (0) with probability p, else 1/(1 − p).
 * @param size entries @param p drop probability, 0 ≤ p < 1
 */
export function dropoutMask(size: number, p: number, random: Random): Float64Array {
  const mask = K.empty(size);
  const keep = 1 / (1 - p);
  const threshold = p * 4294967296; // NOTE: one 32-bit draw per unit: uniform < p ⇔ draw < p·2³²
  for (let i = 0; i < size; i++) mask[i] = random.nextUint32() < threshold ? 0 : keep;
  return mask;
}
