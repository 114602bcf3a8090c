/**
 * `npm start`: build if needed, then open the desktop app. Where Electron cannot run — its binary
 * is missing and cannot be fetched, or there is no display — say so in one paragraph and start
 * browser mode instead, which serves the same app to a browser on 127.0.0.1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, buildIfStale } from './build-if-stale.mjs';

const ELECTRON_DIR = path.join(ROOT, 'node_modules', 'electron');

/** The Electron executable, or null when it is not installed. */
function electronBinary() {
  try {
    const relative = readFileSync(path.join(ELECTRON_DIR, 'path.txt'), 'utf8').trim();
    const binary = path.join(ELECTRON_DIR, 'dist', relative);
    return relative && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** Try Electron's own installer once; returns the first line of its error, or null on success. */
function fetchElectron() {
  console.log("Electron's binary is not installed; trying to fetch it…");
  const r = spawnSync(process.execPath, [path.join(ELECTRON_DIR, 'install.js')], { cwd: ROOT, encoding: 'utf8', timeout: 10 * 60_000 });
  if (r.status === 0 && electronBinary()) return null;
  const output = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim()).find((l) => /error|fail|ENOTFOUND|EAI_AGAIN|ECONN|timed out/i.test(l));
  return output ?? (r.error ? r.error.message : `the installer exited with ${r.status ?? r.signal}`);
}

function paragraph(text) {
  const words = text.split(/\s+/);
  const lines = [''];
  for (const w of words) {
    if ((lines.at(-1) + ' ' + w).trim().length > 96) lines.push(w);
    else lines[lines.length - 1] = (lines.at(-1) + ' ' + w).trim();
  }
  return lines.join('\n');
}

function runForwardingSignals(command, args) {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startBrowserMode(why) {
  console.log(`\n${paragraph(why)}\n`);
  runForwardingSignals(process.execPath, [path.join(ROOT, 'out', 'main', 'web.js'), ...process.argv.slice(2)]);
}

try {
  buildIfStale();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

let binary = electronBinary();
let fetchError = null;
if (!binary) {
  fetchError = fetchElectron();
  binary = electronBinary();
}

const headlessLinux = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
if (!binary) {
  startBrowserMode(
    `Scratchnet could not open its desktop window: Electron's binary is not installed in ` +
      `node_modules/electron/dist, and fetching it failed (${fetchError}). This happens when \`npm install\` ` +
      `runs without access to github.com, where Electron downloads its binary from. To fix it on a ` +
      `connected machine, run \`node node_modules/electron/install.js\` (or delete node_modules/electron and ` +
      `run \`npm install\` again), then \`npm start\`. Until then Scratchnet runs in browser mode: open the ` +
      `address below in your browser; it is the same app, and models are saved to the same folder.`,
  );
} else if (headlessLinux) {
  startBrowserMode(
    'Scratchnet could not open its desktop window: this machine has no graphical display (neither ' +
      'DISPLAY nor WAYLAND_DISPLAY is set). Run `npm start` from a desktop session to get the window. ' +
      'Until then Scratchnet runs in browser mode: open the address below in a browser on this machine.',
  );
} else {
  runForwardingSignals(binary, ['.']);
}
