/**
 * End to end in Chromium (browser mode): the page shows the engine's run as it is, in every state.
 * - Stop shows "Stopping…" at once, and nothing stale after the engine's final state.
 * - Weights travel only while a view that shows them is on screen.
 * - The digit pad's hidden-unit tiles need no earlier visit to the Weights view.
 * - A reload mid-run shows the run still training, whole; after it stopped, where it was saved.
 * - A second tab shows the same run, and either tab can stop it.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src-main/library/checkpoint-store';
import { E2E_OUT, lossPixels, useBrowserMode } from './browser-mode';


const problems: string[] = [];

const app = useBrowserMode('run');

/** Open the app; the size of every WebSocket message it receives is kept in window.__frames. */
async function openApp(): Promise<Page> {
  const page = await app.browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  // NOTE: leaving or reloading during a run asks first; the person says yes here
  page.on('dialog', (d) => void d.accept());
  await page.addInitScript(`(() => {
    const Native = window.WebSocket;
    window.__frames = [];
    window.WebSocket = class extends Native {
      constructor(url, protocols) {
        super(url, protocols);
        this.addEventListener('message', (e) => window.__frames.push(e.data.byteLength ?? 0));
      }
    };
  })()`);
  await page.goto(app.host.url);
  await page.getByText('60,000 train · 10,000 test · 28×28 · 10 classes').waitFor({ timeout: 60_000 });
  return page;
}

const runState = (page: Page) => page.getByTestId('run-state').innerText();
const figures = async (page: Page) => (await page.locator('.figures').innerText()).replace(/\s+/g, ' ');
/** [step in epoch, steps per epoch] the progress bar shows. */
const stepShown = async (page: Page) => Number(/Step (\d+)/.exec(await figures(page))?.[1] ?? -1);
/** Messages of more than 100 kB the page received so far (weight snapshots; batch events are far smaller). */
const bigFrames = (page: Page) => page.evaluate(() => (window as unknown as { __frames: number[] }).__frames.filter((n) => n > 100_000).length);
const tab = (page: Page, name: string) => page.getByRole('tab', { name }).click();

/**
 * Start a run from the form: 784-800-10 with `Simard 2003`, else 784-128-10 with `Seeds' notebook`;
 * on `limit` images ('' for all). NOTE: a page that opens after a run shows that run, and its form
 * that run's settings: the preset and the limit make the run the one asked for.
 */
async function start(page: Page, { simard = false, limit = '', epochs = '2' } = {}): Promise<void> {
  await page.getByRole('button', { name: simard ? 'Simard 2003' : "Seeds' notebook" }).click();
  await page.locator('#limit').fill(limit);
  await page.locator('#epochs').fill(epochs);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect.poll(() => runState(page), { timeout: 30_000 }).toBe('Training');
}

/** Every model file in the folder, as saved: its name and training state. */
async function savedTraining() {
  const store = new CheckpointStore(path.join(app.dataDir, 'models'));
  const names = await store.names();
  return Promise.all(names.map(async (n) => ({ name: n, ...(await store.load(n)).checkpoint.training! })));
}

describe('the page shows the engine\'s run as it is', () => {
  it('sends weights only to a view that shows them; Stop says "Stopping…" at once and nothing stale follows', async () => {
    const page = await openApp();
    await start(page, { simard: true, epochs: '1' });
    // an epoch of 938 steps: the window below lies inside it, so no epoch-end snapshot falls in it
    await expect.poll(() => stepShown(page), { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(20);
    const before = await bigFrames(page);
    const from = await stepShown(page);
    await expect.poll(() => stepShown(page), { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(from + 250);
    expect(await figures(page)).toMatch(/^Epoch 1 \/ 1/);
    expect(await bigFrames(page)).toBe(before); // the Train view shows no weights, so none came

    // the Weights view asks for them while it is on screen, and follows the run live
    await tab(page, 'Weights');
    const status = page.getByTestId('weights-status');
    await status.waitFor({ timeout: 30_000 });
    const first = await status.innerText();
    await expect.poll(() => bigFrames(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 2);
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).not.toBe(first);
    await tab(page, 'Train');
    const afterWeights = (await bigFrames(page)) + 1; // at most the answer in flight
    const back = await stepShown(page);
    await expect.poll(() => stepShown(page), { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(Math.min(back + 150, 900));
    expect(await bigFrames(page)).toBeLessThanOrEqual(afterWeights);

    // Stop: every state and step the page shows from the click on is recorded
    await page.evaluate(() => {
      const w = window as unknown as { __seen: [string, string][] };
      w.__seen = [];
      const state = document.querySelector('[data-testid="run-state"]')!;
      const figs = document.querySelector('.figures')!;
      const record = () => w.__seen.push([state.textContent!.trim(), figs.textContent!.replace(/\s+/g, ' ')]);
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole('button', { name: 'Stop' }).click();
    // "Stopping…" shows in the same frame as the click, before any answer from the engine
    expect(await runState(page)).toBe('Stopping…');
    await expect.poll(() => runState(page), { timeout: 60_000 }).toBe('Stopped');
    const recorded = await page.evaluate(() => (window as unknown as { __seen: [string, string][] }).__seen);
    const seen = recorded.slice(recorded.findIndex(([s]) => s === 'Stopping…'));
    const states = seen.map(([s]) => s).filter((s, i, all) => s !== all[i - 1]);
    expect(states).toEqual(['Stopping…', 'Stopped']); // never back to "Training" on a stale event
    const final = seen.find(([s]) => s === 'Stopped')![1];
    expect(seen.filter(([s]) => s === 'Stopped').every(([, f]) => f.replace(/Elapsed.*/, '') === final.replace(/Elapsed.*/, ''))).toBe(true);
    // the step on the page is the step in the file
    await expect.poll(async () => (await savedTraining()).length, { timeout: 30_000 }).toBe(1);
    const [saved] = await savedTraining();
    expect(await stepShown(page)).toBe(saved.stepInEpoch);
    await page.screenshot({ path: path.join(E2E_OUT, 'stopped.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it('a page that never showed the Weights view draws the digit pad\'s hidden-unit tiles for a model it opens', async () => {
    const trainer = await openApp();
    if ((await runState(trainer)) === 'Training') await trainer.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => runState(trainer), { timeout: 60_000 }).not.toMatch(/Training|Stopping/);
    await start(trainer, { limit: '1000', epochs: '1' });
    await expect.poll(() => runState(trainer), { timeout: 60_000 }).toBe('Done');
    await trainer.close();

    const page = await openApp();
    await tab(page, 'Models');
    await page.locator('[data-model]').first().click();
    await page.getByRole('region', { name: 'Model details' }).getByRole('button', { name: 'Open' }).click();
    await page.getByText(/^Opened ".+"\. Weights, the Digit pad, Step inside and Evaluate now use it/).waitFor({ timeout: 30_000 });
    await tab(page, 'Digit pad');
    await page.getByRole('button', { name: 'Random test digit' }).click();
    await expect.poll(() => page.getByTestId('answer').innerText(), { timeout: 30_000 }).toMatch(/^\d$/);
    const units = page.getByRole('list', { name: 'Hidden units that fired most' });
    await expect.poll(() => units.getByLabel(/^Weights of unit \d+$/).count(), { timeout: 30_000 }).toBe(10);
    await page.screenshot({ path: path.join(E2E_OUT, 'digit-pad-tiles.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('a reload mid-run shows the run still training, whole; a second tab shows the same run and can stop it', async () => {
    const page = await openApp();
    // NOTE: earlier runs are in the models folder too, one with a finished epoch: this run's model is the new one
    const earlier = new Set((await savedTraining()).map((t) => t.name));
    // NOTE: far more epochs than the test needs, so that the run is still going when the second
    // tab stops it however fast the machine is (an epoch of 20,000 images takes a fraction of a second)
    await start(page, { limit: '20000', epochs: '500' });
    await expect.poll(async () => (await page.locator('div[aria-label="Summary"]').innerText()).includes('saved after epoch 1'), { timeout: 120_000 }).toBe(true);

    await page.reload();
    await expect.poll(() => runState(page), { timeout: 30_000 }).toBe('Training');
    expect(await figures(page)).toMatch(/^Epoch ([2-9]|\d{2,3}) \/ 500/);
    expect(await page.locator('div[aria-label="Summary"]').innerText()).toMatch(/\d+ epochs? done/);
    await expect.poll(() => lossPixels(page), { timeout: 10_000 }).toBeGreaterThan(150);

    const second = await openApp();
    await expect.poll(() => runState(second), { timeout: 30_000 }).toBe('Training');
    expect(await figures(second)).toMatch(/^Epoch ([2-9]|\d{2,3}) \/ 500/);
    expect(await second.getByRole('button', { name: 'Start', exact: true }).count()).toBe(0);
    await expect.poll(() => lossPixels(second), { timeout: 10_000 }).toBeGreaterThan(150);
    await second.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => runState(second), { timeout: 60_000 }).toBe('Stopped');
    await expect.poll(() => runState(page), { timeout: 30_000 }).toBe('Stopped');
    const where = async (p: Page) => /^Epoch \d+ \/ \d+ Step \d+ \/ \d+/.exec(await figures(p))?.[0];
    expect(await where(page)).toBe(await where(second));
    await second.screenshot({ path: path.join(E2E_OUT, 'second-tab.png') });

    // a page opened after the run stopped says where it was saved
    await page.reload();
    await expect.poll(() => runState(page), { timeout: 30_000 }).toBe('Stopped');
    const ours = (await savedTraining()).filter((t) => !earlier.has(t.name));
    expect(ours).toHaveLength(1);
    const [saved] = ours;
    expect(saved.epoch).toBeGreaterThanOrEqual(1);
    const at = saved.stepInEpoch === 0 ? `after epoch ${saved.epoch}` : `at epoch ${saved.epoch + 1}, step ${saved.stepInEpoch.toLocaleString('en-US')}`;
    await page.getByText(`This run stopped ${at} and was saved as "${saved.name}".`, { exact: false }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
    await second.close();
  }, 300_000);
});
