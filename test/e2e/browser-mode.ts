/**
 * Helpers for end-to-end tests of browser mode: build the app when stale, start the host
 * (`node out/main/web.js`) on a data folder and read the address it prints, launch Debian's
 * Chromium with the flags this machine needs, and collect page errors.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Build out/ when it is older than the sources; throws the build's output when it fails. */
export function buildIfStale(): void {
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-if-stale.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}\n${build.stderr}`);
}

export interface RunningHost {
  url: string;
  /** The host's process id (its engine worker is a child of it). */
  pid: number;
  /** Everything the host printed. */
  output(): string;
  /** Ctrl+C (SIGINT, as in a terminal) or SIGTERM; resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Start browser mode on a data folder (`env` adds to its environment); resolves with the address it prints. */
export function startHost(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<RunningHost> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'out', 'main', 'web.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env, SCRATCHNET_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not print its address:\n${out}`)), 30_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[0],
          pid: child.pid!,
          output: () => out,
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}:\n${out}`)));
  });
}

/** Debian's Chromium, headless, with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Open the app and wait until the bundled MNIST is described; page errors go into `problems`. */
export async function openApp(browser: Browser, url: string, problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1320, height: 860 }, colorScheme: 'dark' });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  await page.getByText('60,000 train · 10,000 test · 28×28 · 10 classes').waitFor({ timeout: 60_000 });
  return page;
}
