/**
 * The WebSocket codec of browser mode, used by both ends: a value becomes one binary frame in
 * which typed arrays travel as raw bytes (never JSON lists) and NaN/±Infinity survive.
 *
 * Frame: [u32 LE header length][header JSON, UTF-8][zero padding to 8][blob 0][pad]...[blob n]
 * where the header is {"v": value with placeholders, "b": [[type, offset, byteLength], ...]}.
 * A frame decodes to no more than it carries: each blob is used once, the blobs together fit in
 * the frame, and the header nests at most MAX_FRAME_DEPTH levels (checked before it is parsed).
 * Pure (no Node or DOM APIs beyond TextEncoder), so the renderer bundles it too.
 */

const TYPED = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array,
  Int32Array, Uint32Array, Float32Array, Float64Array,
} as const;
type TypedName = keyof typeof TYPED;
type Typed = InstanceType<(typeof TYPED)[TypedName]>;

/** Placeholder keys; a plain object that uses them is refused rather than misread. */
const BLOB = '\u0000blob';
const NUM = '\u0000num';

/**
 * Keys a frame may not use: assigning `__proto__` would swap the decoded object's prototype (and
 * validators read through it); `constructor` and `prototype` shadow what code expects there.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest nesting of lists and objects a frame's header may have (our messages use about 8). */
export const MAX_FRAME_DEPTH = 32;

/** The placeholder's text for each number JSON cannot carry. */
const SPECIAL_NUMBERS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function typedName(v: ArrayBufferView): TypedName {
  const name = v.constructor.name;
  if (!(name in TYPED)) throw new Error(`cannot send a ${name}`);
  return name as TypedName;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Encode a value (plain objects, lists, strings, numbers, booleans, null, typed arrays). */
export function encodeFrame(value: unknown): Uint8Array {
  const blobs: Typed[] = [];
  const table: [TypedName, number, number][] = [];
  let blobBytes = 0;
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : { [NUM]: String(v) };
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (v === undefined) return undefined;
    if (ArrayBuffer.isView(v)) {
      const t = v as Typed;
      table.push([typedName(t), blobBytes, t.byteLength]);
      blobs.push(t);
      blobBytes = align8(blobBytes + t.byteLength);
      return { [BLOB]: table.length - 1 };
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`) ?? null);
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === BLOB || k === NUM) throw new Error(`cannot send the reserved key at ${path}`);
        if (FORBIDDEN_KEYS.has(k)) throw new Error(`cannot send the key "${k}" at ${path}`);
        out[k] = walk(x, `${path}.${k}`);
      }
      return out;
    }
    throw new Error(`cannot send ${typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v} at ${path}`);
  };
  const header = encoder.encode(JSON.stringify({ v: walk(value, 'value') ?? null, b: table }));
  const start = align8(4 + header.length);
  const frame = new Uint8Array(start + blobBytes);
  new DataView(frame.buffer).setUint32(0, header.length, true);
  frame.set(header, 4);
  blobs.forEach((t, i) => frame.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), start + table[i][1]));
  return frame;
}

/**
 * Throws when the JSON text in `bytes` nests lists and objects deeper than MAX_FRAME_DEPTH; one
 * pass over the bytes that stops at the first level too deep, so a hostile header costs no parse.
 */
function checkDepth(bytes: Uint8Array): void {
  const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN_LIST = 0x5b, OPEN_OBJECT = 0x7b, CLOSE_LIST = 0x5d, CLOSE_OBJECT = 0x7d;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_LIST || c === OPEN_OBJECT) {
      // the header's own object is one level: the value inside may use MAX_FRAME_DEPTH
      if (++depth > MAX_FRAME_DEPTH + 1) throw new Error(`malformed frame: nested deeper than ${MAX_FRAME_DEPTH} levels`);
    } else if (c === CLOSE_LIST || c === CLOSE_OBJECT) depth--;
  }
}

/** Decode a frame made by encodeFrame; throws "malformed frame: ..." on anything else. */
export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.length < 4) throw new Error('malformed frame: too short');
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  if (4 + headerLength > frame.length) throw new Error('malformed frame: header runs past the end');
  let header: { v: unknown; b: unknown };
  const headerBytes = frame.subarray(4, 4 + headerLength);
  checkDepth(headerBytes);
  try {
    header = JSON.parse(decoder.decode(headerBytes));
  } catch {
    throw new Error('malformed frame: header is not JSON');
  }
  if (typeof header !== 'object' || header === null || !Array.isArray(header.b)) throw new Error('malformed frame: no blob table');
  const start = align8(4 + headerLength);
  let claimed = 0;
  const table = (header.b as unknown[]).map((entry) => {
    if (!Array.isArray(entry) || entry.length !== 3) throw new Error('malformed frame: bad blob table entry');
    const [name, offset, byteLength] = entry as [unknown, unknown, unknown];
    if (typeof name !== 'string' || !Object.hasOwn(TYPED, name)) throw new Error(`malformed frame: unknown array type ${String(name).slice(0, 40)}`);
    const Ctor = TYPED[name as TypedName];
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(byteLength) || (offset as number) < 0 || (byteLength as number) < 0 ||
        (byteLength as number) % Ctor.BYTES_PER_ELEMENT !== 0 || start + (offset as number) + (byteLength as number) > frame.length) {
      throw new Error('malformed frame: blob outside the frame');
    }
    claimed += byteLength as number;
    return { Ctor, offset: offset as number, byteLength: byteLength as number };
  });
  // NOTE: entries that overlap could each pass the bounds check and decode the same bytes many times.
  if (claimed > Math.max(0, frame.length - start)) throw new Error('malformed frame: its blobs claim more bytes than it holds');
  const used = new Set<number>();
  const blob = (index: unknown): Typed => {
    const entry = typeof index === 'number' ? table[index] : undefined;
    if (!entry) throw new Error('malformed frame: bad blob reference');
    if (used.has(index as number)) throw new Error(`malformed frame: blob ${index as number} is used more than once`);
    used.add(index as number);
    const { Ctor, offset, byteLength } = entry;
    // NOTE: copy into a fresh, aligned buffer; the frame may sit at any offset of a pooled buffer
    // (and Buffer#slice would only make a view of it).
    const copy = new Uint8Array(byteLength);
    copy.set(frame.subarray(start + offset, start + offset + byteLength));
    return new Ctor(copy.buffer, 0, byteLength / Ctor.BYTES_PER_ELEMENT);
  };
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    if (BLOB in o) return blob(o[BLOB]);
    if (NUM in o) {
      const n = typeof o[NUM] === 'string' && Object.hasOwn(SPECIAL_NUMBERS, o[NUM]) ? SPECIAL_NUMBERS[o[NUM]] : undefined;
      if (n === undefined) throw new Error('malformed frame: bad number placeholder');
      return n;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      if (FORBIDDEN_KEYS.has(k)) throw new Error(`malformed frame: the key "${k}" is not allowed`);
      out[k] = revive(x);
    }
    return out;
  };
  return revive(header.v);
}
