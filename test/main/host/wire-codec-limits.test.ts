/**
 * Frames that ask the decoder for far more than they carry (issue 15, item 3): one blob referenced
 * many times, blobs that overlap, and a header nested millions of levels deep.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame, MAX_FRAME_DEPTH } from '../../../src-main/host/wire-codec';

/** A frame with this header (as JSON text) and `blobBytes` zero bytes of blobs after it. */
function frame(headerJson: string, blobBytes = 0): Uint8Array {
  const header = new TextEncoder().encode(headerJson);
  const start = (4 + header.length + 7) & ~7;
  const out = new Uint8Array(start + blobBytes);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  return out;
}

const BLOB = '\u0000blob';

describe('wire codec: a frame decodes to no more than it carries', () => {
  it('refuses a blob referenced twice (200 references to 1 MiB would decode to 200 MiB)', () => {
    const refs = Array.from({ length: 200 }, () => ({ [BLOB]: 0 }));
    const f = frame(JSON.stringify({ v: refs, b: [['Uint8Array', 0, 1 << 20]] }), 1 << 20);
    expect(() => decodeFrame(f)).toThrow('malformed frame: blob 0 is used more than once');
  });

  it('refuses blobs that together claim more bytes than the frame has (overlapping entries)', () => {
    const table = Array.from({ length: 200 }, () => ['Uint8Array', 0, 1 << 20]);
    const refs = table.map((_, i) => ({ [BLOB]: i }));
    const f = frame(JSON.stringify({ v: refs, b: table }), 1 << 20);
    expect(() => decodeFrame(f)).toThrow('malformed frame: its blobs claim more bytes than it holds');
  });

  it('refuses a 10 MB header nested millions of levels deep by its depth, before parsing it', () => {
    const depth = 5_000_000;
    const f = frame(`{"v":${'['.repeat(depth)}${']'.repeat(depth)},"b":[]}`);
    expect(f.length).toBeGreaterThan(10_000_000);
    expect(() => decodeFrame(f)).toThrow(`malformed frame: nested deeper than ${MAX_FRAME_DEPTH} levels`);
  });

  it('counts brackets inside strings as text, and takes the deepest real message', () => {
    const text = '['.repeat(1000);
    expect(decodeFrame(frame(JSON.stringify({ v: { text, quote: 'a\\"[' }, b: [] })))).toEqual({ text, quote: 'a\\"[' });
    let deep: unknown = 1;
    for (let i = 1; i < MAX_FRAME_DEPTH; i++) deep = [deep];
    expect(decodeFrame(frame(JSON.stringify({ v: deep, b: [] })))).toEqual(deep);
  });

  it('refuses a number placeholder that is not NaN or ±Infinity (an object there threw a TypeError)', () => {
    const f = frame(JSON.stringify({ v: { '\u0000num': { valueOf: 1, toString: 2 } }, b: [] }));
    expect(() => decodeFrame(f)).toThrow('malformed frame: bad number placeholder');
  });
});

describe('wire codec: frames without blobs', () => {
  it('decodes a frame that ends right after its header (no padding, no blobs)', () => {
    const header = new TextEncoder().encode(JSON.stringify({ v: { ok: true }, b: [] }));
    const f = new Uint8Array(4 + header.length);
    new DataView(f.buffer).setUint32(0, header.length, true);
    f.set(header, 4);
    expect(decodeFrame(f)).toEqual({ ok: true });
  });
});
