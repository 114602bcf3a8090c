/**
 * src-main's shape holds: two thin adapters, desktop/ (Electron) and web/ (browser mode), over one
 * host/ with the model library/. The shared parts and the page import neither adapter, the
 * adapters do not import each other, and nothing outside desktop/ imports electron.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|svelte)$/.test(f))
    .map((f) => path.join(dir, f));
}

/** Every module a file imports, resolved to a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map(([, spec]) =>
    spec.startsWith('.') ? path.relative(root, path.resolve(path.dirname(path.join(root, file)), spec)) : spec,
  );
}

function offenders(dirs: string[], forbidden: RegExp): string[] {
  return dirs.flatMap((dir) => sources(dir).flatMap((f) => importsOf(f).filter((i) => forbidden.test(i)).map((i) => `${f} -> ${i}`)));
}

describe('src-main layout', () => {
  it('the page, host/ and library/ import neither adapter', () => {
    expect(offenders(['src-renderer', 'src-main/host', 'src-main/library'], /^src-main\/(desktop|web)\//)).toEqual([]);
  });

  it('the two adapters do not import each other', () => {
    expect(offenders(['src-main/desktop'], /^src-main\/web\//)).toEqual([]);
    expect(offenders(['src-main/web'], /^src-main\/desktop\//)).toEqual([]);
  });

  it('only desktop/ imports electron', () => {
    expect(offenders(['src-main/web', 'src-main/host', 'src-main/library', 'src-engine', 'src-renderer'], /^electron$/)).toEqual([]);
    expect(offenders(['src-main/desktop'], /^electron$/).length).toBeGreaterThan(0); // the check sees imports at all
  });
});
