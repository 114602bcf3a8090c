import { describe, expect, it } from 'vitest';
import { checkModelName, MAX_MODEL_NAME, modelNameProblem, runModelName, toModelName, uniqueModelName } from '../../../src-main/library/model-names';

describe('model names', () => {
  it('accepts ordinary names, spaces, unicode and dashes', () => {
    for (const name of ['mnist-784-128-10-2026-11-22-1405', 'my first net', 'Zahlen (Adam) v2', 'réseau 3', '数字', 'a.b', 'console']) {
      expect(modelNameProblem(name)).toBeNull();
    }
  });

  it('refuses names that are paths, with a message saying why', () => {
    expect(() => checkModelName('../../x')).toThrow('"../../x" cannot be a model name: it contains one of / \\ : * ? " < > | (names are not paths).');
    expect(() => checkModelName('/etc/passwd')).toThrow('"/etc/passwd" cannot be a model name: it contains one of');
    expect(() => checkModelName('..\\..\\windows')).toThrow('names are not paths');
    expect(() => checkModelName('C:evil')).toThrow('names are not paths');
    expect(() => checkModelName('..')).toThrow('".." cannot be a model name: it contains "..".');
    expect(() => checkModelName('a..b')).toThrow('it contains ".."');
  });

  it('refuses hidden, empty, overlong, control-character and Windows-device names', () => {
    expect(modelNameProblem('.hidden')).toBe('".hidden" cannot be a model name: it starts with a dot (hidden files are not models).');
    expect(modelNameProblem('')).toBe('A model name cannot be empty.');
    expect(modelNameProblem('   ')).toBe('A model name cannot be empty.');
    expect(modelNameProblem('x'.repeat(MAX_MODEL_NAME + 1))).toBe(`A model name can have at most ${MAX_MODEL_NAME} characters (this one has ${MAX_MODEL_NAME + 1}).`);
    expect(modelNameProblem('a\nb')).toMatch(/control characters/);
    expect(modelNameProblem('a\u0000b')).toMatch(/control characters/);
    expect(modelNameProblem(' padded')).toMatch(/starts or ends with a space/);
    expect(modelNameProblem('dot.')).toMatch(/ends with a dot/);
    for (const device of ['CON', 'nul', 'Com1', 'LPT9', 'aux.txt', 'prn.safetensors']) {
      expect(modelNameProblem(device)).toBe(`"${device}" cannot be a model name: Windows reserves it for a device.`);
    }
    expect(modelNameProblem(42)).toBe('A model name must be text.');
    expect(modelNameProblem(null)).toBe('A model name must be text.');
  });

  it('turns any file name into a usable model name', () => {
    expect(toModelName('trained.safetensors')).toBe('trained');
    expect(toModelName('../../etc/passwd')).toBe('etc-passwd');
    expect(toModelName('.hidden.safetensors')).toBe('hidden');
    expect(toModelName('CON.safetensors')).toBe('CON-model');
    expect(toModelName('...')).toBe('model');
    expect(toModelName('a\tb:c')).toBe('a-b-c');
    expect(modelNameProblem(toModelName('x'.repeat(500)))).toBeNull();
  });

  it('finds a free name, ignoring case as macOS and Windows do', () => {
    expect(uniqueModelName('net', [])).toBe('net');
    expect(uniqueModelName('net', ['NET', 'net-2'])).toBe('net-3');
    expect(uniqueModelName('net', ['net'], 'copy')).toBe('net copy');
    expect(uniqueModelName('net', ['net', 'net copy', 'Net Copy 2'], 'copy')).toBe('net copy 3');
  });

  it('names a run by dataset, layer sizes and start time', () => {
    expect(runModelName('mnist', [784, 128, 10], new Date(2026, 10, 22, 14, 5))).toBe('mnist-784-128-10-2026-11-22-1405');
    expect(runModelName('my data/../x.csv', [4, 2], new Date(2026, 0, 2, 3, 4))).toBe('my-data-x-csv-4-2-2026-01-02-0304');
  });
});
