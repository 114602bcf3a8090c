/**
 * safetensors (Hugging Face) encode/decode: 8-byte little-endian u64 header length, a JSON
 * header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}},
 * then the raw little-endian tensor bytes. Writes F64; reads F64 and F32 (as Float64Array).
 * Errors carry no file name; the caller prefixes it.
 */

/** A tensor to write: row-major doubles. */
export interface TensorIn {
  shape: number[];
  data: Float64Array;
}

/** A tensor read back: always a fresh Float64Array (F32 is widened), with its stored dtype. */
export interface TensorOut {
  dtype: 'F64' | 'F32';
  shape: number[];
  data: Float64Array;
}

export interface SafetensorsFile {
  /** in file order (ascending data offsets) */
  tensors: Map<string, TensorOut>;
  metadata: Record<string, string>;
}

/** The reference implementation refuses headers above 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

const DTYPE_SIZES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encode F64 tensors and string metadata as a safetensors file.
 * NOTE: tensors are laid out sorted by name (code-unit order), as the python/rust library does
 * for same-dtype tensors, so the same tensors always give the same bytes whatever the Map order;
 * `__metadata__` comes first in the header, its keys in the order given. The header is padded
 * with spaces to a multiple of 8 bytes so that every F64 tensor is 8-byte aligned.
 * @param tensors name -> {shape, data [product(shape)]}
 * @param metadata string -> string
 */
export function encodeSafetensors(tensors: Map<string, TensorIn>, metadata: Record<string, string>): Uint8Array {
  const names = [...tensors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`metadata "${k}" must be a string`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new Error('"__metadata__" cannot be a tensor name');
    const t = tensors.get(name) as TensorIn;
    const n = checkShape(t.shape, name);
    if (n !== t.data.length) throw new Error(`tensor ${name} has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    header[name] = { dtype: 'F64', shape: t.shape, data_offsets: [offset, offset + 8 * n] };
    offset += 8 * n;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLen, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let at = 8 + headerLen;
  for (const name of names) {
    const data = (tensors.get(name) as TensorIn).data;
    if (LITTLE_ENDIAN) new Float64Array(out.buffer, at, data.length).set(data);
    else for (let i = 0; i < data.length; i++) view.setFloat64(at + 8 * i, data[i], true);
    at += 8 * data.length;
  }
  return out;
}

/** One tensor's entry in the header. */
export interface TensorEntry {
  name: string;
  dtype: 'F64' | 'F32';
  shape: number[];
  /** byte range in the data section (after the header) */
  begin: number;
  end: number;
}

/** A checked header: the tensors tile the data section exactly, in this order. */
export interface SafetensorsHeader {
  /** ascending data offsets */
  entries: TensorEntry[];
  metadata: Record<string, string>;
  /** where the data section starts in the file: 8 + header length */
  dataStart: number;
}

/** The bytes readSafetensorsHeader needs first: the 8-byte length and the header's first byte. */
export const HEADER_PREFIX_BYTES = 9;

/**
 * The JSON header's length, from the start of a file.
 * NOTE: this and parseSafetensorsHeader are the only safetensors parser: the engine decodes whole
 * files with them, and the model library checks files on disk without reading them whole.
 * @param head the file's first HEADER_PREFIX_BYTES bytes (fewer when the file is shorter)
 * @param fileSize the whole file's size in bytes
 */
export function safetensorsHeaderLength(head: Uint8Array, fileSize: number): number {
  if (fileSize < 8) throw new Error(`is not a safetensors file (only ${fileSize} bytes)`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const headerLen = view.getUint32(4, true) * 0x100000000 + view.getUint32(0, true);
  if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
    throw new Error(`is not a safetensors file (header length ${headerLen} is implausible)`);
  }
  if (fileSize > 8 && head[8] !== 0x7b) throw new Error('is not a safetensors file (no JSON header after the length)');
  if (8 + headerLen > fileSize) {
    throw new Error(`truncated (the header should be ${headerLen} bytes, file has ${fileSize - 8} after the length)`);
  }
  return headerLen;
}

/**
 * Parse and check the JSON header, refusing anything malformed with one clear message.
 * NOTE: like the reference reader, tensors must tile the data section exactly (no gaps,
 * no overlap, nothing after the last one), which is how truncation is detected.
 * @param json the header's bytes (safetensorsHeaderLength of them, after the first 8)
 * @param fileSize the whole file's size in bytes
 */
export function parseSafetensorsHeader(json: Uint8Array, fileSize: number): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new Error('is not a safetensors file (header is not UTF-8 text)');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    throw new Error('is not a safetensors file (header is not JSON)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new Error('is not a safetensors file (header is not a JSON object)');
  }

  const metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null) continue;
      if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('__metadata__ is not a JSON object');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new Error(`metadata "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`tensor ${name}: entry is not a JSON object`);
    const t = raw as Record<string, unknown>;
    if (typeof t.dtype !== 'string') throw new Error(`tensor ${name}: missing dtype`);
    const size = DTYPE_SIZES[t.dtype];
    if (size === undefined) throw new Error(`tensor ${name} has unknown dtype "${t.dtype}"`);
    if (t.dtype !== 'F64' && t.dtype !== 'F32') throw new Error(`tensor ${name} has dtype ${t.dtype}; only F64 and F32 are supported`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw new Error(`tensor ${name}: shape must be a list of non-negative integers`);
    }
    const offs = t.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      throw new Error(`tensor ${name}: data_offsets must be two non-negative integers`);
    }
    const [begin, end] = offs as number[];
    if (end < begin) throw new Error(`tensor ${name}: data_offsets [${begin}, ${end}] end before they begin`);
    const shape = t.shape as number[];
    const need = shape.reduce((p, d) => p * d, 1) * size;
    if (end - begin !== need) {
      throw new Error(`tensor ${name}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape [${shape.join(', ')}] of ${t.dtype} needs ${need}`);
    }
    entries.push({ name, dtype: t.dtype, shape, begin, end });
  }

  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataStart = 8 + json.length;
  const available = fileSize - dataStart;
  let expectedEnd = 0;
  for (const e of entries) {
    if (e.begin < expectedEnd) throw new Error(`tensor ${e.name} overlaps the tensor before it (data_offsets [${e.begin}, ${e.end}])`);
    if (e.begin > expectedEnd) throw new Error(`tensor ${e.name}: gap before data_offsets [${e.begin}, ${e.end}] (previous tensor ends at ${expectedEnd})`);
    expectedEnd = e.end;
  }
  if (expectedEnd > available) throw new Error(`truncated (header says ${expectedEnd} bytes of tensors, file has ${available})`);
  if (expectedEnd < available) throw new Error(`${available - expectedEnd} unexpected bytes after the last tensor`);
  return { entries, metadata, dataStart };
}

/**
 * A tensor's values from its stored bytes, always a fresh Float64Array (F32 is widened).
 * @param bytes the tensor's bytes (any alignment), or a part of them that is whole values
 */
export function tensorValues(dtype: 'F64' | 'F32', bytes: Uint8Array): Float64Array {
  if (!LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return dtype === 'F64'
      ? Float64Array.from({ length: bytes.length / 8 }, (_, i) => view.getFloat64(8 * i, true))
      : Float64Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
  }
  // NOTE: slice copies, so any offset alignment works
  return dtype === 'F64' ? new Float64Array(bytes.slice().buffer) : Float64Array.from(new Float32Array(bytes.slice().buffer));
}

/**
 * Decode a safetensors file, refusing anything malformed with one clear message.
 * @param bytes the whole file
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  const headerLen = safetensorsHeaderLength(bytes.subarray(0, HEADER_PREFIX_BYTES), bytes.length);
  const { entries, metadata, dataStart } = parseSafetensorsHeader(bytes.subarray(8, 8 + headerLen), bytes.length);
  const tensors = new Map<string, TensorOut>();
  for (const e of entries) {
    const data = tensorValues(e.dtype, bytes.subarray(dataStart + e.begin, dataStart + e.end));
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

function checkShape(shape: number[], name: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`tensor ${name}: shape must be a list of non-negative integers`);
  }
  return shape.reduce((p, d) => p * d, 1);
}
