import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../../src-main/host/wire-codec';

describe('wire codec', () => {
  it('round-trips nested values with typed arrays of every kind, byte for byte', () => {
    const value = {
      kind: 'event',
      event: {
        type: 'batch',
        losses: new Float64Array([2.302585092994046, 0.1, -0]),
        pixels: new Uint8Array([0, 127, 255]),
        weights: [new Float32Array([1.5, -2.25]), new Int32Array([-7, 2 ** 30])],
        misc: [new Int8Array([-1]), new Uint8ClampedArray([9]), new Int16Array([-300]), new Uint16Array([60000]), new Uint32Array([4e9])],
      },
      ok: true,
      note: null,
      text: 'héllo ✓',
    };
    const back = decodeFrame(encodeFrame(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.event.losses).toBeInstanceOf(Float64Array);
    expect(Object.is(back.event.losses[2], -0)).toBe(true);
    expect(back.event.weights[0]).toBeInstanceOf(Float32Array);
    expect(back.event.misc.map((a) => a.constructor.name)).toEqual(['Int8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Uint32Array']);
  });

  it('keeps NaN and ±Infinity, which JSON would turn into null', () => {
    const back = decodeFrame(encodeFrame({ loss: NaN, up: Infinity, down: -Infinity, list: [1, NaN] })) as Record<string, unknown>;
    expect(back.loss).toBeNaN();
    expect(back.up).toBe(Infinity);
    expect(back.down).toBe(-Infinity);
    expect((back.list as number[])[1]).toBeNaN();
  });

  it('sends only the viewed bytes of a subarray', () => {
    const whole = new Float64Array([1, 2, 3, 4, 5]);
    const back = decodeFrame(encodeFrame({ part: whole.subarray(1, 3) })) as { part: Float64Array };
    expect(Array.from(back.part)).toEqual([2, 3]);
  });

  it('decodes a frame that sits at an odd offset of a larger buffer (as a pooled Node Buffer does)', () => {
    const frame = encodeFrame({ x: new Float64Array([Math.PI]) });
    const pool = new Uint8Array(frame.length + 3);
    pool.set(frame, 3);
    const back = decodeFrame(pool.subarray(3)) as { x: Float64Array };
    expect(back.x[0]).toBe(Math.PI);
    const buffer = Buffer.concat([Buffer.from('xyz'), Buffer.from(frame)]).subarray(3);
    expect((decodeFrame(buffer) as { x: Float64Array }).x[0]).toBe(Math.PI);
  });

  it('a megabyte of weights travels as raw bytes, not as a JSON list of numbers', () => {
    const weights = new Float32Array(256 * 1024).map((_, i) => i / 7);
    const frame = encodeFrame({ weights });
    expect(frame.length).toBeLessThan(weights.byteLength + 200);
    const back = (decodeFrame(frame) as { weights: Float32Array }).weights;
    expect(Buffer.from(back.buffer).equals(Buffer.from(weights.buffer))).toBe(true);
  });

  it('refuses what it cannot carry', () => {
    expect(() => encodeFrame({ when: new Date(0) })).toThrow('cannot send Date at value.when');
    expect(() => encodeFrame({ f: () => 1 })).toThrow('cannot send function at value.f');
    expect(() => encodeFrame({ big: 1n })).toThrow('cannot send bigint');
    expect(() => encodeFrame({ view: new DataView(new ArrayBuffer(4)) })).toThrow('cannot send a DataView');
  });

  it('refuses malformed frames with a reason instead of crashing', () => {
    expect(() => decodeFrame(new Uint8Array([1, 2]))).toThrow('malformed frame: too short');
    expect(() => decodeFrame(new Uint8Array([255, 0, 0, 0, 1]))).toThrow('malformed frame: header runs past the end');
    const notJson = new Uint8Array([3, 0, 0, 0, 123, 123, 123]);
    expect(() => decodeFrame(notJson)).toThrow('malformed frame: header is not JSON');
    const header = new TextEncoder().encode(JSON.stringify({ v: { '\u0000blob': 0 }, b: [['Float64Array', 0, 800]] }));
    const lying = new Uint8Array(8 + header.length);
    new DataView(lying.buffer).setUint32(0, header.length, true);
    lying.set(header, 4);
    expect(() => decodeFrame(lying)).toThrow('malformed frame: blob outside the frame');
  });

  it('refuses a frame whose object uses __proto__, constructor or prototype as a key', () => {
    /** A frame with this header JSON and no blobs, as a hostile page could send it. */
    const frame = (json: string) => {
      const header = new TextEncoder().encode(json);
      const out = new Uint8Array((4 + header.length + 7) & ~7);
      new DataView(out.buffer).setUint32(0, header.length, true);
      out.set(header, 4);
      return out;
    };
    const hostile = frame('{"v":{"kind":"call","id":1,"name":"x","args":{"__proto__":{"isAdmin":true,"epochs":5}}},"b":[]}');
    expect(() => decodeFrame(hostile)).toThrow('malformed frame: the key "__proto__" is not allowed');
    expect(() => decodeFrame(frame('{"v":[{"a":{"constructor":{"name":"x"}}}],"b":[]}'))).toThrow('malformed frame: the key "constructor" is not allowed');
    expect(() => decodeFrame(frame('{"v":{"prototype":1},"b":[]}'))).toThrow('malformed frame: the key "prototype" is not allowed');
    const own = JSON.parse('{"__proto__": 1}') as object;
    expect(() => encodeFrame({ args: own })).toThrow('cannot send the key "__proto__" at value.args');
    expect(Object.getPrototypeOf(decodeFrame(frame('{"v":{"proto":1},"b":[]}')))).toBe(Object.prototype);
  });
});
