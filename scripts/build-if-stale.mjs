/**
 * Build the app with electron-vite when out/ is older than its sources (or missing), so that
 * `npm run web`, `npm start` and the end-to-end tests never run a stale build. Run directly, it
 * builds if needed; `--force` always builds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync, utimesSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file lives in scripts/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['src-main', 'src-engine', 'src-renderer', 'electron.vite.config.mts', 'scripts/exercise-sandbox-plugin.ts', 'package.json'];
const STAMP = path.join(ROOT, 'out', '.build-stamp');
const OUTPUTS = ['out/main/index.js', 'out/main/web.js', 'out/main/engine-worker.js', 'out/preload/index.js', 'out/renderer/index.html'];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(p).reduce((m, name) => Math.max(m, newestMtime(path.join(p, name))), s.mtimeMs);
}

/** Whether out/ is missing a file or older than a source. */
export function isStale(root = ROOT) {
  if (!existsSync(STAMP) || OUTPUTS.some((o) => !existsSync(path.join(root, o)))) return true;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

/** Build when stale (or forced); returns whether it built. Throws when the build fails. */
export function buildIfStale({ force = false, quiet = false } = {}) {
  if (!force && !isStale()) return false;
  const startedAt = new Date();
  const cli = path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, 'build'], { cwd: ROOT, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`the build failed (electron-vite build exited with ${r.status ?? r.signal})${quiet ? `:\n${r.stdout}\n${r.stderr}` : ''}`);
  }
  mkdirSync(path.dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
  // NOTE: stamp the build's start, so a source saved during the build still counts as newer.
  utimesSync(STAMP, startedAt, startedAt);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    buildIfStale({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1; // NOTE: not process.exit(), which can cut off the message on a pipe
  }
}
