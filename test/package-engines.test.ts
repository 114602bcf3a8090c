/**
 * The Node versions Scratchnet supports are stated once, in package.json `engines`, and README.md
 * says the same; every installed package (but Electron's download script, whose warning README
 * explains) supports the lowest version of each line we claim, and this Node is one of them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines?: { node?: string } };
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
};
/** Electron's binary download runs only at install; README explains its warning. */
const INSTALL_ONLY = new Set(['node_modules/electron', 'node_modules/@electron/get', 'node_modules/@electron-internal/extract-zip']);

describe('supported Node versions', () => {
  const range = pkg.engines?.node ?? '';
  /** The lowest version of each line the range admits, e.g. 20.19.0, 22.12.0, 24.0.0. */
  const lowest = range.split('||').map((part) => semver.minVersion(part.trim())!.version);

  it('package.json states them, README says the same, and this Node is one of them', () => {
    expect(range).toBe('^20.19.0 || ^22.12.0 || >=24.0.0');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`\`${range}\``);
    expect(semver.satisfies(process.version, range)).toBe(true);
  });

  it('every installed package supports the lowest version of each line', () => {
    const refusing: string[] = [];
    for (const [name, entry] of Object.entries(lock.packages)) {
      const wants = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (!name || !wants || entry.optional || INSTALL_ONLY.has(name)) continue;
      for (const v of lowest) if (!semver.satisfies(v, wants)) refusing.push(`${name} wants ${wants}, not ${v}`);
    }
    expect(refusing).toEqual([]);
  });
});
