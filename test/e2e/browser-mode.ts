/**
 * Helpers for end-to-end tests of browser mode: build the app when stale, start the host
 * (`node out/main/web.js`) on a data folder and read the address it prints, launch Debian's
 * Chromium with the flags this machine needs, and collect page errors.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** Where the end-to-end tests keep their screenshots (git-ignored). */
export const E2E_OUT = path.join(ROOT, 'out', 'e2e');
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

/** One test file's browser mode: filled in by the beforeAll that useBrowserMode registers. */
export interface BrowserMode {
  /** The data folder, a fresh temporary one; removed after the file. */
  dataDir: string;
  /** Its models folder (created before the host starts). */
  modelsDir: string;
  /** The running host; a test that restarts it assigns the new one here, so afterAll stops that. */
  host: RunningHost;
  /** Chromium; unset with `browser: false` until a test launches it and assigns it here. */
  browser: Browser;
}

export interface BrowserModeOptions {
  /** Added to the host's environment (startHost's `env`). */
  env?: NodeJS.ProcessEnv;
  /** Launch Chromium in beforeAll (default true). */
  browser?: boolean;
  /** Fill the data folder before the host starts (models to list, say). */
  prepare?: (mode: BrowserMode) => void | Promise<void>;
  /** beforeAll's timeout: building, preparing, starting (default 240 s). */
  timeout?: number;
}

/**
 * The lifecycle every end-to-end file shares: beforeAll builds the app when stale, makes a data
 * folder `scratchnet-e2e-<name>-*` with its models folder, runs `prepare`, starts the host and
 * launches Chromium; afterAll closes the browser, stops the host and removes the folder.
 */
export function useBrowserMode(name: string, options: BrowserModeOptions = {}): BrowserMode {
  const mode = {} as BrowserMode;
  beforeAll(async () => {
    buildIfStale();
    mode.dataDir = mkdtempSync(path.join(os.tmpdir(), `scratchnet-e2e-${name}-`));
    mode.modelsDir = path.join(mode.dataDir, 'models');
    mkdirSync(mode.modelsDir, { recursive: true });
    mkdirSync(E2E_OUT, { recursive: true });
    await options.prepare?.(mode);
    mode.host = await startHost(mode.dataDir, options.env);
    if (options.browser !== false) mode.browser = await launchChromium();
  }, options.timeout ?? 240_000);
  afterAll(async () => {
    await mode.browser?.close();
    await mode.host?.stop();
    if (mode.dataDir) rmSync(mode.dataDir, { recursive: true, force: true });
  });
  return mode;
}

/**
 * Screenshots for a person to judge: out/e2e/<name>-<w>x<h>-<theme>.png at 1024x640 and 1920x1080,
 * light and dark, waiting `settleMs` after each resize for the charts to redraw; then the page
 * is back at openApp's size.
 */
export async function shootSizesAndThemes(page: Page, name: string, settleMs: number): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const [width, height] of [[1024, 640], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(settleMs);
      await page.screenshot({ path: path.join(E2E_OUT, `${name}-${width}x${height}-${theme}.png`) });
    }
  }
  await page.setViewportSize({ width: 1320, height: 860 });
}

/** Let layout, resize observers and the charts' redraws settle: four frames, then `ms` more. */
export function settleFrames(page: Page, ms: number): Promise<void> {
  return page.evaluate(
    (wait) =>
      new Promise<void>((resolve) => {
        let frames = 4;
        const next = () => (--frames ? requestAnimationFrame(next) : setTimeout(resolve, wait));
        requestAnimationFrame(next);
      }),
    ms,
  );
}

/** Pixels of the loss chart's canvas drawn in the smoothed-loss colour (#6ea8fe in the dark theme). */
export function lossPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('figure[aria-label="Batch loss"] canvas')!;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - 0x6e) < 24 && Math.abs(data[i + 1] - 0xa8) < 24 && Math.abs(data[i + 2] - 0xfe) < 24 && data[i + 3] > 200) n++;
    }
    return n;
  });
}
