/**
 * End to end: how fast the app trains as a user sees it, next to the command line, on the same
 * recipe (W: 784-128-10, SGD lr 0.1, no momentum, constant rate, batch 64, all of MNIST), with
 * the Train view's charts on screen, with its Health tab, and with the Weights view. Each run's
 * epoch seconds come from the model file the app saved (what the Models view shows); the command
 * line's from its own output. The times are written to out/e2e/app-speed.txt and printed: this
 * machine is shared, so they are reported, not asserted. What is asserted is what must hold on any
 * machine: every run trains the very same model as the command line (same seed, same losses).
 * Beside each run: the CPU seconds its engine process, the host and the browser used, to show where
 * the time went.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src-engine/checkpoint/codec';
import { DEFAULT_CONFIG } from '../../src-engine/train/config';
import { cliSteadyEpoch } from '../../src-engine/node/bench-user';
import { E2E_OUT, openApp, useBrowserMode } from './browser-mode';

const EPOCHS = 3;

/** Every process in the tree under `pid` (Linux /proc), `pid` included. */
function tree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // NOTE: /proc/PID/stat is "pid (comm) state ppid ..."; comm may contain spaces.
      parents.set(Number(d), Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const all = [pid];
  for (let i = 0; i < all.length; i++) for (const [child, parent] of parents) if (parent === all[i]) all.push(child);
  return all;
}

/** CPU seconds (user + system) the processes have used so far; 0 for any that is gone. */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
    } catch {
      // gone
    }
  }
  return ticks / 100; // USER_HZ
}

/** CPU seconds so far of the engine (the host's children), the host itself, and the browser (the rest under this test). */
function cpuByPart(hostPid: number): { engine: number; host: number; browser: number } {
  const host = tree(hostPid);
  const mine = new Set(host);
  const browser = tree(process.pid).filter((p) => p !== process.pid && !mine.has(p));
  return { engine: cpuSeconds(host.slice(1)), host: cpuSeconds([hostPid]), browser: cpuSeconds(browser) };
}
const problems: string[] = [];
const cpuNotes: string[] = [];
const app = useBrowserMode('app-speed');
const runState = (page: Page) => page.getByTestId('run-state');

/** The history of the newest model file the app saved since `since` (ms since the epoch), or []. */
function savedHistory(dir: string, since: number) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).map((f) => path.join(dir, f)).filter((f) => statSync(f).mtimeMs >= since);
  const newest = files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) return [];
  try {
    return decodeCheckpoint(new Uint8Array(readFileSync(newest)), newest).history;
  } catch {
    return []; // being written
  }
}

/** Trains W in the app with `show` on screen; its epochs as saved. */
async function trainInApp(page: Page, show: () => Promise<void>): Promise<{ seconds: number; train_loss: number; test_accuracy: number }[]> {
  await page.getByRole('tab', { name: 'Train' }).click();
  const since = Date.now();
  for (const [id, value] of Object.entries({ lr: '0.1', momentum: '0', epochs: String(EPOCHS), batch: '64', seed: '1' })) await page.locator(`#${id}`).fill(value);
  await page.locator('#schedule').selectOption('constant');
  const cpu0 = cpuByPart(app.host.pid);
  const wall0 = performance.now();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Training');
  await show();
  // NOTE: the view on screen stays there to the end: the run's end is read from the saved file
  await expect.poll(() => savedHistory(app.modelsDir, since).length, { timeout: 300_000, interval: 500 }).toBe(EPOCHS);
  const cpu1 = cpuByPart(app.host.pid);
  const wall = (performance.now() - wall0) / 1000;
  const used = (k: keyof typeof cpu0) => `${(cpu1[k] - cpu0[k]).toFixed(1)} s`;
  cpuNotes.push(`  CPU over the run's ${wall.toFixed(1)} s: engine ${used('engine')}, host ${used('host')}, browser ${used('browser')} (${((cpu1.browser - cpu0.browser) / EPOCHS).toFixed(2)} s an epoch)`);
  await page.getByRole('tab', { name: 'Train' }).click();
  await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Done');
  return savedHistory(app.modelsDir, since);
}

describe('the app trains at the command line\'s speed', () => {
  it('W from the Train view, its Health tab and the Weights view, next to the command line', async () => {
    const config = { ...DEFAULT_CONFIG, optimizer: 'sgd' as const, lr: 0.1, momentum: 0, schedule: 'constant' as const, batch: 64, seed: 1 };
    const page = await openApp(app.browser, app.host.url, problems);
    const views: [string, () => Promise<void>][] = [
      ['Train view (charts)', async () => undefined],
      ['Train view, Health tab', async () => { await page.getByRole('tab', { name: 'Health' }).click(); }],
      ['Weights view', async () => { await page.getByRole('tab', { name: 'Weights' }).click(); }],
    ];
    const lines: string[] = [];
    const appLosses: number[][] = [];
    for (const [name, show] of views) {
      // NOTE: alternating with the command line, so that both meet the same load
      const cli = cliSteadyEpoch(config, [784, 128, 10], EPOCHS, 2);
      if (typeof cli === 'string') throw new Error(cli);
      const history = await trainInApp(page, show);
      const steady = Math.min(...history.slice(1).map((m) => m.seconds));
      lines.push(`${name.padEnd(24)} app ${steady.toFixed(3)} s/epoch   command line ${cli.seconds.toFixed(3)} s/epoch   app/cli ${(steady / cli.seconds).toFixed(2)}x`, cpuNotes.pop()!);
      appLosses.push(history.map((m) => m.train_loss));
      expect(history[history.length - 1]!.test_accuracy).toBe(cli.test_accuracy); // the same model as the command line's
    }
    const report = `W (784-128-10, batch 64, SGD 0.1), fastest of epochs 2-${EPOCHS}, 2 kernel threads, on this machine now:\n${lines.join('\n')}\n`;
    writeFileSync(path.join(E2E_OUT, 'app-speed.txt'), report);
    process.stdout.write(report);
    // the same seed trains the same model whatever is on screen
    expect(appLosses[1]).toEqual(appLosses[0]);
    expect(appLosses[2]).toEqual(appLosses[0]);
    expect(problems).toEqual([]);
    await page.close();
  }, 900_000);
});
