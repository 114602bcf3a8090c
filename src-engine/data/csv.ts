/**
 * CSV image sets in the Kaggle MNIST layout: one image a line, the label first, then the
 * pixels row-major (784 for 28x28; any N·N count works), optional header row.
 * NOTE: parsed by a hand-written character scanner, not split/regex per row: a 100 MB file is
 * ~80 million fields, and allocating a string for each would dominate the time.
 */
import { numberedClasses, labelRange, type Dataset } from './dataset';

const COMMA = 44;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const ZERO = 48;
const NINE = 57;

/**
 * Parse a CSV image set.
 * @param text the whole file; \n or \r\n line ends, trailing blank lines ignored
 * @param what name used in error messages, usually the file name
 * @returns the dataset without a name: images [count, N, N] bytes, labels [count],
 *   classes '0'..'largest label'
 */
export function parseCsv(text: string, what: string): Omit<Dataset, 'name'> {
  const len = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  let line = 1;

  // Header: the first line is a header when its first field is not a number ("label,pixel0,...").
  let width = -1;
  if (pos < len && !isNumberStart(text, pos)) {
    const eol = lineEnd(text, pos);
    if (text.slice(pos, eol).trim() === '') throw new Error(`${what}: line 1 is empty`);
    width = countFields(text, pos, eol);
    pos = nextLine(text, eol);
    line = 2;
  }
  if (width === -1) {
    const eol = lineEnd(text, pos);
    if (pos >= len || isBlank(text, pos, eol)) throw new Error(`${what}: no data rows`);
    width = countFields(text, pos, eol);
  }
  const pixels = width - 1;
  if (pixels < 1) throw new Error(`${what}: line ${line}: expected a label then pixel values, found ${width} value`);
  const side = Math.round(Math.sqrt(pixels));
  if (side * side !== pixels) {
    throw new Error(`${what}: line ${line}: ${pixels} pixel values do not make a square image (28x28 is 784)`);
  }

  // Upper bound on rows: the number of remaining lines.
  let maxRows = 1;
  for (let i = text.indexOf('\n', pos); i !== -1; i = text.indexOf('\n', i + 1)) maxRows++;
  let images = new Uint8Array(maxRows * pixels);
  let labels = new Uint8Array(maxRows);
  let count = 0;
  let blankLine = 0; // first blank line seen; an error if data follows it

  while (pos < len) {
    let c = text.charCodeAt(pos);
    // blank line (only spaces, tabs, \r)?
    let p = pos;
    while (c === SPACE || c === TAB || c === CR) c = text.charCodeAt(++p);
    if (c === LF || p >= len) {
      if (blankLine === 0) blankLine = line;
      pos = p + 1;
      line++;
      continue;
    }
    if (blankLine !== 0) throw new Error(`${what}: line ${blankLine} is empty`);

    const base = count * pixels - 1; // pixel field f (1-based) goes to base + f
    let field = 0;
    for (;;) {
      const start = pos;
      c = text.charCodeAt(pos);
      while (c === SPACE || c === TAB) c = text.charCodeAt(++pos);
      let v = 0;
      let digits = 0;
      while (c >= ZERO && c <= NINE) {
        v = v * 10 + (c - ZERO);
        digits++;
        c = text.charCodeAt(++pos);
      }
      while (c === SPACE || c === TAB) c = text.charCodeAt(++pos);
      const ends = c === COMMA || c === LF || c === CR || pos >= len;
      if (digits === 0 || v > 255 || !ends) {
        const raw = text.slice(start, fieldEnd(text, start)).trim();
        const kind = field === 0 ? 'label ' : '';
        throw new Error(`${what}: line ${line}, column ${field + 1}: ${kind}"${raw}" is not an integer 0-255`);
      }
      if (field === 0) labels[count] = v;
      else if (field < width) images[base + field] = v;
      field++;
      if (c !== COMMA) break;
      pos++;
    }
    if (field !== width) {
      throw new Error(`${what}: line ${line}: expected ${width} values, found ${field}`);
    }
    count++;
    if (text.charCodeAt(pos) === CR) pos++;
    if (text.charCodeAt(pos) === LF) pos++;
    else if (pos < len) throw new Error(`${what}: line ${line}: lines must end with \\n or \\r\\n`);
    line++;
  }
  if (count === 0) throw new Error(`${what}: no data rows`);
  if (count < maxRows) {
    images = images.slice(0, count * pixels);
    labels = labels.slice(0, count);
  }
  return { images, labels, count, rows: side, cols: side, classes: numberedClasses(labelRange(labels)) };
}

function isNumberStart(text: string, pos: number): boolean {
  let c = text.charCodeAt(pos);
  while (c === SPACE || c === TAB) c = text.charCodeAt(++pos);
  return c >= ZERO && c <= NINE;
}

/** Index of the \r or \n ending the line at pos (or text.length). */
function lineEnd(text: string, pos: number): number {
  let c = text.charCodeAt(pos);
  while (pos < text.length && c !== LF && c !== CR) c = text.charCodeAt(++pos);
  return pos;
}

function nextLine(text: string, eol: number): number {
  if (text.charCodeAt(eol) === CR) eol++;
  return text.charCodeAt(eol) === LF ? eol + 1 : eol;
}

function isBlank(text: string, pos: number, end: number): boolean {
  for (let i = pos; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

function countFields(text: string, pos: number, end: number): number {
  let n = 1;
  for (let i = pos; i < end; i++) if (text.charCodeAt(i) === COMMA) n++;
  return n;
}

function fieldEnd(text: string, pos: number): number {
  let c = text.charCodeAt(pos);
  while (pos < text.length && c !== COMMA && c !== LF && c !== CR) c = text.charCodeAt(++pos);
  return pos;
}
