/**
 * Shape and type checks for every message the renderer sends. Main and the browser-mode host run
 * them before anything reaches the engine; each failure is one sentence naming the problem.
 */
import { configProblems, MAX_EPOCHS } from '../../src-engine/train/config';
import { type DatasetSource, MAX_KERNEL_THREADS, type TrainConfig } from '../../src-engine/protocol';
import { isThreadCount } from '../../src-engine/service/thread-count';
import { isApiChannel, type ApiArgs, type ApiCallName } from './api-contract';
import { checkModelName } from '../library/model-names';
import { UPLOAD_ID } from './upload-limits';
import { EXPORT_FORMATS } from '../library/models-contract';
import { MAX_EXERCISE_CODE } from '../library/exercise-progress';

const MAX_PATH_CHARS = 4096;
const MAX_NAME_CHARS = 255;
const MAX_UPLOAD_FILES = 4;

type Shape = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === '') return 'an empty string';
  if (Array.isArray(v)) return 'a list';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return typeof v;
}

/** A value as a message shows it: JSON where it can be, at most 60 characters, never a throw. */
function shown(v: unknown): string {
  let text: string | undefined;
  try {
    text = typeof v === 'number' ? String(v) : JSON.stringify(v);
  } catch {
    text = undefined; // a BigInt or a cycle (Electron's IPC can carry both)
  }
  text ??= describe(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A plain object with exactly the allowed keys (required ones present). */
function object(v: unknown, what: string, required: string[], optional: string[] = []): Shape {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw new Error(`${what} must be an object (got ${describe(v)})`);
  }
  const o = v as Shape;
  for (const key of Object.keys(o)) {
    if (!required.includes(key) && !optional.includes(key)) throw new Error(`${what} has an unknown field "${key}"`);
  }
  for (const key of required) if (o[key] === undefined) throw new Error(`${what} is missing "${key}"`);
  return o;
}

function string(v: unknown, what: string, max: number): string {
  if (typeof v !== 'string' || v.length === 0) throw new Error(`${what} must be a non-empty string (got ${describe(v)})`);
  if (v.length > max) throw new Error(`${what} is longer than ${max} characters`);
  if (v.includes('\0')) throw new Error(`${what} contains a NUL character`);
  return v;
}

function bytes(v: unknown, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new Error(`${what} must be bytes (Uint8Array), got ${describe(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, what: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new Error(`${what} must be one of ${allowed.join(', ')} (got ${shown(v)})`);
  return v as T;
}

const split = (v: unknown) => oneOf(v, 'split', ['test', 'validation']);

function wholeNumber(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${what} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v) ?? describe(v)})`);
  }
  return v;
}

const empty = (what: string) => (v: unknown) => void object(v ?? {}, what, []);

/** A call that names one model: the name must be usable (never a path). */
const named = (what: string) => (v: unknown) => void checkModelName(object(v, what, ['name']).name);

/** Check a dataset source's shape (paths are checked against the approved list elsewhere). */
export function checkDatasetSource(v: unknown, what = 'dataset'): DatasetSource {
  const kind = object(v, what, ['kind'], ['dir', 'train', 'test']).kind;
  switch (oneOf(kind, `${what}.kind`, ['mnist', 'idx', 'csv'])) {
    case 'mnist':
      object(v, what, ['kind']);
      return { kind: 'mnist' };
    case 'idx': {
      const o = object(v, what, ['kind', 'dir']);
      return { kind: 'idx', dir: string(o.dir, `${what}.dir`, MAX_PATH_CHARS) };
    }
    case 'csv': {
      const o = object(v, what, ['kind', 'train'], ['test']);
      const train = string(o.train, `${what}.train`, MAX_PATH_CHARS);
      return o.test === undefined ? { kind: 'csv', train } : { kind: 'csv', train, test: string(o.test, `${what}.test`, MAX_PATH_CHARS) };
    }
  }
}

const CONFIG_KEYS: (keyof TrainConfig)[] = [
  'dataset', 'classes', 'limit', 'validation', 'hidden', 'activation', 'loss', 'optimizer', 'lr',
  'momentum', 'nesterov', 'weightDecay', 'schedule', 'batch', 'epochs', 'seed', 'dropout', 'augment', 'timeLimit', 'preset',
];
const OPTIONAL_CONFIG_KEYS: (keyof TrainConfig)[] = ['classes', 'limit', 'validation', 'dropout', 'augment', 'timeLimit', 'preset'];

/** Check a training config: its shape here, its values with the engine's own rules. */
export function checkTrainConfig(v: unknown): TrainConfig {
  const required = CONFIG_KEYS.filter((k) => !OPTIONAL_CONFIG_KEYS.includes(k));
  const o = object(v, 'config', required, OPTIONAL_CONFIG_KEYS);
  checkDatasetSource(o.dataset, 'config.dataset');
  const problems = configProblems(o as Partial<TrainConfig>);
  if (problems.length) throw new Error(problems[0]);
  return o as unknown as TrainConfig;
}

type Validators = { [K in ApiCallName]: (args: unknown) => void };

const VALIDATORS: Validators = {
  'training:start': (v) => {
    const o = object(v, 'training:start', ['config'], ['resume']);
    checkTrainConfig(o.config);
    if (o.resume !== undefined) bytes(o.resume, 'resume');
  },
  'training:pause': empty('training:pause'),
  'training:resume': empty('training:resume'),
  'training:stop': empty('training:stop'),
  'training:recover': empty('training:recover'),
  'training:cancel': empty('training:cancel'),
  'training:lr-find': (v) => void checkTrainConfig(object(v, 'training:lr-find', ['config']).config),
  'model:load': (v) => {
    const o = object(v, 'model:load', ['bytes', 'fileName']);
    bytes(o.bytes, 'model bytes');
    string(o.fileName, 'file name', MAX_NAME_CHARS);
  },
  'model:weights': empty('model:weights'),
  'model:predict': (v) => {
    const o = object(v, 'model:predict', ['pixels', 'saliency']);
    if (bytes(o.pixels, 'pixels').length === 0) throw new Error('pixels must not be empty');
    if (typeof o.saliency !== 'boolean') throw new Error('saliency must be true or false');
  },
  'dataset:info': (v) => void checkDatasetSource(object(v, 'dataset:info', ['source']).source, 'source'),
  'dataset:sample': (v) => {
    const o = object(v, 'dataset:sample', ['which'], ['after']);
    if (o.after !== undefined && (typeof o.after !== 'number' || !Number.isInteger(o.after))) {
      throw new Error(`after must be a test image index (got ${shown(o.after)})`);
    }
    const which = o.which;
    if (which === 'random' || which === 'misclassified') return;
    if (typeof which !== 'number' || !Number.isInteger(which) || which < 0) {
      throw new Error(`sample must be "random", "misclassified" or an image index (got ${shown(which)})`);
    }
  },
  'dataset:digits': (v) => {
    const o = object(v, 'dataset:digits', ['split', 'start', 'count']);
    oneOf(o.split, 'split', ['train', 'test']);
    wholeNumber(o.start, 'start', 0, 60000);
    wholeNumber(o.count, 'count', 1, 30000);
  },
  'engine:kernels': empty('engine:kernels'),
  'engine:set-threads': (v) => {
    const threads = object(v, 'engine:set-threads', ['threads']).threads;
    if (!isThreadCount(threads, MAX_KERNEL_THREADS)) {
      throw new Error(`threads must be a whole number from 1 to ${MAX_KERNEL_THREADS} (got ${shown(threads)})`);
    }
  },
  'model:evaluate': (v) => void split(object(v, 'model:evaluate', ['split']).split),
  'model:gallery': (v) => {
    const o = object(v, 'model:gallery', ['split', 'query'], ['limit']);
    split(o.split);
    const q = object(o.query, 'query', ['kind'], ['truth', 'predicted']);
    oneOf(q.kind, 'gallery', ['cell', 'wrong', 'unsure']);
    if (q.kind === 'cell') for (const k of ['truth', 'predicted']) wholeNumber(q[k], `query.${k}`, 0, 255);
    if (o.limit !== undefined) wholeNumber(o.limit, 'limit', 1, 1000);
  },
  'model:hidden': (v) => {
    const o = object(v, 'model:hidden', ['split', 'layer', 'count']);
    split(o.split);
    wholeNumber(o.layer, 'layer', 0, 1000);
    wholeNumber(o.count, 'count', 1, 100000);
  },
  'step:trace': (v) => {
    const o = object(v, 'step:trace', ['example', 'weights'], ['label', 'lr']);
    const e = object(o.example, 'example', [], ['index', 'pixels']);
    if (e.pixels !== undefined) bytes(e.pixels, 'pixels');
    else wholeNumber(e.index, 'test image index', 0, 10_000_000);
    if (o.label !== undefined) wholeNumber(o.label, 'label', 0, 255);
    if (o.lr !== undefined && (typeof o.lr !== 'number' || !(o.lr > 0) || o.lr > 10)) throw new Error(`the learning rate must be a number above 0 and at most 10 (got ${shown(o.lr)})`);
    oneOf(o.weights, 'weights', ['model', 'scratch']);
  },
  'step:apply': empty('step:apply'),
  'step:neuron': (v) => {
    const o = object(v, 'step:neuron', ['layer', 'unit']);
    wholeNumber(o.layer, 'layer', 0, 1000);
    wholeNumber(o.unit, 'unit', 0, 1_000_000);
  },
  'step:gradcheck': (v) => {
    const o = object(v, 'step:gradcheck', ['param', 'row', 'col']);
    string(o.param, 'parameter name', 100);
    wholeNumber(o.row, 'row', 0, 1_000_000);
    wholeNumber(o.col, 'column', 0, 1_000_000);
  },
  'app:info': empty('app:info'),
  'exercises:load': empty('exercises:load'),
  'exercises:save': (v) => {
    const progress = object(v, 'exercises:save', ['progress']).progress;
    if (typeof progress !== 'object' || progress === null || Array.isArray(progress)) throw new Error('progress must be an object');
    for (const [name, entry] of Object.entries(progress)) {
      if (!/^[a-z-]{1,40}$/.test(name)) throw new Error(`exercise names are lowercase words (got ${shown(name)})`);
      const e = object(entry, name, ['code', 'passed', 'tried']);
      // NOTE: empty code is fine: a learner may clear the editor to start over
      if (typeof e.code !== 'string') throw new Error(`${name} code must be a string (got ${shown(e.code)})`);
      if (e.code.length > MAX_EXERCISE_CODE) throw new Error(`${name} code is longer than ${MAX_EXERCISE_CODE} characters`);
      if (typeof e.passed !== 'boolean' || typeof e.tried !== 'boolean') throw new Error(`${name}: passed and tried must be true or false`);
    }
  },
  'training:status': empty('training:status'),
  'training:opened': empty('training:opened'),
  'app:set-theme': (v) => void oneOf(object(v, 'app:set-theme', ['source']).source, 'theme', ['system', 'light', 'dark']),
  'dataset:choose': (v) => void oneOf(object(v, 'dataset:choose', ['kind']).kind, 'dataset kind', ['idx', 'csv']),
  'dataset:open-path': (v) => {
    const o = object(v, 'dataset:open-path', ['kind', 'path'], ['testPath']);
    oneOf(o.kind, 'dataset kind', ['idx', 'csv']);
    string(o.path, 'path', MAX_PATH_CHARS);
    if (o.testPath !== undefined) string(o.testPath, 'test path', MAX_PATH_CHARS);
  },
  'dataset:upload': (v) => {
    const o = object(v, 'dataset:upload', ['kind', 'files']);
    oneOf(o.kind, 'dataset kind', ['idx', 'csv']);
    if (!Array.isArray(o.files) || o.files.length === 0 || o.files.length > MAX_UPLOAD_FILES) {
      throw new Error(`upload 1 to ${MAX_UPLOAD_FILES} files`);
    }
    o.files.forEach((f, i) => {
      const file = object(f, `file ${i + 1}`, ['name', 'upload']);
      string(file.name, `file ${i + 1} name`, MAX_NAME_CHARS);
      if (typeof file.upload !== 'string' || !UPLOAD_ID.test(file.upload)) {
        throw new Error(`file ${i + 1} upload must be the id the host gave the upload (got ${shown(file.upload)})`);
      }
    });
  },
  'models:list': empty('models:list'),
  'models:open': named('models:open'),
  'models:continue': (v) => {
    const o = object(v, 'models:continue', ['name', 'epochs'], ['keepSchedule']);
    checkModelName(o.name);
    if (o.keepSchedule !== undefined && typeof o.keepSchedule !== 'boolean') throw new Error('keepSchedule must be true or false');
    if (typeof o.epochs !== 'number' || !Number.isInteger(o.epochs) || o.epochs < 1 || o.epochs > MAX_EPOCHS) {
      throw new Error(`epochs must be a whole number from 1 to ${MAX_EPOCHS} (got ${shown(o.epochs)})`);
    }
  },
  'models:rename': (v) => {
    const o = object(v, 'models:rename', ['name', 'to']);
    checkModelName(o.name);
    checkModelName(o.to);
  },
  'models:duplicate': named('models:duplicate'),
  'models:delete': named('models:delete'),
  'models:reveal': named('models:reveal'),
  'models:export': named('models:export'),
  'models:export-csv': named('models:export-csv'),
  'models:export-as': (v) => {
    const o = object(v, 'models:export-as', ['name', 'format']);
    checkModelName(o.name);
    oneOf(o.format, 'export format', EXPORT_FORMATS);
  },
  'models:import': empty('models:import'),
  'models:compare': (v) => {
    const names = object(v, 'models:compare', ['names']).names;
    if (!Array.isArray(names) || names.length < 2 || names.length > 6) throw new Error('Select 2 to 6 models to compare.');
    names.forEach((n) => checkModelName(n));
  },
  'models:upload': (v) => {
    const o = object(v, 'models:upload', ['fileName', 'bytes']);
    string(o.fileName, 'file name', MAX_NAME_CHARS);
    bytes(o.bytes, 'model bytes');
  },
};

/**
 * Check one incoming call; throws a plain message when the channel is unknown or the arguments
 * have the wrong shape, types or values.
 */
export function checkApiCall(name: unknown, args: unknown): { name: ApiCallName; args: ApiArgs<ApiCallName> } {
  if (!isApiChannel(name)) throw new Error(`unknown call ${shown(name)}`);
  VALIDATORS[name](args);
  return { name, args: (args ?? {}) as ApiArgs<ApiCallName> };
}
