/**
 * Property-based fuzzing (fast-check) of the readers that take files from anywhere: safetensors
 * and checkpoints, IDX (raw and gzip) and CSV. Each generated input either parses, or is refused
 * with one error of our own: a plain Error (never a TypeError, RangeError or SyntaxError from
 * deep inside), one line naming the file. No input makes a reader allocate more than
 * ALLOCATION_BOUND: 16 times its size plus 2 MB, however large the sizes its header claims.
 * Each property runs a few thousand inputs and stops early after TIME_LIMIT_MS, so the file stays
 * well under 20 s on a busy two-core machine; a failure prints the seed that replays it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Architecture } from '../../src-engine/architecture';
import { decodeCheckpoint, encodeCheckpoint } from '../../src-engine/checkpoint/codec';
import { decodeSafetensors, encodeSafetensors } from '../../src-engine/checkpoint/safetensors';
import { CsvReader, parseCsv } from '../../src-engine/data/csv';
import { encodeIdx, parseIdx } from '../../src-engine/data/idx';
import { decodeIdxFile } from '../../src-engine/node/dataset-files';
import type { TrainConfig } from '../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../src-engine/train/config';
import type { TrainingState } from '../../src-engine/train/training-state';
import { checkModelFile } from '../../src-main/library/model-header';

const TIME_LIMIT_MS = 2_000;
const run = (numRuns: number) => ({ numRuns, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] });

/** The most a reader may allocate for an input of `bytes` bytes. */
const ALLOCATION_BOUND = (bytes: number) => 16 * bytes + 2 * 2 ** 20;

/**
 * Run a reader on one input: it returns, or throws our own error naming `what`. Returns the
 * result or the error message. NOTE: ArrayBuffers are only freed by a garbage collection, which
 * such short calls rarely see, so the growth of `arrayBuffers` is what the call allocated.
 */
function readOne<T>(what: string, inputBytes: number, read: () => T): { ok: T } | { error: string } {
  const before = process.memoryUsage().arrayBuffers;
  let outcome: { ok: T } | { error: string };
  try {
    outcome = { ok: read() };
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).constructor, `${(e as Error).name}: ${(e as Error).message}`).toBe(Error);
    const message = (e as Error).message;
    expect(message.startsWith(what)).toBe(true);
    expect(message).not.toMatch(/\n|\0|undefined|\[object /);
    outcome = { error: message };
  }
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThanOrEqual(ALLOCATION_BOUND(inputBytes));
  return outcome;
}

// ---- safetensors and checkpoints ----

const TINY: Architecture = {
  input: { shape: [2, 2], scale: 1 / 255 },
  layers: [{ type: 'linear', in: 4, out: 3 }, { type: 'relu' }, { type: 'linear', in: 3, out: 2 }],
  loss: 'cross_entropy',
  classes: ['0', '1'],
};

/** A valid checkpoint of TINY with momentum state, training state, history and dataset: what the mutations start from. */
function tinyCheckpoint(): Uint8Array {
  const t = (shape: number[]) => ({ shape, data: Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i / 7 - 0.5) });
  const params = new Map([['0.weight', t([3, 4])], ['0.bias', t([3])], ['2.weight', t([2, 3])], ['2.bias', t([2])]]);
  const optimizer = new Map([...params].map(([k, v]) => [`${k}.momentum`, v]));
  const config: TrainConfig = { ...DEFAULT_CONFIG, hidden: [3], epochs: 3, batch: 2 };
  const training: TrainingState = {
    config,
    epoch: 1,
    step: 4,
    stepInEpoch: 1,
    epochRng: { s: [1, 2, 3, 4], spare: null },
    partial: { lossSum: 0.5, correct: 1, count: 2, seconds: 0.1 },
    seconds: 1,
  };
  const history = [{ epoch: 1, train_loss: 0.7, train_accuracy: 0.5, test_loss: 0.69, test_accuracy: 0.5, lr: 0.05, seconds: 1, samples_per_second: 8 }];
  const dataset = { name: 'tiny', train: 8, test: 2, hash: '0123abcd' };
  return encodeCheckpoint({ architecture: TINY, params, optimizer, training, history, dataset, created: '2026-12-01', appVersion: 'test' });
}
const VALID = tinyCheckpoint();
const VALID_HEADER_LENGTH = new DataView(VALID.buffer).getUint32(0, true);
const VALID_HEADER = JSON.parse(new TextDecoder().decode(VALID.subarray(8, 8 + VALID_HEADER_LENGTH))) as Record<string, Record<string, unknown>>;
const TENSOR_NAMES = Object.keys(VALID_HEADER).filter((k) => k !== '__metadata__');
const META_KEYS = Object.keys(VALID_HEADER.__metadata__);

/** Set `value` at a path chosen by `picks` (indexes into the keys met on the way down). */
function setAt(root: unknown, picks: number[], value: unknown): unknown {
  if (picks.length === 0 || typeof root !== 'object' || root === null) return value;
  const keys = Object.keys(root);
  if (keys.length === 0) return value;
  const key = keys[picks[0] % keys.length];
  (root as Record<string, unknown>)[key] = setAt((root as Record<string, unknown>)[key], picks.slice(1), value);
  return root;
}

/** One change to the valid checkpoint's header, as a learner's tool or a bad actor might make. */
const headerEdit = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), tensor: fc.constantFrom(...TENSOR_NAMES), field: fc.constantFrom('dtype', 'shape', 'data_offsets'), value: fc.oneof(fc.jsonValue(), fc.constantFrom('F32', 'I8', [3], [0, 8], [2, 3, 1])) }),
  fc.record({ kind: fc.constant('offsets' as const), tensor: fc.constantFrom(...TENSOR_NAMES), other: fc.constantFrom(...TENSOR_NAMES) }),
  fc.record({ kind: fc.constant('rename' as const), tensor: fc.constantFrom(...TENSOR_NAMES), to: fc.constantFrom('optim.../x', '../../etc/passwd', '3.weight', 'optim.0.bias.m', '__proto__', 'constructor', '0.weight') }),
  fc.record({ kind: fc.constant('delete' as const), tensor: fc.constantFrom(...TENSOR_NAMES) }),
  fc.record({ kind: fc.constant('meta' as const), key: fc.constantFrom(...META_KEYS, 'format'), picks: fc.array(fc.nat(20), { maxLength: 4 }), value: fc.oneof(fc.jsonValue(), fc.constantFrom(null, -1, 0, 1e309, 'x', [], {})) }),
  fc.record({ kind: fc.constant('meta-text' as const), key: fc.constantFrom(...META_KEYS), text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('[', '{}', 'null', '[1]', '"x"')) }),
);
type HeaderEdit = typeof headerEdit extends fc.Arbitrary<infer E> ? E : never;

function jsonOrText(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? 'null');
  } catch {
    return text;
  }
}

function applyEdit(h: Record<string, Record<string, unknown>>, e: HeaderEdit): void {
  const meta = h.__metadata__ as Record<string, string>;
  if ('tensor' in e && !h[e.tensor]) return; // renamed or deleted by an earlier edit
  if (e.kind === 'offsets' && !h[e.other]) return;
  if (e.kind === 'field') h[e.tensor][e.field] = e.value;
  else if (e.kind === 'offsets') h[e.tensor].data_offsets = h[e.other].data_offsets;
  else if (e.kind === 'rename') {
    const t = h[e.tensor];
    delete h[e.tensor];
    h[e.to] = t;
  } else if (e.kind === 'delete') delete h[e.tensor];
  else if (e.kind === 'meta') meta[e.key] = JSON.stringify(setAt(jsonOrText(meta[e.key]), e.picks, e.value)) ?? 'null';
  else meta[e.key] = e.text;
}

/** The valid checkpoint with its header edited and some stored values replaced. */
const editedCheckpoint = fc
  .record({
    edits: fc.array(headerEdit, { minLength: 1, maxLength: 3 }),
    values: fc.array(fc.tuple(fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity, 0, 1e308)), { maxLength: 2 }),
  })
  .map(({ edits, values }) => {
    const header = structuredClone(VALID_HEADER);
    for (const e of edits) applyEdit(header, e);
    const json = new TextEncoder().encode(JSON.stringify(header));
    const data = new Uint8Array(VALID.subarray(8 + VALID_HEADER_LENGTH));
    for (const [at, v] of values) new DataView(data.buffer).setFloat64(8 * (at % (data.length / 8)), v, true);
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setUint32(0, json.length, true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  });

/** A header entry that is sometimes right, often slightly wrong. */
const tensorEntry = fc.record(
  {
    dtype: fc.constantFrom('F64', 'F32', 'I8', 'BF16', 'f64', 7, null),
    shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 3 }), fc.constant('3'), fc.constant([1e300])),
    data_offsets: fc.oneof(fc.tuple(fc.nat(200), fc.nat(200)), fc.array(fc.integer({ min: -10, max: 2 ** 53 + 2 }), { maxLength: 3 }), fc.constant(null)),
  },
  { requiredKeys: [] },
);

/** Metadata that is sometimes a Scratchnet checkpoint's, with odd values. */
const metadata = fc.record(
  {
    format: fc.constantFrom('scratchnet.checkpoint/1', 'scratchnet.checkpoint/2', 'scratchnet.checkpoint/0', 'other'),
    architecture: fc.oneof(fc.constant(JSON.stringify(TINY)), fc.json(), fc.constant('{"layers":[]}')),
    training: fc.oneof(fc.json(), fc.constant('{"config":{"batch":0}}')),
    history: fc.oneof(fc.json(), fc.constant('[{"epoch":1}]'), fc.constant('[]')),
    dataset: fc.json(),
    created: fc.string(),
  },
  { requiredKeys: [] },
);

/** A safetensors file from a generated header and data section. */
const craftedFile = fc
  .record({
    tensors: fc.dictionary(fc.constantFrom('0.weight', '0.bias', '2.weight', '2.bias', 'optim.0.bias.momentum', 'optim.../x', '../../etc', '__proto__', 'x'), tensorEntry, { maxKeys: 6 }),
    metadata: fc.oneof(metadata, fc.constant(null), fc.jsonValue()),
    data: fc.uint8Array({ maxLength: 400 }),
    pad: fc.nat(3),
  })
  .map(({ tensors, metadata: meta, data, pad }) => {
    const json = new TextEncoder().encode(JSON.stringify({ __metadata__: meta, ...tensors }) + ' '.repeat(pad));
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setUint32(0, json.length, true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  });

/** A valid checkpoint with bytes flipped, cut, or inserted. */
const mutatedCheckpoint = fc
  .record({
    flips: fc.array(fc.tuple(fc.nat(VALID.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    cut: fc.option(fc.nat(VALID.length)),
    insert: fc.option(fc.tuple(fc.nat(VALID.length), fc.uint8Array({ minLength: 1, maxLength: 16 }))),
  })
  .map(({ flips, cut, insert }) => {
    let b = new Uint8Array(VALID);
    for (const [i, v] of flips) b[i] = v;
    if (insert) b = Uint8Array.from([...b.subarray(0, insert[0]), ...insert[1], ...b.subarray(insert[0])]);
    return cut === null ? b : b.subarray(0, cut);
  });

const anyModelFile = fc.oneof(fc.uint8Array({ maxLength: 64 }), craftedFile, mutatedCheckpoint, editedCheckpoint, editedCheckpoint);

describe('fuzz: safetensors reader and checkpoint validator', () => {
  it('reads a valid file back', () => {
    expect(decodeCheckpoint(VALID, 'm.safetensors').params.get('0.weight')?.shape).toEqual([3, 4]);
  });

  it('decodeSafetensors: parses or says what is wrong', () => {
    fc.assert(
      fc.property(anyModelFile, (bytes) => {
        const r = readOne('', bytes.length, () => decodeSafetensors(bytes));
        if ('ok' in r) for (const t of r.ok.tensors.values()) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
      }),
      run(3000),
    );
  });

  it('decodeCheckpoint: a model the engine can run, or one error naming the file', () => {
    fc.assert(
      fc.property(anyModelFile, (bytes) => {
        const r = readOne('m.safetensors: ', bytes.length, () => decodeCheckpoint(bytes, 'm.safetensors'));
        if ('ok' in r) for (const t of [...r.ok.params.values(), ...r.ok.optimizer.values()]) expect(t.data.every(Number.isFinite)).toBe(true);
      }),
      run(3000),
    );
  });

  it('the Models list and Open agree on every file, word for word', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratchnet-fuzz-'));
    try {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(anyModelFile, async (bytes) => {
          const file = join(dir, `${++n}.safetensors`);
          writeFileSync(file, bytes);
          let open = 'ok';
          try {
            decodeCheckpoint(bytes, 'm.safetensors');
          } catch (e) {
            open = (e as Error).message;
          }
          let list = 'ok';
          try {
            await checkModelFile(file, 'm.safetensors');
          } catch (e) {
            list = (e as Error).message;
          }
          rmSync(file);
          expect(list).toBe(open);
        }),
        run(600),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- IDX ----

/** An IDX file whose header is right or slightly wrong, raw or gzipped (sometimes damaged). */
const idxFile = fc
  .record({
    dims: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 0, maxLength: 5 }),
    huge: fc.boolean(),
    type: fc.constantFrom(0x08, 0x08, 0x08, 0x09, 0x0d, 0x42),
    extra: fc.integer({ min: -3, max: 3 }),
    gzip: fc.boolean(),
    damage: fc.option(fc.nat(1000)),
  })
  .map(({ dims, huge, type, extra, gzip, damage }) => {
    const claimed = huge ? [...dims, 0xffffffff] : dims;
    const n = Math.max(0, dims.reduce((a, b) => a * b, 1) + extra);
    const bytes = new Uint8Array(4 + 4 * claimed.length + n);
    bytes[2] = type;
    bytes[3] = claimed.length;
    claimed.forEach((d, i) => new DataView(bytes.buffer).setUint32(4 + 4 * i, d));
    for (let i = 0; i < n; i++) bytes[4 + 4 * claimed.length + i] = (i * 31) & 0xff;
    if (!gzip) return bytes;
    const gz = new Uint8Array(gzipSync(bytes));
    if (damage !== null) gz[damage % gz.length] ^= 0x5a;
    return gz;
  });

describe('fuzz: IDX reader', () => {
  it('parses or says what is wrong, raw or gzip, never unzipping past what the header claims', () => {
    fc.assert(
      fc.property(fc.oneof(idxFile, fc.uint8Array({ maxLength: 48 })), fc.boolean(), (bytes, gzName) => {
        const what = gzName ? 'f.idx.gz' : 'f.idx';
        const r = readOne(what, bytes.length, () => decodeIdxFile(bytes, what));
        if ('ok' in r) expect(r.ok.data.length).toBe(r.ok.dims.reduce((a, b) => a * b, 1));
      }),
      run(4000),
    );
  });

  it('reads back what it wrote', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }), (dims) => {
        const data = Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => (i * 7) & 0xff);
        const read = parseIdx(encodeIdx(dims, data), 'f.idx');
        expect(read.dims).toEqual(dims);
        expect([...read.data]).toEqual([...data]);
        expect([...decodeIdxFile(gzipSync(encodeIdx(dims, data)), 'f.idx.gz').data]).toEqual([...data]);
      }),
      run(1000),
    );
  });
});

// ---- CSV ----

/** Text made of what CSV files hold, and what they should not. */
const csvText = fc.string({
  unit: fc.constantFrom('0', '1', '7', '25', '255', '256', ',', ',', ',', '\n', '\n', '\r\n', '\r', ' ', '\t', 'label', 'x', '-', '.', '\0', 'é', '\uFEFF'),
  maxLength: 120,
});

/** A valid image CSV: rows of a label then side² pixels, maybe with a header and CRLF. */
const csvRows = fc
  .record({
    side: fc.integer({ min: 1, max: 3 }),
    count: fc.integer({ min: 1, max: 8 }),
    header: fc.boolean(),
    crlf: fc.boolean(),
    seed: fc.nat(),
  })
  .map(({ side, count, header, crlf, seed }) => {
    const rows = Array.from({ length: count }, (_, r) => Array.from({ length: side * side + 1 }, (_, c) => (seed + r * 13 + c * 7) % 256));
    const eol = crlf ? '\r\n' : '\n';
    const text = (header ? ['label', ...Array.from({ length: side * side }, (_, i) => `p${i}`)].join(',') + eol : '') + rows.map((r) => r.join(',')).join(eol) + eol;
    return { text, rows, side };
  });

/** The outcome of reading `bytes` pushed in pieces cut at `cuts`. */
function readInPieces(bytes: Uint8Array, cuts: number[]) {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return readOne('f.csv', bytes.length, () => {
    const reader = new CsvReader('f.csv');
    let from = 0;
    for (const c of [...at, bytes.length]) {
      reader.push(bytes.subarray(from, c));
      from = c;
    }
    const { lineOf: _, ...dataset } = reader.finish();
    return dataset;
  });
}

describe('fuzz: CSV reader', () => {
  it('parses or names the file (and the line), whatever the bytes', () => {
    fc.assert(
      fc.property(fc.oneof(csvText.map((t) => new TextEncoder().encode(t)), fc.uint8Array({ maxLength: 80 })), (bytes) => {
        const r = readOne('f.csv', bytes.length, () => parseCsv(bytes, 'f.csv'));
        if ('ok' in r) {
          expect(r.ok.images.length).toBe(r.ok.count * r.ok.rows * r.ok.cols);
          expect(r.ok.labels.length).toBe(r.ok.count);
        }
      }),
      run(4000),
    );
  });

  it('gives the same answer however the file is cut into chunks', () => {
    fc.assert(
      fc.property(fc.oneof(csvText, csvRows.map((c) => c.text)), fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const bytes = new TextEncoder().encode(text);
        expect(readInPieces(bytes, cuts)).toEqual(readInPieces(bytes, []));
      }),
      run(3000),
    );
  });

  it('reads back every label and pixel of a valid file', () => {
    fc.assert(
      fc.property(csvRows, ({ text, rows, side }) => {
        const ds = parseCsv(text, 'f.csv');
        expect([ds.count, ds.rows, ds.cols]).toEqual([rows.length, side, side]);
        expect([...ds.labels]).toEqual(rows.map((r) => r[0]));
        expect([...ds.images]).toEqual(rows.flatMap((r) => r.slice(1)));
      }),
      run(1000),
    );
  });
});

