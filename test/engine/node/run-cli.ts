/**
 * The real command line as a user runs it (through tsx, no build step), for the CLI tests: one
 * definition of how it is started and how its one-line errors look.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON object on the last line of stdout (--json). */
  json: () => any;
}

export function cli(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-engine/node/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

/**
 * The command failed with exactly `error: message` on stderr: one line, no stack trace.
 * @param code the exit status, when the test cares which (2: a usage error)
 */
export function expectOneLineError(r: CliRun, message: string, code?: number): void {
  if (code === undefined) expect(r.code).not.toBe(0);
  else expect(r.code).toBe(code);
  expect(r.stderr.trim()).toBe(`error: ${message}`);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}
