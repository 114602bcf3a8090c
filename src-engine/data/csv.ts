/**
 * CSV image sets in the Kaggle MNIST layout: one image a line, the label first, then the
 * pixels row-major (784 for 28x28; any N·N count works), optional header row.
 * NOTE: read as bytes, a chunk at a time (CsvReader), by a hand-written scanner: a 100 MB file
 * is ~80 million fields, and a string per field (or the whole file as one string) would
 * dominate the time and the memory. Memory grows with the rows found, never with the lines.
 */
import { labelRange, numberedClasses, type Dataset } from './dataset';

const COMMA = 44;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const ZERO = 48;
const NINE = 57;

/** The longest line read (a 512x512 image of 255s is 1 MB); longer means this is no image CSV. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** What a CSV image set parses to, before it gets a name. */
export type CsvDataset = Omit<Dataset, 'name'> & {
  /** The file's line number of each row (1-based; rows follow an optional header, no gaps). */
  lineOf(row: number): number;
};

/**
 * Reads a CSV image set from bytes given a chunk at a time (any split, even inside a line).
 * Every error is "<what>: line N: <problem>" (or "<what>: <problem>" for the whole file).
 */
export class CsvReader {
  private line = 0;
  /** -1 until the header or first row gives the number of values a line. */
  private width = -1;
  private firstRowLine = 0;
  private blankLine = 0;
  private count = 0;
  private labels: Uint8Array = new Uint8Array(0);
  private images: Uint8Array = new Uint8Array(0);
  /** The unfinished last line of the chunks so far. */
  private carry: Uint8Array = new Uint8Array(0);
  private started = false;

  /** @param what name used in error messages, usually the file name */
  constructor(private readonly what: string) {}

  /** Read the next bytes of the file. */
  push(chunk: Uint8Array): void {
    if (!this.started) {
      if (this.carry.length + chunk.length < 4) {
        this.carry = concat(this.carry, chunk);
        return;
      }
      chunk = this.checkEncoding(concat(this.carry, chunk));
      this.carry = new Uint8Array(0);
      this.started = true;
    }
    let start = 0;
    if (this.carry.length) {
      const lf = chunk.indexOf(LF);
      if (lf === -1) {
        this.carry = this.extendCarry(chunk);
        return;
      }
      const line = concat(this.carry, chunk.subarray(0, lf));
      this.carry = new Uint8Array(0);
      this.readLine(line, 0, line.length);
      start = lf + 1;
    }
    for (let lf = chunk.indexOf(LF, start); lf !== -1; lf = chunk.indexOf(LF, start)) {
      this.readLine(chunk, start, lf);
      start = lf + 1;
    }
    if (start < chunk.length) this.carry = this.extendCarry(chunk.subarray(start));
  }

  /** The dataset, once every byte was pushed. */
  finish(): CsvDataset {
    if (!this.started) {
      const head = this.checkEncoding(this.carry);
      this.carry = new Uint8Array(0);
      this.started = true;
      this.push(head);
    }
    if (this.carry.length) {
      const last = this.carry;
      this.carry = new Uint8Array(0);
      this.readLine(last, 0, last.length);
    }
    if (this.count === 0) throw new Error(`${this.what}: no data rows`);
    const pixels = this.width - 1;
    const side = Math.round(Math.sqrt(pixels));
    const first = this.firstRowLine;
    return {
      images: this.images.slice(0, this.count * pixels),
      labels: this.labels.slice(0, this.count),
      count: this.count,
      rows: side,
      cols: side,
      classes: numberedClasses(labelRange(this.labels.subarray(0, this.count))),
      lineOf: (row) => first + row,
    };
  }

  /** Refuse what is not UTF-8/ASCII text; returns the bytes after a UTF-8 byte-order mark. */
  private checkEncoding(head: Uint8Array): Uint8Array {
    const at = (i: number) => head[i];
    if ((at(0) === 0xff && at(1) === 0xfe) || (at(0) === 0xfe && at(1) === 0xff)) {
      const utf32 = at(0) === 0xff && at(2) === 0 && at(3) === 0;
      throw new Error(`${this.what}: is ${utf32 ? 'UTF-32' : 'UTF-16'} text; Scratchnet reads CSV files saved as UTF-8 or plain ASCII. Save it again as "CSV UTF-8" (or plain CSV) and try again.`);
    }
    if (at(0) === 0x1f && at(1) === 0x8b) throw new Error(`${this.what}: is a gzip file; unzip it first (CSV files are read as plain text).`);
    return at(0) === 0xef && at(1) === 0xbb && at(2) === 0xbf ? head.subarray(3) : head;
  }

  private extendCarry(more: Uint8Array): Uint8Array {
    if (this.carry.length + more.length > MAX_LINE_BYTES) {
      throw new Error(`${this.what}: line ${this.line + 1} is longer than ${MAX_LINE_BYTES / 2 ** 20} MB; this is not a CSV file of images`);
    }
    return concat(this.carry, more);
  }

  /** One line: bytes [start, end) without its \n. */
  private readLine(b: Uint8Array, start: number, end: number): void {
    const line = ++this.line;
    if (end > start && b[end - 1] === CR) end--;
    if (isBlank(b, start, end)) {
      if (line === 1) throw new Error(`${this.what}: line 1 is empty`);
      if (this.blankLine === 0) this.blankLine = line;
      return;
    }
    if (this.blankLine !== 0) throw new Error(`${this.what}: line ${this.blankLine} is empty`);
    if (this.width === -1) {
      this.width = countFields(b, start, end);
      this.checkWidth(line);
      // The first line is a header when its first field is not a number ("label,pixel0,...").
      if (!isNumberStart(b, start, end)) return;
    }
    if (this.firstRowLine === 0) this.firstRowLine = line;
    this.readRow(b, start, end, line);
  }

  private checkWidth(line: number): void {
    const pixels = this.width - 1;
    if (pixels < 1) throw new Error(`${this.what}: line ${line}: expected a label then pixel values, found ${this.width} value`);
    const side = Math.round(Math.sqrt(pixels));
    if (side * side !== pixels) throw new Error(`${this.what}: line ${line}: ${pixels} pixel values do not make a square image (28x28 is 784)`);
  }

  private readRow(b: Uint8Array, pos: number, end: number, line: number): void {
    const width = this.width;
    const pixels = width - 1;
    if (this.count === this.labels.length) {
      // NOTE: room for twice the rows so far (at first about 1 MB of pixels): memory stays within
      // twice what the rows need, and the rows need less than the file's bytes.
      const rows = this.count === 0 ? Math.max(1, Math.min(256, Math.floor(2 ** 20 / pixels))) : this.count * 2;
      this.labels = grow(this.labels, rows);
      this.images = grow(this.images, rows * pixels);
    }
    const base = this.count * pixels - 1; // pixel field f (1-based) goes to base + f
    let field = 0;
    for (;;) {
      const start = pos;
      let c = b[pos];
      while (pos < end && (c === SPACE || c === TAB)) c = b[++pos];
      let v = 0;
      let digits = 0;
      while (pos < end && c >= ZERO && c <= NINE) {
        v = v * 10 + (c - ZERO);
        digits++;
        c = b[++pos];
      }
      while (pos < end && (c === SPACE || c === TAB)) c = b[++pos];
      const ends = pos >= end || c === COMMA;
      if (digits === 0 || v > 255 || !ends) this.badField(b, start, end, line, field);
      if (field === 0) this.labels[this.count] = v;
      else if (field < width) this.images[base + field] = v;
      field++;
      if (pos >= end) break;
      pos++; // the comma
    }
    if (field !== width) throw new Error(`${this.what}: line ${line}: expected ${width} values, found ${field}`);
    this.count++;
  }

  private badField(b: Uint8Array, start: number, end: number, line: number, field: number): never {
    const what = this.what;
    if (b.subarray(start, end).includes(0)) {
      throw new Error(`${what}: line ${line} contains NUL bytes, so it looks like UTF-16 text or a binary file; Scratchnet reads CSV files saved as UTF-8 or plain ASCII.`);
    }
    // a \r inside the line (the one before \n was already dropped): old Mac line ends
    if (b.subarray(start, end).includes(CR)) throw new Error(`${what}: line ${line}: lines must end with \\n or \\r\\n`);
    let stop = start;
    while (stop < end && b[stop] !== COMMA) stop++;
    const raw = new TextDecoder().decode(b.subarray(start, Math.min(stop, start + 40))).trim();
    const shown = stop - start > 40 ? `${raw.slice(0, 20)}…` : raw;
    throw new Error(`${what}: line ${line}, column ${field + 1}: ${field === 0 ? 'label ' : ''}${JSON.stringify(shown)} is not an integer 0-255`);
  }
}

/**
 * Parse a whole CSV image set at once.
 * @param input the file's bytes (or its text); \n or \r\n line ends, trailing blank lines ignored
 * @param what name used in error messages, usually the file name
 * @returns images [count, N, N] bytes, labels [count], classes '0'..'largest label'
 */
export function parseCsv(input: string | Uint8Array, what: string): CsvDataset {
  const reader = new CsvReader(what);
  reader.push(typeof input === 'string' ? new TextEncoder().encode(input) : input);
  return reader.finish();
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function grow(a: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(a);
  return out;
}

function isBlank(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

function isNumberStart(b: Uint8Array, pos: number, end: number): boolean {
  while (pos < end && (b[pos] === SPACE || b[pos] === TAB)) pos++;
  return pos < end && b[pos] >= ZERO && b[pos] <= NINE;
}

/** Values in a line, up to a stray \r (which the row then reports). */
function countFields(b: Uint8Array, start: number, end: number): number {
  let n = 1;
  for (let i = start; i < end && b[i] !== CR; i++) if (b[i] === COMMA) n++;
  return n;
}
