import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { encodeSafetensors } from '../../../src-engine/checkpoint/safetensors';
import { CheckpointStore } from '../../../src-main/library/checkpoint-store';
import { tempDir, trainedModel } from './model-fixtures';

let root: { dir: string; cleanup: () => void };
let dir: string;
let store: CheckpointStore;

beforeEach(async () => {
  root = tempDir();
  dir = path.join(root.dir, 'user', 'data', 'models');
  store = new CheckpointStore(dir);
  await store.init();
});
afterEach(() => root.cleanup());

const files = () => readdirSync(dir).sort();
const model = trainedModel();
const adam = trainedModel({ optimizer: 'adam', lr: 0.005, momentum: 0, hidden: [6, 5], epochs: 3 });

describe('checkpoint store: the library list', () => {
  it('lists each model with what the Models view shows, newest first', async () => {
    store.save('first', model);
    utimesSync(path.join(dir, 'first.safetensors'), new Date('2026-01-01'), new Date('2026-01-01'));
    store.save('second net', adam);
    const { models, problems } = await store.list();
    expect(problems).toEqual([]);
    expect(models.map((m) => m.name)).toEqual(['second net', 'first']);
    const first = models[1];
    const history = decodeCheckpoint(model, 'm').history;
    expect(first).toMatchObject({
      name: 'first',
      architecture: '784-8-10 relu',
      sizes: [784, 8, 10],
      parameters: 784 * 8 + 8 + 8 * 10 + 10,
      dataset: 'mnist-500',
      epochs: 2,
      resumable: true,
      plannedEpochs: 2,
      schedule: 'constant',
      training: false,
      created: '2026-11-22T14:05:00.000Z',
      modified: new Date('2026-01-01').toISOString(),
      bytes: model.length,
    });
    expect(first.accuracy).toEqual(history.map((h) => h.test_accuracy));
    expect(first.bestTestAccuracy).toBe(Math.max(...history.map((h) => h.test_accuracy)));
    expect(models[0]).toMatchObject({ architecture: '784-6-5-10 relu', epochs: 3 });
    expect(models[0].accuracy).toHaveLength(3);
  });

  it('flags unreadable files with their message and still lists the rest', async () => {
    store.save('good', model);
    writeFileSync(path.join(dir, 'truncated.safetensors'), model.subarray(0, model.length - 100));
    writeFileSync(path.join(dir, 'notes.safetensors'), 'these are my notes, not a model');
    writeFileSync(path.join(dir, 'foreign.safetensors'), encodeSafetensors(new Map([['w', { shape: [2], data: new Float64Array(2) }]]), {}));
    writeFileSync(path.join(dir, 'readme.txt'), 'not listed at all');
    writeFileSync(path.join(dir, 'CON.safetensors'), model);
    const { models, problems } = await store.list();
    expect(models.map((m) => m.name)).toEqual(['good']);
    const errors = Object.fromEntries(problems.map((p) => [p.fileName, p.error]));
    expect(Object.keys(errors)).toEqual(['CON.safetensors', 'foreign.safetensors', 'notes.safetensors', 'truncated.safetensors']);
    expect(errors['CON.safetensors']).toBe(
      'CON.safetensors: the file name cannot be a model name ("CON" cannot be a model name: Windows reserves it for a device.) Rename the file in the models folder.',
    );
    expect(errors['foreign.safetensors']).toBe('foreign.safetensors: not a Scratchnet model (no "architecture" metadata)');
    expect(errors['notes.safetensors']).toMatch(/^notes\.safetensors: is not a safetensors file \(header length \d+ is implausible\)$/);
    expect(errors['truncated.safetensors']).toMatch(/^truncated\.safetensors: truncated \(header says \d+ bytes of tensors, file has \d+\)$/);
    // the same words that opening the file gives
    for (const name of ['foreign', 'notes', 'truncated']) await expect(store.load(name)).rejects.toThrow(errors[`${name}.safetensors`]);
  });

  it('checks the values too: a file whose tensors hold NaN is listed as a problem, in the words opening it gives', async () => {
    const bad = new Uint8Array(model);
    const headerEnd = 8 + new DataView(bad.buffer).getUint32(0, true);
    new DataView(bad.buffer).setFloat64(headerEnd, NaN, true);
    writeFileSync(path.join(dir, 'poisoned.safetensors'), bad);
    const { models, problems } = await store.list();
    expect(models).toEqual([]);
    expect(problems.map((p) => p.error)).toEqual(['poisoned.safetensors: tensor 0.bias contains NaN']);
    await expect(store.load('poisoned')).rejects.toThrow(/^poisoned\.safetensors: tensor 0\.bias contains NaN$/);
  });

  it('checks a file again once it changes, and not before', async () => {
    store.save('net', model);
    expect((await store.list()).models.map((m) => m.name)).toEqual(['net']);
    const bad = new Uint8Array(model);
    new DataView(bad.buffer).setFloat64(8 + new DataView(bad.buffer).getUint32(0, true), Infinity, true);
    store.save('net', bad);
    expect((await store.list()).problems.map((p) => p.error)).toEqual(['net.safetensors: tensor 0.bias contains Infinity']);
  });
});

describe('checkpoint store: operations', () => {
  it('saves atomically and opens what it saved, leaving no temporary files', async () => {
    store.save('net', model);
    store.save('net', adam);
    expect(files()).toEqual(['net.safetensors']);
    const { bytes, checkpoint } = await store.load('net');
    expect(Buffer.from(bytes).equals(Buffer.from(adam))).toBe(true);
    expect(checkpoint.history).toHaveLength(3);
  });

  it('renames, refusing a taken name and allowing a change of case', async () => {
    store.save('a', model);
    store.save('b', adam);
    expect(await store.rename('a', 'renamed')).toBe('renamed');
    expect(files()).toEqual(['b.safetensors', 'renamed.safetensors']);
    await expect(store.rename('renamed', 'b')).rejects.toThrow('A model named "b" already exists; choose another name.');
    await expect(store.rename('renamed', 'B')).rejects.toThrow(/already exists/); // another file on a case-sensitive disk
    await store.rename('renamed', 'Renamed');
    expect(files()).toEqual(['Renamed.safetensors', 'b.safetensors']);
    await expect(store.rename('gone', 'x')).rejects.toThrow('gone.safetensors: there is no such model in the models folder (was it renamed or deleted?)');
    expect(Buffer.from(readFileSync(path.join(dir, 'b.safetensors'))).equals(Buffer.from(adam))).toBe(true);
  });

  it('duplicates under a free name with the same bytes', async () => {
    store.save('net', model);
    expect(await store.duplicate('net')).toBe('net copy');
    expect(await store.duplicate('net')).toBe('net copy 2');
    expect(files()).toEqual(['net copy 2.safetensors', 'net copy.safetensors', 'net.safetensors']);
    expect(Buffer.from(readFileSync(path.join(dir, 'net copy 2.safetensors'))).equals(Buffer.from(model))).toBe(true);
  });

  it('deletes, through the platform trash when there is one', async () => {
    store.save('a', model);
    store.save('b', model);
    await store.delete('a');
    expect(files()).toEqual(['b.safetensors']);
    const trashed: string[] = [];
    const desktop = new CheckpointStore(dir, { remove: async (f) => void trashed.push(f) });
    await desktop.delete('b');
    expect(trashed).toEqual([path.join(dir, 'b.safetensors')]);
    await expect(store.delete('a')).rejects.toThrow('a.safetensors: there is no such model');
  });

  it('imports a valid file under its own name, never replacing a model', async () => {
    expect(await store.importBytes('trained.safetensors', model)).toBe('trained');
    expect(await store.importBytes('C:\\Users\\me\\Downloads\\trained.safetensors', adam)).toBe('trained-2');
    expect(await store.importBytes('../../etc/passwd', model)).toBe('passwd');
    expect(files()).toEqual(['passwd.safetensors', 'trained-2.safetensors', 'trained.safetensors']);
    expect(Buffer.from(readFileSync(path.join(dir, 'trained.safetensors'))).equals(Buffer.from(model))).toBe(true);
  });

  it('refuses a malformed or foreign import with the file and the problem, and writes nothing', async () => {
    store.save('keep', model);
    const foreign = encodeSafetensors(new Map([['fc.weight', { shape: [2, 2], data: new Float64Array(4) }]]), { framework: 'pt' });
    await expect(store.importBytes('bert.safetensors', foreign)).rejects.toThrow('bert.safetensors: not a Scratchnet model (no "architecture" metadata)');
    await expect(store.importBytes('half.safetensors', model.subarray(0, 5000))).rejects.toThrow(/^half\.safetensors: truncated/);
    await expect(store.importBytes('photo.safetensors', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6]))).rejects.toThrow(
      /^photo\.safetensors: is not a safetensors file/,
    );
    await expect(store.importBytes('empty.safetensors', new Uint8Array(0))).rejects.toThrow('empty.safetensors: is not a safetensors file (only 0 bytes)');
    const c = decodeCheckpoint(model, 'm');
    const arch = { ...c.architecture, layers: [{ type: 'linear', in: 784, out: 9 }, { type: 'relu' }, { type: 'linear', in: 9, out: 10 }] };
    const misfit = encodeSafetensors(c.params, { format: 'scratchnet.checkpoint/1', architecture: JSON.stringify(arch) });
    await expect(store.importBytes('misfit.safetensors', misfit)).rejects.toThrow(
      'misfit.safetensors: tensor 0.weight has shape [8, 784] but architecture says linear 784->9 (expected [9, 784])',
    );
    const newer = encodeSafetensors(c.params, { format: 'scratchnet.checkpoint/7', architecture: JSON.stringify(c.architecture) });
    await expect(store.importBytes('future.safetensors', newer)).rejects.toThrow('future.safetensors: was written by a newer Scratchnet (format scratchnet.checkpoint/7)');
    expect(files()).toEqual(['keep.safetensors']);
  });

  it('imports from a path picked in a dialog', async () => {
    const outside = path.join(root.dir, 'picked.safetensors');
    writeFileSync(outside, model);
    expect(await store.importFile(outside)).toBe('picked');
    expect(Buffer.from(await store.read('picked')).equals(Buffer.from(model))).toBe(true);
    await expect(store.importFile(path.join(root.dir, 'missing.safetensors'))).rejects.toThrow('missing.safetensors: is not a file that can be read');
  });

  it('exports the metrics history as CSV, one row per epoch', async () => {
    store.save('net', model);
    const csv = await store.historyCsv('net');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('epoch,train_loss,train_accuracy,test_loss,test_accuracy,val_loss,val_accuracy,lr,seconds,samples_per_second');
    expect(lines).toHaveLength(3);
    const history = decodeCheckpoint(model, 'm').history;
    expect(lines[2].split(',')[0]).toBe('2');
    expect(Number(lines[2].split(',')[4])).toBe(history[1].test_accuracy);
    expect(lines[1].split(',')[5]).toBe(''); // no validation split
  });
});

describe('checkpoint store: names from the renderer are never paths', () => {
  const evil = ['../../x', '/etc/passwd', '..', '../models/x', 'a/b', 'a\\b', '.hidden', 'C:\\x', '', 'NUL', 'x\u0000y'];

  it('refuses every operation on a path-like name and touches nothing outside the folder', async () => {
    const victim = path.join(root.dir, 'user', 'x.safetensors');
    writeFileSync(victim, model);
    store.save('mine', model);
    for (const name of evil) {
      expect(() => store.pathOf(name)).toThrow(/cannot be a model name|cannot be empty|control characters/);
      expect(() => store.save(name, model)).toThrow(/cannot be a model name|cannot be empty|control characters/);
      await expect(store.load(name)).rejects.toThrow(/cannot be a model name|cannot be empty|control characters/);
      await expect(store.delete(name)).rejects.toThrow(/cannot be a model name|cannot be empty|control characters/);
      await expect(store.rename('mine', name)).rejects.toThrow(/cannot be a model name|cannot be empty|control characters/);
      await expect(store.rename(name, 'other')).rejects.toThrow(/cannot be a model name|cannot be empty|control characters/);
      await expect(store.duplicate(name)).rejects.toThrow(/cannot be a model name|cannot be empty|control characters/);
    }
    expect(() => store.pathOf('../../x')).toThrow('"../../x" cannot be a model name: it contains one of / \\ : * ? " < > | (names are not paths).');
    expect(() => store.pathOf('/etc/passwd')).toThrow('"/etc/passwd" cannot be a model name');
    expect(existsSync(victim)).toBe(true);
    expect(files()).toEqual(['mine.safetensors']);
    expect(readdirSync(path.join(root.dir, 'user')).sort()).toEqual(['data', 'x.safetensors']);
  });

  it('resolves every accepted name to a file directly in the folder', () => {
    for (const name of ['a', 'a.b', 'net copy 2', '数字']) expect(path.dirname(store.pathOf(name))).toBe(store.dir);
  });
});

describe('checkpoint store: start-up', () => {
  it('removes temporary files that an interrupted save left, keeping a live process\'s recent one', async () => {
    store.save('net', model);
    writeFileSync(path.join(dir, '.net.safetensors.999999.1700000000000.tmp'), model.subarray(0, 100));
    writeFileSync(path.join(dir, '.net.safetensors.424242.1700000000001.tmp'), model.subarray(0, 100));
    writeFileSync(path.join(dir, '.other-notes'), 'not ours');
    const s = new CheckpointStore(dir, { isAlive: (pid) => pid === 424242 });
    expect(await s.init()).toEqual(['.net.safetensors.999999.1700000000000.tmp']);
    expect(files()).toEqual(['.net.safetensors.424242.1700000000001.tmp', '.other-notes', 'net.safetensors']);
    // an hour later the live process's file counts as abandoned too
    expect(await s.init(Date.now() + 2 * 3600_000)).toEqual(['.net.safetensors.424242.1700000000001.tmp']);
    expect((await s.list()).models.map((m) => m.name)).toEqual(['net']);
  });
});
