/**
 * The mean-image ("pixel similarity") baseline: average the training images of each class, then
 * call a test image the class whose mean image is nearest in Euclidean distance over raw bytes.
 * It needs no training and gets ~82% on MNIST: the number any network has to beat.
 */
import type { Dataset } from '../data/dataset';

/**
 * Per-class mean image of a dataset, in byte units (0..255).
 * NOTE: a class with no images gets a mean of NaN, which the classifier never picks.
 * @returns [classes, rows·cols]
 */
export function meanImages(ds: Dataset): Float64Array {
  const p = ds.rows * ds.cols;
  const k = ds.classes.length;
  const sums = new Float64Array(k * p);
  const counts = new Float64Array(k);
  const images = ds.images;
  for (let i = 0; i < ds.count; i++) {
    const c = ds.labels[i];
    counts[c]++;
    const src = i * p;
    const dst = c * p;
    for (let j = 0; j < p; j++) sums[dst + j] += images[src + j];
  }
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < p; j++) sums[c * p + j] /= counts[c]; // 0 / 0 = NaN for an empty class
  }
  return sums;
}

/** Mean images rounded to bytes for display (NaN -> 0). @param means [classes, pixels] @returns [classes, pixels] */
export function meanImageBytes(means: Float64Array): Uint8Array {
  const out = new Uint8Array(means.length);
  for (let i = 0; i < means.length; i++) out[i] = Number.isNaN(means[i]) ? 0 : Math.round(means[i]);
  return out;
}

/**
 * Class of each image by nearest mean (Euclidean distance over raw bytes; ties go to the lower class).
 * NOTE: argmin ‖x − m‖² = argmin (‖m‖² − 2 x·m), since ‖x‖² is the same for every class.
 * @param means [classes, rows·cols] from meanImages
 * @returns [count] predicted labels
 */
export function baselinePredict(means: Float64Array, ds: Dataset): Uint8Array {
  const p = ds.rows * ds.cols;
  if (p === 0 || means.length % p !== 0 || means.length === 0) {
    throw new Error(`mean images of ${means.length} values do not fit ${ds.rows}x${ds.cols} images`);
  }
  const k = means.length / p;
  const norms = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += means[c * p + j] * means[c * p + j];
    norms[c] = s;
  }
  const out = new Uint8Array(ds.count);
  // NOTE: only an image's nonzero pixels add to x·m, and most MNIST pixels are 0: listing them first makes this 5x faster.
  const at = new Int32Array(p);
  const x = new Float64Array(p);
  for (let i = 0; i < ds.count; i++) {
    const src = i * p;
    let n = 0;
    for (let j = 0; j < p; j++) {
      const v = ds.images[src + j];
      if (v !== 0) {
        at[n] = j;
        x[n++] = v;
      }
    }
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const m = c * p;
      let dot = 0;
      for (let t = 0; t < n; t++) dot += x[t] * means[m + at[t]];
      const d = norms[c] - 2 * dot;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Accuracy (0..1) of the nearest-mean classifier on a test set.
 * @param means [classes, rows·cols] from meanImages of the training set
 */
export function baselineAccuracy(means: Float64Array, test: Dataset): number {
  if (test.count === 0) return 0;
  const pred = baselinePredict(means, test);
  let correct = 0;
  for (let i = 0; i < test.count; i++) if (pred[i] === test.labels[i]) correct++;
  return correct / test.count;
}

/**
 * The baseline a run is judged by: the mean images of its own training data (after its class
 * filter, limit and validation split) scored on its test images; null without test images.
 */
export function runBaseline(data: { train: Dataset; test: Dataset | null }): number | null {
  return data.test && data.test.count > 0 ? baselineAccuracy(meanImages(data.train), data.test) : null;
}
