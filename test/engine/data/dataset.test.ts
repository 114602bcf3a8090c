import { describe, expect, it } from 'vitest';
import {
  classCount,
  classHistogram,
  datasetFromIdx,
  datasetHash,
  datasetMeta,
  filterClasses,
  limitDataset,
  splitValidation,
  type Dataset,
} from '../../../src-engine/data/dataset';
import { Random } from '../../../src-engine/random';

/** n 1x2 images; image i has pixels [i, 100 + i] and label i % classes. */
function tiny(n: number, classes = 10): Dataset {
  const images = new Uint8Array(n * 2);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    images[2 * i] = i;
    images[2 * i + 1] = 100 + i;
    labels[i] = i % classes;
  }
  return { name: 'tiny', images, labels, count: n, rows: 1, cols: 2, classes: Array.from({ length: classes }, (_, i) => String(i)) };
}

describe('datasetFromIdx', () => {
  it('builds a dataset with classes 0..max label', () => {
    const ds = datasetFromIdx('d', { dims: [2, 1, 2], data: new Uint8Array(4) }, { dims: [2], data: new Uint8Array([0, 2]) }, 'i', 'l');
    expect([ds.count, ds.rows, ds.cols]).toEqual([2, 1, 2]);
    expect(ds.classes).toEqual(['0', '1', '2']);
  });

  it('refuses mismatched counts and wrong dimensions', () => {
    const img = { dims: [2, 1, 2], data: new Uint8Array(4) };
    expect(() => datasetFromIdx('d', img, { dims: [3], data: new Uint8Array(3) }, 'imgs', 'labs')).toThrow('labs has 3 labels but imgs has 2 images');
    expect(() => datasetFromIdx('d', { dims: [2, 2], data: new Uint8Array(4) }, { dims: [2], data: new Uint8Array(2) }, 'imgs', 'labs')).toThrow(
      'imgs: expected images with 3 dimensions [count, rows, cols], found [2, 2]',
    );
    expect(() => datasetFromIdx('d', img, { dims: [2, 1], data: new Uint8Array(2) }, 'imgs', 'labs')).toThrow(
      'labs: expected labels with 1 dimension [count], found [2, 1]',
    );
  });
});

describe('filterClasses', () => {
  it('keeps the given labels, remapped in the given order, with the original names', () => {
    const ds = filterClasses(tiny(20), [3, 7]);
    expect(ds.classes).toEqual(['3', '7']);
    expect(ds.count).toBe(4);
    expect([...ds.labels]).toEqual([0, 1, 0, 1]);
    expect([...ds.images]).toEqual([3, 103, 7, 107, 13, 113, 17, 117]);
    expect(filterClasses(tiny(20), [7, 3]).labels[0]).toBe(1);
    expect(classCount(ds)).toBe(2);
  });

  it('keeps class names of an already renamed set', () => {
    const ds = filterClasses(filterClasses(tiny(20), [2, 5, 9]), [2, 0]);
    expect(ds.classes).toEqual(['9', '2']);
  });

  it('refuses classes that are not there, duplicates and fewer than two', () => {
    expect(() => filterClasses(tiny(20), [3, 12])).toThrow('class 12 is not in the dataset (labels 0-9)');
    expect(() => filterClasses(tiny(20), [3, -1])).toThrow('class -1 is not in the dataset (labels 0-9)');
    expect(() => filterClasses(tiny(20), [3, 1.5])).toThrow('class 1.5 is not in the dataset (labels 0-9)');
    expect(() => filterClasses(tiny(20), [3, 3])).toThrow('class 3 is listed twice');
    expect(() => filterClasses(tiny(20), [3])).toThrow('choose at least two classes to tell apart, got [3]');
    expect(() => filterClasses(tiny(5), [7, 8])).toThrow('the dataset has no images of classes 7, 8');
  });
});

describe('limitDataset', () => {
  it('takes the first n images as views', () => {
    const ds = tiny(10);
    const lim = limitDataset(ds, 3);
    expect(lim.count).toBe(3);
    expect([...lim.labels]).toEqual([0, 1, 2]);
    expect([...lim.images]).toEqual([0, 100, 1, 101, 2, 102]);
    expect(lim.images.buffer).toBe(ds.images.buffer);
    expect(limitDataset(ds, 50)).toBe(ds);
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const n of [0, -1, 2.5, NaN]) expect(() => limitDataset(tiny(3), n)).toThrow(`limit must be a positive integer, got ${n}`);
  });
});

describe('splitValidation', () => {
  it('holds out a seeded fraction, keeps order and loses nothing', () => {
    const ds = tiny(100);
    const { train, validation } = splitValidation(ds, 0.2, new Random(5));
    expect(train.count).toBe(80);
    expect(validation.count).toBe(20);
    const firsts = (d: Dataset): number[] => Array.from({ length: d.count }, (_, i) => d.images[2 * i]);
    const all = [...firsts(train), ...firsts(validation)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const t = firsts(train);
    expect(t).toEqual([...t].sort((a, b) => a - b));
    for (let i = 0; i < train.count; i++) expect(train.labels[i]).toBe(train.images[2 * i] % 10);
    const again = splitValidation(ds, 0.2, new Random(5));
    expect(firsts(again.validation)).toEqual(firsts(validation));
    expect(firsts(splitValidation(ds, 0.2, new Random(6)).validation)).not.toEqual(firsts(validation));
  });

  it('holds out at least one image', () => {
    expect(splitValidation(tiny(3), 0.1, new Random(1)).validation.count).toBe(1);
  });

  it('refuses a bad fraction or a dataset too small', () => {
    for (const f of [0, -0.1, 0.6, NaN]) {
      expect(() => splitValidation(tiny(10), f, new Random(1))).toThrow(`validation fraction must be more than 0 and at most 0.5, got ${f}`);
    }
    expect(() => splitValidation(tiny(1), 0.5, new Random(1))).toThrow('cannot hold out validation images from a dataset of 1 image');
  });
});

describe('datasetHash and datasetMeta', () => {
  it('is FNV-1a 32 over images then labels', () => {
    const empty: Dataset = { ...tiny(0), count: 0 };
    expect(datasetHash(empty)).toBe('811c9dc5');
    // FNV-1a("a") = e40c292c
    expect(datasetHash({ ...empty, images: new Uint8Array([0x61]) })).toBe('e40c292c');
    expect(datasetHash({ ...empty, labels: new Uint8Array([0x61]) })).toBe('e40c292c');
    // FNV-1a("foobar") = bf9cf968
    expect(datasetHash({ ...empty, images: new TextEncoder().encode('foo'), labels: new TextEncoder().encode('bar') })).toBe('bf9cf968');
  });

  it('changes with a single pixel or label', () => {
    const ds = tiny(10);
    const h = datasetHash(ds);
    const img = ds.images.slice();
    img[7]++;
    expect(datasetHash({ ...ds, images: img })).not.toBe(h);
    const lab = ds.labels.slice();
    lab[0] = 9;
    expect(datasetHash({ ...ds, labels: lab })).not.toBe(h);
  });

  it('describes train and test', () => {
    const ds = tiny(10);
    expect(datasetMeta(ds, tiny(4))).toEqual({ name: 'tiny', train: 10, test: 4, hash: datasetHash(ds) });
    expect(datasetMeta(ds, null).test).toBe(0);
  });

  it('counts images per class', () => {
    expect([...classHistogram(tiny(12, 5))]).toEqual([3, 3, 2, 2, 2]);
  });
});
