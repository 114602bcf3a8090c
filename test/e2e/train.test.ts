/**
 * End to end: the built app in browser mode (`node out/main/web.js`, what `npm run web` starts)
 * driven in Debian's Chromium. Trains 5,000 MNIST images for one epoch, pauses, resumes, stops;
 * checks the token gate; kills the engine mid-run and resumes. Keeps screenshots for a person to
 * look at: the dashboard mid-training (out/e2e/train.png) and the crash notice (engine-crash.png).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openApp as openAppIn, ROOT, lossPixels, useBrowserMode } from './browser-mode';

const SCREENSHOT = path.join(ROOT, 'out', 'e2e', 'train.png');

const pageProblems: string[] = [];

const app = useBrowserMode('train');
const origin = () => new URL(app.host.url).origin;

const openApp = (): Promise<Page> => openAppIn(app.browser, app.host.url, pageProblems);

/** Process ids whose parent is `pid` (Linux /proc), i.e. the engine worker of the app.host. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // NOTE: /proc/PID/stat is "pid (comm) state ppid ..."; comm may contain spaces.
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const runState = (page: Page) => page.getByTestId('run-state');
const progress = async (page: Page) => Number(await page.getByRole('progressbar').getAttribute('aria-valuenow'));
const stepText = async (page: Page) => (await page.locator('.figures').innerText()).replace(/\s+/g, ' ');

describe('Scratchnet in the browser', () => {
  it('refuses requests without the token', async () => {
    const bare = await fetch(`${origin()}/`);
    expect(bare.status).toBe(403);
    expect(await bare.text()).toContain('Open the address Scratchnet printed');
    expect((await fetch(`${origin()}/?token=wrong`)).status).toBe(403);
    const page = await app.browser.newPage();
    const response = await page.goto(`${origin()}/`);
    expect(response?.status()).toBe(403);
    await page.close();
  });

  it('trains 5,000 images for three epochs: the loss chart draws, pause and resume work, test accuracy passes 85%', async () => {
    const page = await openApp();
    await page.getByRole('button', { name: 'Simard 2003' }).click();
    await page.locator('#limit').fill('5000');
    // NOTE: three epochs, so that Pause (pressed at 20%) lands while the run still goes on a fast machine
    await page.locator('#epochs').fill('3');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Training');

    await expect.poll(() => progress(page), { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(20);
    expect(await lossPixels(page)).toBeGreaterThan(150);
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Paused');
    const pausedAt = await stepText(page);
    expect(pausedAt).toMatch(/Epoch [1-3] \/ 3 Step \d+ \/ 157/);
    await page.waitForTimeout(1000);
    expect(await stepText(page)).toBe(pausedAt);

    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => runState(page).innerText(), { timeout: 120_000, interval: 250 }).toBe('Done');
    const best = await page.getByTestId('best-accuracy').innerText();
    expect(Number.parseFloat(best)).toBeGreaterThan(85);
    expect(await progress(page)).toBe(100);
    expect(pageProblems).toEqual([]);
    await page.close();
  }, 240_000);

  it('shows the engine\'s kernels and runs them on the thread count chosen, saved for the next start', async () => {
    const page = await openApp();
    const engine = page.locator('section', { has: page.getByRole('heading', { name: 'Engine' }) });
    await expect.poll(() => engine.innerText()).toContain('Kernels WebAssembly SIMD with fused multiply-add');
    const threads = engine.getByRole('radiogroup', { name: 'Threads' });
    if ((await threads.count()) === 0) return; // a one-core machine has nothing to choose
    const checked = async () => (await threads.locator('input:checked').getAttribute('value')) ?? '';
    const initial = await checked();
    await threads.getByRole('radio', { name: '1', exact: true }).click();
    await expect.poll(checked).toBe('1');
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await engine.screenshot({ path: path.join(path.dirname(SCREENSHOT), 'engine-settings.png') });
    expect(await page.evaluate(() => localStorage.getItem('scratchnet.threads'))).toBe('1');
    // the keyboard moves the choice, as in any radio group
    await threads.getByRole('radio', { name: '1', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(checked).toBe('2');
    await threads.getByRole('radio', { name: '1', exact: true }).click();
    await page.reload();
    await expect.poll(checked, { timeout: 30_000 }).toBe('1');
    await threads.getByRole('radio', { name: initial, exact: true }).click();
    await expect.poll(checked).toBe(initial);
    expect(pageProblems).toEqual([]);
    await page.close();
  }, 60_000);

  it('stops a run on request', async () => {
    const page = await openApp();
    await page.locator('#limit').fill('5000');
    await page.locator('#epochs').fill('20');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Training');
    await expect.poll(() => progress(page), { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Stopped');
    expect(await progress(page)).toBeLessThan(100);
    expect(pageProblems).toEqual([]);
    await page.close();
  }, 120_000);

  it('when the engine is killed mid-run, says so in plain words and resumes from the last saved epoch', async () => {
    const page = await openApp();
    await page.locator('#limit').fill('2000');
    await page.locator('#epochs').fill('200');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(async () => (await page.locator('div[aria-label="Summary"]').innerText()).includes('saved after epoch 1'), { timeout: 60_000 }).toBe(true);

    const worker = childrenOf(app.host.pid);
    expect(worker).toHaveLength(1);
    process.kill(worker[0], 'SIGKILL');
    const notice = page.getByText('The engine stopped unexpectedly (killed by signal SIGKILL). Your last saved epoch is safe; a fresh engine has been started.');
    await notice.waitFor({ timeout: 30_000 });
    await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Failed');
    await page.screenshot({ path: path.join(path.dirname(SCREENSHOT), 'engine-crash.png') });

    await page.getByRole('button', { name: 'Resume from the last saved epoch' }).click();
    await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Training');
    // the resumed run starts with the saved epochs' history, not from nothing
    expect(await page.locator('div[aria-label="Summary"]').innerText()).toMatch(/[1-9]\d* epochs? done/);
    // NOTE: until the resumed run's first batch arrives the bar shows the checkpoint's epoch (1)
    // or nothing; then it must carry on from epoch 2, not start over.
    const epoch = async () => Number((await stepText(page)).match(/Epoch (\d+) \/ 200/)?.[1] ?? 0);
    await expect.poll(epoch, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Stopped');
    expect(pageProblems).toEqual([]);
    await page.close();
  }, 180_000);
});
