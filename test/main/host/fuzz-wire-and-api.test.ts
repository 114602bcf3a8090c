/**
 * Property-based fuzzing (fast-check) of what the hosts read from a page: the wire codec of
 * browser mode and the validators of every API call. Thousands of generated inputs per run; each
 * either decodes / passes or is refused with one specific error (an Error, never a TypeError or
 * RangeError from deep inside, never a hang), and a frame never decodes to more bytes than it has.
 * The seed is printed on failure; `FUZZ_RUNS` scales the runs (e.g. 20000 for a long session).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API_CHANNELS } from '../../../src-main/host/api-contract';
import { checkApiCall } from '../../../src-main/host/validate-api';
import { decodeFrame, encodeFrame, MAX_FRAME_DEPTH } from '../../../src-main/host/wire-codec';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const BLOB = '\u0000blob';
const NUM = '\u0000num';
const RESERVED = new Set(['__proto__', 'constructor', 'prototype', BLOB, NUM]);

/** Run `fn`; return null when it passes, else the error it threw (which must be a plain Error). */
function outcome(fn: () => unknown): Error | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (!(error instanceof Error) || error.constructor !== Error) {
      throw new Error(`threw ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)} instead of a plain Error`);
    }
    return error;
  }
}

/** Bytes of every typed array inside a decoded value, and its deepest nesting. */
function measure(v: unknown, depth = 0): { bytes: number; depth: number } {
  if (ArrayBuffer.isView(v)) return { bytes: v.byteLength, depth };
  if (typeof v !== 'object' || v === null) return { bytes: 0, depth };
  let bytes = 0;
  let deepest = depth;
  for (const x of Object.values(v)) {
    const m = measure(x, depth + 1);
    bytes += m.bytes;
    deepest = Math.max(deepest, m.depth);
  }
  return { bytes, depth: deepest };
}

/** A frame from a header given as a value (any JSON, placeholders included) and raw blob bytes. */
function rawFrame(header: unknown, blobs: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = (4 + json.length + 7) & ~7;
  const out = new Uint8Array(start + blobs.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(blobs, start);
  return out;
}

const key = fc.string({ unit: 'binary', maxLength: 6 }).filter((k) => !RESERVED.has(k));
const typedArray = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.int32Array({ maxLength: 10 }),
  fc.float32Array({ maxLength: 10 }),
  fc.float64Array({ maxLength: 10 }),
);
// NOTE: JSON keeps no -0 for a plain number (a typed array keeps its bytes, -0 included).
const plainNumber = fc.double().map((x) => (Object.is(x, -0) ? 0 : x));
const { wireValue } = fc.letrec((tie) => ({
  wireValue: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    plainNumber,
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.boolean(),
    fc.constant(null),
    typedArray,
    fc.array(tie('wireValue'), { maxLength: 4 }),
    fc.dictionary(key, tie('wireValue'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

/** What a hostile page might put in a header: any JSON, with placeholders pointing anywhere. */
const { hostile } = fc.letrec((tie) => ({
  hostile: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.jsonValue({ maxDepth: 2 }),
    fc.record({ [BLOB]: fc.oneof(fc.integer({ min: -1, max: 6 }), fc.jsonValue({ maxDepth: 1 })) }),
    fc.record({ [NUM]: fc.oneof(fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999'), fc.jsonValue({ maxDepth: 1 })) }),
    fc.array(tie('hostile'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(key, fc.constantFrom('__proto__', 'constructor')), tie('hostile'), { maxKeys: 3 }),
  ),
}));
const tableEntry = fc.oneof(
  fc.tuple(
    fc.constantFrom('Uint8Array', 'Float64Array', 'Int16Array', 'Float32Array', 'toString', '__proto__', 'DataView'),
    fc.oneof(fc.integer({ min: -8, max: 80 }), fc.double()),
    fc.oneof(fc.integer({ min: -8, max: 80 }), fc.double()),
  ),
  fc.jsonValue({ maxDepth: 1 }),
);

describe('fuzz: the wire codec', () => {
  it('round-trips every value it accepts', () => {
    fc.assert(
      fc.property(wireValue, (value) => {
        expect(decodeFrame(encodeFrame(value))).toEqual(value);
      }),
      { numRuns: RUNS },
    );
  });

  it('a frame without blobs decodes the same with or without the padding after its header', () => {
    const noBlobs = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    fc.assert(
      fc.property(noBlobs, (value) => {
        let frame: Uint8Array;
        try {
          frame = encodeFrame(value);
        } catch {
          return fc.pre(false); // a key the codec refuses to send (__proto__, constructor, ...)
        }
        const headerLength = new DataView(frame.buffer).getUint32(0, true);
        expect(decodeFrame(frame.subarray(0, 4 + headerLength))).toEqual(decodeFrame(frame));
      }),
      { numRuns: Math.min(RUNS, 1000) },
    );
  });

  it('random bytes decode or are refused as a malformed frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const error = outcome(() => decodeFrame(bytes));
        if (error) expect(error.message).toMatch(/^malformed frame: /);
      }),
      { numRuns: RUNS },
    );
  });

  it('a damaged frame (bytes changed, cut short) decodes within its size or is refused', () => {
    const damage = fc.tuple(wireValue, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }), fc.option(fc.nat()));
    fc.assert(
      fc.property(damage, ([value, changes, cut]) => {
        let frame = encodeFrame({ kind: 'call', id: 1, name: 'model:predict', args: value });
        for (const [at, byte] of changes) frame[at % frame.length] = byte;
        if (cut !== null) frame = frame.subarray(0, cut % (frame.length + 1));
        let decoded: unknown;
        const error = outcome(() => (decoded = decodeFrame(frame)));
        if (error) expect(error.message).toMatch(/^malformed frame: /);
        else expect(measure(decoded).bytes).toBeLessThanOrEqual(frame.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('a hostile header (placeholders anywhere, any blob table) decodes within its size and depth, or is refused', () => {
    const frames = fc.tuple(hostile, fc.array(tableEntry, { maxLength: 6 }), fc.uint8Array({ maxLength: 96 }));
    fc.assert(
      fc.property(frames, ([v, b, blobs]) => {
        const frame = rawFrame({ v, b }, blobs);
        let decoded: unknown;
        const error = outcome(() => (decoded = decodeFrame(frame)));
        if (error) {
          expect(error.message).toMatch(/^malformed frame: /);
          return;
        }
        const m = measure(decoded);
        expect(m.bytes).toBeLessThanOrEqual(frame.length);
        expect(m.depth).toBeLessThanOrEqual(MAX_FRAME_DEPTH);
        expect(Object.getPrototypeOf(decoded ?? {})).not.toBe(null);
      }),
      { numRuns: RUNS },
    );
  });

  it('nesting at any depth is decoded up to the cap and refused beyond it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * MAX_FRAME_DEPTH }), fc.boolean(), (depth, objects) => {
        let v: unknown = 0;
        for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v];
        const error = outcome(() => decodeFrame(rawFrame({ v, b: [] }, new Uint8Array(0))));
        if (depth <= MAX_FRAME_DEPTH) expect(error).toBeNull();
        else expect(error?.message).toBe(`malformed frame: nested deeper than ${MAX_FRAME_DEPTH} levels`);
      }),
      { numRuns: Math.min(RUNS, 500) },
    );
  });
});

const SOUND_CONFIG = {
  dataset: { kind: 'mnist' }, hidden: [128], activation: 'relu', loss: 'cross_entropy', optimizer: 'sgd', lr: 0.1,
  momentum: 0, nesterov: false, weightDecay: 0, schedule: 'constant', batch: 64, epochs: 1, seed: 1,
};

/** One accepted call per channel, to mutate one field at a time. */
const SOUND_ARGS: Record<string, Record<string, unknown>> = {
  'training:start': { config: SOUND_CONFIG },
  'model:load': { bytes: new Uint8Array(8), fileName: 'a.safetensors' },
  'model:predict': { pixels: new Uint8Array(784), saliency: false },
  'dataset:info': { source: { kind: 'csv', train: '/d/train.csv', test: '/d/test.csv' } },
  'dataset:sample': { which: 'misclassified', after: 3 },
  'engine:set-threads': { threads: 2 },
  'app:set-theme': { source: 'dark' },
  'dataset:choose': { kind: 'idx' },
  'dataset:open-path': { kind: 'csv', path: '/d/train.csv', testPath: '/d/test.csv' },
  'dataset:upload': { kind: 'csv', files: [{ name: 'train.csv', upload: 'A'.repeat(22) }] },
  'models:open': { name: 'run 1' },
  'models:continue': { name: 'run 1', epochs: 5 },
  'models:rename': { name: 'run 1', to: 'run 2' },
  'models:upload': { fileName: 'a.safetensors', bytes: new Uint8Array(8) },
};

/** Values a page could send over the socket, and what Electron's structured clone adds over IPC. */
const anyValue = fc.oneof(
  fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withBoxedValues: true,
    withNullPrototype: true,
  }),
  fc.string({ unit: 'binary', maxLength: 5000 }),
);

function cyclic(): Record<string, unknown> {
  const o: Record<string, unknown> = { kind: 'mnist' };
  o.self = o;
  return o;
}

describe('fuzz: the API validators', () => {
  it('any call name with any arguments passes or is refused with one plain sentence', () => {
    const names = fc.oneof(fc.constantFrom(...API_CHANNELS), anyValue);
    fc.assert(
      fc.property(names, anyValue, (name, args) => {
        const error = outcome(() => checkApiCall(name, args));
        if (error) {
          expect(error.message.length).toBeGreaterThan(0);
          expect(error.message.length).toBeLessThanOrEqual(300);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a sound call with one field (at any depth of the config) changed to anything passes or is refused with one plain sentence', () => {
    const channel = fc.constantFrom(...Object.keys(SOUND_ARGS));
    const configKey = fc.constantFrom(...Object.keys(SOUND_CONFIG), 'classes', 'limit', 'validation', 'extra');
    const value = fc.oneof(anyValue, fc.constant(cyclic()), fc.constant(1n << 70n));
    fc.assert(
      fc.property(channel, fc.string({ maxLength: 12 }), configKey, value, fc.boolean(), (name, field, cfgField, v, inConfig) => {
        const sound = SOUND_ARGS[name]!;
        const fields = Object.keys(sound);
        const args = name === 'training:start' && inConfig
          ? { config: { ...SOUND_CONFIG, [cfgField]: v } }
          : { ...sound, [fields.length && field.length % 2 ? fields[field.length % fields.length]! : field]: v };
        const error = outcome(() => checkApiCall(name, args));
        if (error) {
          expect(error.message.length).toBeGreaterThan(0);
          expect(error.message.length).toBeLessThanOrEqual(300);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('every sound call passes', () => {
    for (const [name, args] of Object.entries(SOUND_ARGS)) expect(outcome(() => checkApiCall(name, args))).toBeNull();
  });
});
