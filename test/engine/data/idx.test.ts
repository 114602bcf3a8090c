import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from '../../../src-engine/data/idx';

const header = (...b: number[]): Uint8Array => new Uint8Array(b);

describe('parseIdx', () => {
  it('reads dims and data of an encoded file', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
    const parsed = parseIdx(encodeIdx([2, 3, 4], data), 'x');
    expect(parsed.dims).toEqual([2, 3, 4]);
    expect([...parsed.data]).toEqual([...data]);
  });

  it('reads big-endian dimensions above 255', () => {
    const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 1, 2, ...new Array(258).fill(7)]);
    const parsed = parseIdx(bytes, 'x');
    expect(parsed.dims).toEqual([258]);
    expect(parsed.data.length).toBe(258);
  });

  it('returns a view of the input (no copy)', () => {
    const bytes = encodeIdx([3], new Uint8Array([1, 2, 3]));
    expect(parseIdx(bytes, 'x').data.buffer).toBe(bytes.buffer);
  });

  it('refuses a file shorter than 4 bytes', () => {
    expect(() => parseIdx(header(0, 0, 8), 'a.idx')).toThrow('a.idx: not an IDX file (only 3 bytes)');
  });

  it('refuses a bad magic', () => {
    expect(() => parseIdx(header(1, 0, 8, 1, 0, 0, 0, 1, 5), 'a.idx')).toThrow('a.idx: not an IDX file (it must start with two zero bytes)');
  });

  it('names a known but unsupported data type', () => {
    expect(() => parseIdx(header(0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0), 'f.idx')).toThrow(
      'f.idx: IDX data type 0x0d (32-bit float) is not supported; only unsigned bytes (0x08) are',
    );
    expect(() => parseIdx(header(0, 0, 0x42, 1), 'f.idx')).toThrow('f.idx: not an IDX file (unknown data type 0x42)');
  });

  it('refuses 0 or more than 4 dimensions', () => {
    expect(() => parseIdx(header(0, 0, 8, 0), 'a')).toThrow('a: IDX dimension count must be 1 to 4, found 0');
    expect(() => parseIdx(header(0, 0, 8, 5), 'a')).toThrow('a: IDX dimension count must be 1 to 4, found 5');
  });

  it('refuses a truncated header', () => {
    expect(() => parseIdx(header(0, 0, 8, 3, 0, 0, 0, 1), 'a')).toThrow('a: truncated IDX header (3 dimensions need 16 bytes, file has 8)');
  });

  it('refuses a zero dimension', () => {
    expect(() => parseIdx(header(0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 0), 'a')).toThrow('a: IDX dimension 1 is 0');
  });

  it('refuses truncated or too long data', () => {
    const good = encodeIdx([2, 2, 2], new Uint8Array(8));
    expect(() => parseIdx(good.subarray(0, good.length - 3), 'imgs')).toThrow('imgs: IDX dimensions [2, 2, 2]: expected 8 bytes of data, found 5');
    const long = new Uint8Array(good.length + 1);
    long.set(good);
    expect(() => parseIdx(long, 'imgs')).toThrow('imgs: IDX dimensions [2, 2, 2]: expected 8 bytes of data, found 9');
  });
});

describe('encodeIdx', () => {
  it('writes the MNIST header layout', () => {
    const bytes = encodeIdx([1, 28, 28], new Uint8Array(784));
    expect([...bytes.subarray(0, 16)]).toEqual([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28]);
    expect(bytes.length).toBe(16 + 784);
  });

  it('refuses data that does not fit the dims', () => {
    expect(() => encodeIdx([2, 2], new Uint8Array(3))).toThrow('IDX dimensions [2, 2] need 4 bytes, got 3');
    expect(() => encodeIdx([], new Uint8Array(0))).toThrow('IDX needs 1 to 4 dimensions, got 0');
    expect(() => encodeIdx([0], new Uint8Array(0))).toThrow('IDX dimensions must be positive integers, got [0]');
  });
});
