import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src-engine/data/csv';

/** A CSV of 2x2 images: rows of [label, p0, p1, p2, p3]. */
function csv(rows: number[][], opts: { header?: boolean; eol?: string } = {}): string {
  const eol = opts.eol ?? '\n';
  const lines = rows.map((r) => r.join(','));
  if (opts.header) lines.unshift('label,pixel0,pixel1,pixel2,pixel3');
  return lines.join(eol) + eol;
}

const ROWS = [
  [3, 0, 255, 10, 20],
  [7, 1, 2, 3, 4],
  [0, 9, 8, 7, 6],
];

describe('parseCsv', () => {
  it('reads labels and pixels without a header', () => {
    const ds = parseCsv(csv(ROWS), 'a.csv');
    expect(ds.count).toBe(3);
    expect(ds.rows).toBe(2);
    expect(ds.cols).toBe(2);
    expect([...ds.labels]).toEqual([3, 7, 0]);
    expect([...ds.images]).toEqual(ROWS.flatMap((r) => r.slice(1)));
    expect(ds.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
  });

  it('detects a header row', () => {
    const ds = parseCsv(csv(ROWS, { header: true }), 'a.csv');
    expect(ds.count).toBe(3);
    expect([...ds.labels]).toEqual([3, 7, 0]);
  });

  it('reads CRLF line ends, no final newline, trailing blank lines, spaces and a BOM', () => {
    expect([...parseCsv(csv(ROWS, { header: true, eol: '\r\n' }), 'a').images]).toEqual(ROWS.flatMap((r) => r.slice(1)));
    expect(parseCsv('1,2,3,4,5\n6,7,8,9,10', 'a').count).toBe(2);
    expect(parseCsv('1,2,3,4,5\n\n\r\n  \n', 'a').count).toBe(1);
    expect([...parseCsv('\ufeff 1 , 2,3 ,4,5\n', 'a').images]).toEqual([2, 3, 4, 5]);
  });

  it('accepts any square pixel count (784 = 28x28)', () => {
    const row = [5, ...new Array(784).fill(1)];
    const ds = parseCsv(csv([row, row]), 'm.csv');
    expect([ds.count, ds.rows, ds.cols]).toEqual([2, 28, 28]);
  });

  it('handles a large file quickly', () => {
    const row = '5,' + Array.from({ length: 784 }, (_, i) => i % 256).join(',');
    const text = (row + '\n').repeat(5000); // ~14 MB
    const t = performance.now();
    const ds = parseCsv(text, 'big.csv');
    expect(ds.count).toBe(5000);
    expect(ds.images[4999 * 784 + 783]).toBe(783 % 256);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('reports a row with the wrong number of values', () => {
    const rows = [...ROWS.slice(0, 2), [1, 2, 3, 4]];
    expect(() => parseCsv(csv(rows), 'a.csv')).toThrow('a.csv: line 3: expected 5 values, found 4');
    expect(() => parseCsv(csv([...ROWS, [1, 2, 3, 4, 5, 6]], { header: true }), 'a.csv')).toThrow('a.csv: line 5: expected 5 values, found 6');
  });

  it('reports a data row that does not match the header', () => {
    expect(() => parseCsv('label,a,b,c,d\n1,2,3,4\n', 'a.csv')).toThrow('a.csv: line 2: expected 5 values, found 4');
  });

  it('reports a bad value with line and column', () => {
    expect(() => parseCsv('1,2,3,4,5\n1,2,3,abc,5\n', 'a.csv')).toThrow('a.csv: line 2, column 4: "abc" is not an integer 0-255');
    expect(() => parseCsv('1,2,3,4,5\n1,2,256,4,5\n', 'a.csv')).toThrow('a.csv: line 2, column 3: "256" is not an integer 0-255');
    expect(() => parseCsv('1,2,3,4,5\n1,2,-3,4,5\n', 'a.csv')).toThrow('a.csv: line 2, column 3: "-3" is not an integer 0-255');
    expect(() => parseCsv('1,2,3,4,5\n1,2,3.5,4,5\n', 'a.csv')).toThrow('a.csv: line 2, column 3: "3.5" is not an integer 0-255');
    expect(() => parseCsv('1,2,3,4,5\n1,2,,4,5\n', 'a.csv')).toThrow('a.csv: line 2, column 3: "" is not an integer 0-255');
    expect(() => parseCsv('1,2,3,4,5\n300,2,3,4,5\n', 'a.csv')).toThrow('a.csv: line 2, column 1: label "300" is not an integer 0-255');
  });

  it('reports a blank line in the middle', () => {
    expect(() => parseCsv('1,2,3,4,5\n\n1,2,3,4,5\n', 'a.csv')).toThrow('a.csv: line 2 is empty');
  });

  it('reports files with no data', () => {
    expect(() => parseCsv('', 'a.csv')).toThrow('a.csv: no data rows');
    expect(() => parseCsv('label,pixel0\n', 'a.csv')).toThrow('a.csv: no data rows');
    expect(() => parseCsv('\n\n', 'a.csv')).toThrow('a.csv: line 1 is empty');
  });

  it('reports a non-square or missing pixel count', () => {
    expect(() => parseCsv('1,2,3\n', 'a.csv')).toThrow('a.csv: line 1: 2 pixel values do not make a square image (28x28 is 784)');
    expect(() => parseCsv('1\n', 'a.csv')).toThrow('a.csv: line 1: expected a label then pixel values, found 1 value');
  });

  it('reports lone CR line ends', () => {
    expect(() => parseCsv('1,2,3,4,5\r1,2,3,4,5\n', 'a.csv')).toThrow('a.csv: line 1: lines must end with \\n or \\r\\n');
  });
});
