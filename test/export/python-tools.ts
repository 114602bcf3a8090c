/**
 * The Python tools the export tests run for real, found once: a python3 with numpy (preferring
 * one that also has torch: Debian's /usr/bin/python3 in CI) and Jupyter's nbconvert. A test
 * whose tool is missing is skipped and says why; CI installs them all (.ci/run).
 */
import { spawnSync } from 'node:child_process';

function probe(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function findPython(): { python: string | null; numpy: string | null; torch: string | null } {
  let withNumpy: { python: string; numpy: string } | null = null;
  for (const python of ['python3', '/usr/bin/python3']) {
    const numpy = probe(python, ['-c', 'import numpy; print(numpy.__version__)']);
    if (!numpy) continue;
    const torch = probe(python, ['-c', 'import torch; print(torch.__version__)']);
    if (torch) return { python, numpy, torch };
    withNumpy ??= { python, numpy };
  }
  return { python: withNumpy?.python ?? null, numpy: withNumpy?.numpy ?? null, torch: null };
}

export const PY = findPython();
export const NBCONVERT = probe('jupyter', ['nbconvert', '--version']);

/** Warn once per test file that something is skipped, naming what is missing. */
export function warnMissing(what: string, missing: boolean): void {
  if (missing) console.warn(`SKIPPED ${what}: not installed on this machine (CI installs it: see .ci/run).`);
}
