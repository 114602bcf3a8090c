/** The Build it view's progress in exercises.json, through the host's API as the page calls it. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiServer, type PlatformHandlers } from '../../../src-main/host/api-server';
import { EngineHost } from '../../../src-main/host/engine-host';
import { ExerciseProgressStore } from '../../../src-main/library/exercise-progress';
import { fakeSpawner } from '../host/fake-spawner';

function server(dir: string) {
  const host = new EngineHost(fakeSpawner().spawn, { log: () => {} });
  return new ApiServer(host, {} as PlatformHandlers, undefined, new ExerciseProgressStore(path.join(dir, 'exercises.json')));
}

const relu = { code: 'function relu(x) { return x; }', passed: false, tried: true };

describe('exercise progress', () => {
  it('is saved to the data folder and read back by a new host (a restart)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scratchnet-progress-'));
    expect(await server(dir).handle('exercises:load', {})).toEqual({ ok: true, result: {} });
    expect(await server(dir).handle('exercises:save', { progress: { relu } })).toEqual({ ok: true, result: { saved: true } });
    expect(JSON.parse(readFileSync(path.join(dir, 'exercises.json'), 'utf8'))).toEqual({ relu });
    expect(await server(dir).handle('exercises:load', {})).toEqual({ ok: true, result: { relu } });
  });

  it('refuses malformed progress and keeps what was saved', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scratchnet-progress-'));
    const s = server(dir);
    await s.handle('exercises:save', { progress: { relu } });
    expect(await s.handle('exercises:save', { progress: { relu: { code: 5, passed: true, tried: true } } })).toEqual({ ok: false, error: 'relu code must be a string (got 5)' });
    expect(await s.handle('exercises:save', { progress: { '../x': relu } })).toMatchObject({ ok: false, error: expect.stringContaining('exercise names are lowercase words') });
    expect(await s.handle('exercises:save', { progress: { relu: { ...relu, passed: 'yes' } } })).toEqual({ ok: false, error: 'relu: passed and tried must be true or false' });
    expect(await s.handle('exercises:load', {})).toEqual({ ok: true, result: { relu } });
    // a cleared editor is kept as it is
    expect(await s.handle('exercises:save', { progress: { relu: { ...relu, code: '' } } })).toEqual({ ok: true, result: { saved: true } });
  });

  it('sets a damaged file aside (never deletes it) and starts afresh', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scratchnet-progress-'));
    writeFileSync(path.join(dir, 'exercises.json'), '{"relu": {"code": "trunc');
    expect(await server(dir).handle('exercises:load', {})).toEqual({ ok: true, result: {} });
    const aside = readdirSync(dir).find((f) => f.startsWith('exercises.json.damaged-'))!;
    expect(readFileSync(path.join(dir, aside), 'utf8')).toBe('{"relu": {"code": "trunc');
    expect(existsSync(path.join(dir, 'exercises.json'))).toBe(false);
  });
});
