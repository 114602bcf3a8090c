/**
 * A labelled image set kept as bytes (60000 MNIST images are 47 MB as bytes, 376 MB as doubles),
 * and the pure helpers that derive new sets from it: class filter, limit, validation split,
 * content hash. Derived sets copy or view bytes; they never convert pixels to numbers.
 */
import type { Random } from '../random';
import type { DatasetMeta } from './dataset-source';
import type { IdxData } from './idx';

export interface Dataset {
  name: string;
  /** [count, rows, cols] row-major bytes */
  images: Uint8Array;
  /** [count], each < classes.length */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  /** Class names; label i is classes[i]. */
  classes: string[];
}

/** ['0', '1', ..., String(n - 1)] */
export function numberedClasses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}

/** Largest label + 1 (0 for no labels). @param labels [count] */
export function labelRange(labels: Uint8Array): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  return max + 1;
}

/** Images per label value. @param labels [count] @returns [256] counts */
export function labelCounts(labels: Uint8Array): Uint32Array {
  const counts = new Uint32Array(256);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/**
 * Why these labels cannot number the classes, or null. The classes are 0..largest label and each
 * needs an image (here or in `others`, e.g. the other split): else a stray label (200 among 0-9)
 * would silently make a 201-class dataset and model.
 * @param others [256] label counts of the other split (zeros when there is none)
 * @param where where image i is, for the message ("line 12", "at index 11")
 */
export function strayLabelProblem(labels: Uint8Array, others: Uint32Array, where: (i: number) => string): string | null {
  const own = labelCounts(labels);
  const top = labelRange(labels) - 1;
  const missing: string[] = [];
  for (let l = 0; l < top; l++) {
    if (own[l] + others[l] > 0) continue;
    let end = l;
    while (end + 1 < top && own[end + 1] + others[end + 1] === 0) end++;
    missing.push(end === l ? String(l) : `${l}-${end}`);
    l = end;
  }
  if (!missing.length) return null;
  const gaps = missing.length === 1 && !missing[0].includes('-') ? `label ${missing[0]} has` : `labels ${missing.join(', ')} have`;
  const counts = [...own.keys()].filter((l) => own[l] > 0).map((l) => `${l}: ${own[l]}`);
  return (
    `label ${top} (${where(labels.indexOf(top))}) would make ${top + 1} classes, but ${gaps} no images. ` +
    `Labels must number the classes 0, 1, 2, … without gaps; fix or remove the stray label. Label counts: ${counts.join(', ')}.`
  );
}

/** Number of classes of a dataset (its class names; at least largest label + 1). */
export function classCount(ds: Dataset): number {
  return ds.classes.length;
}

/** Images per class. @returns [classes] counts */
export function classHistogram(ds: Dataset): Uint32Array {
  const h = new Uint32Array(ds.classes.length);
  for (let i = 0; i < ds.count; i++) h[ds.labels[i]]++;
  return h;
}

/**
 * Build a dataset from parsed IDX images [count, rows, cols] and labels [count], checking
 * that they fit together. Classes are '0'..'max label' unless given.
 * @param imagesWhat, labelsWhat names for error messages (file names)
 */
export function datasetFromIdx(
  name: string,
  images: IdxData,
  labels: IdxData,
  imagesWhat: string,
  labelsWhat: string,
  classes?: string[],
): Dataset {
  if (images.dims.length !== 3) {
    throw new Error(`${imagesWhat}: expected images with 3 dimensions [count, rows, cols], found [${images.dims.join(', ')}]`);
  }
  if (labels.dims.length !== 1) {
    throw new Error(`${labelsWhat}: expected labels with 1 dimension [count], found [${labels.dims.join(', ')}]`);
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new Error(`${labelsWhat} has ${labels.dims[0]} labels but ${imagesWhat} has ${count} images`);
  }
  const range = labelRange(labels.data);
  const names = classes ?? numberedClasses(range);
  if (range > names.length) throw new Error(`${labelsWhat}: label ${range - 1} but only ${names.length} classes`);
  return { name, images: images.data, labels: labels.data, count, rows, cols, classes: names };
}

/** Why a dataset of n classes has no class `label` ("class 11 is not in the dataset (labels 0-9)"), or null when it has. */
export function classNotInDataset(label: number, n: number): string | null {
  return Number.isInteger(label) && label >= 0 && label < n ? null : `class ${label} is not in the dataset (labels 0-${n - 1})`;
}

/**
 * Keep only some classes, relabelled 0..k-1 in the order given; class names are the original
 * names ([3, 7] on MNIST -> classes ['3', '7'], 3 -> 0, 7 -> 1). Copies the kept images.
 * @param labels original labels to keep, at least two, no duplicates
 */
export function filterClasses(ds: Dataset, labels: number[]): Dataset {
  const n = ds.classes.length;
  if (labels.length < 2) throw new Error(`choose at least two classes to tell apart, got [${labels.join(', ')}]`);
  const map = new Int16Array(256).fill(-1);
  labels.forEach((l, k) => {
    const missing = classNotInDataset(l, n);
    if (missing) throw new Error(missing);
    if (map[l] !== -1) throw new Error(`class ${l} is listed twice`);
    map[l] = k;
  });
  let kept = 0;
  for (let i = 0; i < ds.count; i++) if (map[ds.labels[i]] !== -1) kept++;
  if (kept === 0) throw new Error(`the dataset has no images of classes ${labels.join(', ')}`);
  const pixels = ds.rows * ds.cols;
  const images = new Uint8Array(kept * pixels);
  const out = new Uint8Array(kept);
  let j = 0;
  for (let i = 0; i < ds.count; i++) {
    const k = map[ds.labels[i]];
    if (k === -1) continue;
    images.set(ds.images.subarray(i * pixels, (i + 1) * pixels), j * pixels);
    out[j++] = k;
  }
  return { ...ds, images, labels: out, count: kept, classes: labels.map((l) => ds.classes[l]) };
}

/**
 * The first n images (views, no copy). Returns `ds` itself when n >= count.
 * @param n positive integer
 */
export function limitDataset(ds: Dataset, n: number): Dataset {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`limit must be a positive integer, got ${n}`);
  if (n >= ds.count) return ds;
  const pixels = ds.rows * ds.cols;
  return { ...ds, images: ds.images.subarray(0, n * pixels), labels: ds.labels.subarray(0, n), count: n };
}

/**
 * Hold out a random fraction of the images for validation (seeded: the same random state
 * gives the same split). Both parts keep the original order of their images.
 * @param fraction in (0, 0.5]; the validation part has round(count * fraction) images, at least 1
 */
export function splitValidation(ds: Dataset, fraction: number, random: Random): { train: Dataset; validation: Dataset } {
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 0.5)) {
    throw new Error(`validation fraction must be more than 0 and at most 0.5, got ${fraction}`);
  }
  if (ds.count < 2) throw new Error(`cannot hold out validation images from a dataset of ${ds.count} image${ds.count === 1 ? '' : 's'}`);
  const nVal = Math.max(1, Math.round(ds.count * fraction));
  const order = new Uint32Array(ds.count);
  for (let i = 0; i < ds.count; i++) order[i] = i;
  random.shuffle(order);
  const isVal = new Uint8Array(ds.count);
  for (let i = 0; i < nVal; i++) isVal[order[i]] = 1;
  const pick = (want: number, n: number): Dataset => {
    const pixels = ds.rows * ds.cols;
    const images = new Uint8Array(n * pixels);
    const labels = new Uint8Array(n);
    let j = 0;
    for (let i = 0; i < ds.count; i++) {
      if (isVal[i] !== want) continue;
      images.set(ds.images.subarray(i * pixels, (i + 1) * pixels), j * pixels);
      labels[j++] = ds.labels[i];
    }
    return { ...ds, images, labels, count: n };
  };
  return { train: pick(0, ds.count - nVal), validation: pick(1, nVal) };
}

/** FNV-1a 32-bit hash of the images then the labels, as 8 lowercase hex digits. */
export function datasetHash(ds: Dataset): string {
  let h = 0x811c9dc5;
  const feed = (b: Uint8Array): void => {
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  };
  feed(ds.images);
  feed(ds.labels);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Dataset identity stored with a model: train name, sizes and the train set's hash. */
export function datasetMeta(train: Dataset, test: Dataset | null): DatasetMeta {
  return { name: train.name, train: train.count, test: test ? test.count : 0, hash: datasetHash(train) };
}
