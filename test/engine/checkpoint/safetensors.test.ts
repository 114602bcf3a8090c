import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type TensorIn } from '../../../src-engine/checkpoint/safetensors';

/** A safetensors file from a raw header (any JSON text) and data bytes, as another writer might produce. */
function rawFile(header: string | object, data: Uint8Array = new Uint8Array(0), lengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, lengthOverride ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f64 = (...v: number[]): Uint8Array => new Uint8Array(Float64Array.from(v).buffer);
const tensors = (entries: [string, number[], number[]][]): Map<string, TensorIn> =>
  new Map(entries.map(([name, shape, data]) => [name, { shape, data: Float64Array.from(data) }]));

describe('encodeSafetensors', () => {
  it('writes the exact reference layout: u64 length, space-padded JSON, F64 data', () => {
    const bytes = encodeSafetensors(tensors([['a', [2], [1, -2.5]]]), {});
    const json = '{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}'; // 55 bytes, padded to 56
    expect(json.length).toBe(55);
    expect([...bytes.subarray(0, 8)]).toEqual([56, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(bytes.subarray(8, 64))).toBe(json + ' ');
    expect([...new Float64Array(bytes.buffer, 64, 2)]).toEqual([1, -2.5]);
    expect(bytes.length).toBe(64 + 16);
  });

  it('sorts tensors by name and puts __metadata__ first, so Map order does not matter', () => {
    const a = encodeSafetensors(tensors([['b', [1], [2]], ['a', [1], [1]]]), { k: 'v' });
    const b = encodeSafetensors(tensors([['a', [1], [1]], ['b', [1], [2]]]), { k: 'v' });
    expect(a).toEqual(b);
    const header = new TextDecoder().decode(a.subarray(8, 8 + a[0]));
    expect(header.trimEnd()).toBe(
      '{"__metadata__":{"k":"v"},"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}',
    );
  });

  it('refuses data that does not fit its shape', () => {
    expect(() => encodeSafetensors(tensors([['a', [3], [1, 2]]]), {})).toThrow('tensor a has shape [3] but 2 values');
  });
});

describe('decodeSafetensors', () => {
  it('round-trips tensors (including scalar and empty) and metadata', () => {
    const t = tensors([
      ['w', [2, 3], [1, 2, 3, 4, 5, 6]],
      ['s', [], [Math.PI]],
      ['e', [0, 4], []],
      ['x', [1], [-0]],
    ]);
    const bytes = encodeSafetensors(t, { a: '1', b: '{"x":[1]}' });
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ a: '1', b: '{"x":[1]}' });
    expect([...back.tensors.keys()].sort()).toEqual(['e', 's', 'w', 'x']);
    for (const [name, orig] of t) {
      const got = back.tensors.get(name);
      expect(got?.dtype).toBe('F64');
      expect(got?.shape).toEqual(orig.shape);
      expect([...(got?.data ?? [])]).toEqual([...orig.data]);
    }
    expect(Object.is(back.tensors.get('x')?.data[0], -0)).toBe(true);
    expect(encodeSafetensors(new Map([...back.tensors]), back.metadata)).toEqual(bytes);
  });

  it('returns copies, not views of the file', () => {
    const bytes = encodeSafetensors(tensors([['a', [1], [7]]]), {});
    const got = decodeSafetensors(bytes).tensors.get('a');
    bytes.fill(0, bytes.length - 8);
    expect(got?.data[0]).toBe(7);
  });

  it('reads F32 as doubles, at unaligned offsets and from an unaligned view', () => {
    const f32 = new Uint8Array(Float32Array.from([0.5, -1.25, 3]).buffer);
    const header = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F64', shape: [1], data_offsets: [4, 12] }, c: { dtype: 'F32', shape: [2], data_offsets: [12, 20] } };
    const data = new Uint8Array(20);
    data.set(f32.subarray(0, 4), 0);
    data.set(f64(2.75), 4);
    data.set(f32.subarray(4, 12), 12);
    const file = rawFile(header, data); // header length not a multiple of 8: nothing is aligned
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    const back = decodeSafetensors(shifted.subarray(3));
    expect(back.tensors.get('a')).toEqual({ dtype: 'F32', shape: [1], data: Float64Array.from([0.5]) });
    expect([...(back.tensors.get('b')?.data ?? [])]).toEqual([2.75]);
    expect([...(back.tensors.get('c')?.data ?? [])]).toEqual([-1.25, 3]);
    expect(back.metadata).toEqual({});
  });

  it('accepts a null __metadata__', () => {
    expect(decodeSafetensors(rawFile({ __metadata__: null })).metadata).toEqual({});
  });

  const bad: [string, Uint8Array, string][] = [
    ['shorter than 8 bytes', new Uint8Array(5), 'is not a safetensors file (only 5 bytes)'],
    ['an absurd header length', (() => { const b = new Uint8Array(16); new DataView(b.buffer).setUint32(0, 200_000_000, true); return b; })(), 'is not a safetensors file (header length 200000000 is implausible)'],
    ['a header length beyond 2^32', (() => { const b = new Uint8Array(16); b[4] = 1; return b; })(), 'is not a safetensors file (header length 4294967296 is implausible)'],
    ['a tiny header length', rawFile('{', new Uint8Array(0), 1), 'is not a safetensors file (header length 1 is implausible)'],
    ['something else (a PNG)', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'is not a safetensors file (header length 727905341920923800 is implausible)'],
    ['text', new TextEncoder().encode('hello, world, this is text'), 'is not a safetensors file (header length'],
    ['no JSON after the length', rawFile('[1,2,3]'), 'is not a safetensors file (no JSON header after the length)'],
    ['a header beyond the file', rawFile('{"a":1}', new Uint8Array(0), 100), 'truncated (the header should be 100 bytes, file has 7 after the length)'],
    ['a header that is not UTF-8', rawFile('{  }').map((b, i) => (i === 9 ? 0xff : b)), 'is not a safetensors file (header is not UTF-8 text)'],
    ['a header that is not JSON', rawFile('{"a": nope}'), 'is not a safetensors file (header is not JSON)'],
    ['metadata that is not an object', rawFile({ __metadata__: [1] }), '__metadata__ is not a JSON object'],
    ['a metadata value that is not a string', rawFile({ __metadata__: { format: 1 } }), 'metadata "format" is not a string'],
    ['a tensor entry that is not an object', rawFile({ a: 5 }), 'tensor a: entry is not a JSON object'],
    ['a missing dtype', rawFile({ a: { shape: [1], data_offsets: [0, 8] } }, f64(1)), 'tensor a: missing dtype'],
    ['an unknown dtype', rawFile({ a: { dtype: 'Q7', shape: [1], data_offsets: [0, 8] } }, f64(1)), 'tensor a has unknown dtype "Q7"'],
    ['an unsupported dtype', rawFile({ a: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }, f64(1)), 'tensor a has dtype F16; only F64 and F32 are supported'],
    ['a bad shape', rawFile({ a: { dtype: 'F64', shape: [-1], data_offsets: [0, 8] } }, f64(1)), 'tensor a: shape must be a list of non-negative integers'],
    ['offsets that are not integers', rawFile({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8.5] } }, f64(1)), 'tensor a: data_offsets must be two non-negative integers'],
    ['offsets that are not a pair', rawFile({ a: { dtype: 'F64', shape: [1], data_offsets: [8] } }, f64(1)), 'tensor a: data_offsets must be two non-negative integers'],
    ['offsets in reverse', rawFile({ a: { dtype: 'F64', shape: [1], data_offsets: [8, 0] } }, f64(1)), 'tensor a: data_offsets [8, 0] end before they begin'],
    ['offsets that do not match the shape', rawFile({ a: { dtype: 'F64', shape: [2, 2], data_offsets: [0, 16] } }, f64(1, 2)), 'tensor a: data_offsets [0, 16] hold 16 bytes but shape [2, 2] of F64 needs 32'],
    ['overlapping tensors', rawFile({ a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] }, b: { dtype: 'F64', shape: [1], data_offsets: [8, 16] } }, f64(1, 2)), 'tensor b overlaps the tensor before it (data_offsets [8, 16])'],
    ['a gap between tensors', rawFile({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] }, b: { dtype: 'F64', shape: [1], data_offsets: [16, 24] } }, f64(1, 2, 3)), 'tensor b: gap before data_offsets [16, 24] (previous tensor ends at 8)'],
    ['truncated data', rawFile({ a: { dtype: 'F64', shape: [512], data_offsets: [0, 4096] } }, new Uint8Array(1000)), 'truncated (header says 4096 bytes of tensors, file has 1000)'],
    ['bytes after the last tensor', rawFile({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, f64(1, 2)), '8 unexpected bytes after the last tensor'],
  ];
  it.each(bad)('refuses %s', (_, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(message);
  });
});
