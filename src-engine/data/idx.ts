/**
 * IDX, the format of the MNIST files (LeCun): two zero bytes, a type byte, a dimension count,
 * then one big-endian uint32 per dimension and the data row-major. Only unsigned bytes (0x08)
 * are supported, which is what every image-classification set in this layout uses.
 */

export interface IdxData {
  /** e.g. [60000, 28, 28] for images, [60000] for labels */
  dims: number[];
  /** product(dims) bytes, row-major */
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: '16-bit integer',
  0x0c: '32-bit integer',
  0x0d: '32-bit float',
  0x0e: '64-bit float',
};

const MAX_DIMS = 4;

/** What an IDX header says: the dimensions, where the data starts and how many bytes it has. */
export interface IdxHeader {
  dims: number[];
  /** 4 + 4 * dims.length */
  headerSize: number;
  /** product(dims) */
  dataBytes: number;
}

/**
 * Read and check an IDX header (the first 4 + 4 * dims bytes are enough; the data may be absent).
 * @param bytes the start of the file (already gunzipped)
 * @param what name used in error messages, usually the file name
 */
export function parseIdxHeader(bytes: Uint8Array, what: string): IdxHeader {
  if (bytes.length < 4) {
    throw new Error(`${what}: not an IDX file (only ${bytes.length} byte${bytes.length === 1 ? '' : 's'})`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${what}: not an IDX file (it must start with two zero bytes)`);
  }
  const type = bytes[2];
  if (type !== 0x08) {
    const name = TYPE_NAMES[type];
    throw new Error(
      name
        ? `${what}: IDX data type 0x${hex2(type)} (${name}) is not supported; only unsigned bytes (0x08) are`
        : `${what}: not an IDX file (unknown data type 0x${hex2(type)})`,
    );
  }
  const ndim = bytes[3];
  if (ndim < 1 || ndim > MAX_DIMS) {
    throw new Error(`${what}: IDX dimension count must be 1 to ${MAX_DIMS}, found ${ndim}`);
  }
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) {
    throw new Error(`${what}: truncated IDX header (${ndim} dimensions need ${headerSize} bytes, file has ${bytes.length})`);
  }
  const dims: number[] = [];
  let dataBytes = 1;
  for (let i = 0; i < ndim; i++) {
    const o = 4 + 4 * i;
    const d = ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
    if (d === 0) throw new Error(`${what}: IDX dimension ${i} is 0`);
    dims.push(d);
    dataBytes *= d; // NOTE: at most 2^128, exact enough as a double to compare with any file size
  }
  return { dims, headerSize, dataBytes };
}

/**
 * Parse an IDX file of unsigned bytes.
 * @param bytes the whole file (already gunzipped)
 * @param what name used in error messages, usually the file name
 * @returns dims and data; NOTE: `data` is a view into `bytes` (no copy)
 */
export function parseIdx(bytes: Uint8Array, what: string): IdxData {
  const { dims, headerSize, dataBytes } = parseIdxHeader(bytes, what);
  const found = bytes.length - headerSize;
  if (dataBytes !== found) {
    throw new Error(`${what}: IDX dimensions [${dims.join(', ')}]: expected ${dataBytes} bytes of data, found ${found}`);
  }
  return { dims, data: bytes.subarray(headerSize) };
}

/**
 * Encode unsigned bytes as an IDX file (for fixtures and tests).
 * @param dims 1 to 4 positive sizes, e.g. [count, rows, cols]
 * @param data product(dims) bytes, row-major
 */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  if (dims.length < 1 || dims.length > MAX_DIMS) throw new Error(`IDX needs 1 to ${MAX_DIMS} dimensions, got ${dims.length}`);
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d <= 0 || d > 0xffffffff) throw new Error(`IDX dimensions must be positive integers, got [${dims.join(', ')}]`);
    n *= d;
  }
  if (n !== data.length) throw new Error(`IDX dimensions [${dims.join(', ')}] need ${n} bytes, got ${data.length}`);
  const headerSize = 4 + 4 * dims.length;
  const out = new Uint8Array(headerSize + n);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    const o = 4 + 4 * i;
    out[o] = d >>> 24;
    out[o + 1] = (d >>> 16) & 0xff;
    out[o + 2] = (d >>> 8) & 0xff;
    out[o + 3] = d & 0xff;
  });
  out.set(data, headerSize);
  return out;
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}
