/**
 * End to end, the model library in browser mode in Chromium: a short run appears in the Models
 * view by itself; after the host restarts it is still there, opens (the dashboard shows its
 * history), renames (a path as a name is refused), and deletes after confirmation; a foreign
 * upload is refused with the file and the problem; leaving the page mid-run asks first, then
 * stops and saves the run, and so does Ctrl+C in the terminal.
 * Keeps a screenshot of the library at out/e2e/models.png.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src-engine/checkpoint/codec';
import { openApp, ROOT, startHost, useBrowserMode } from './browser-mode';

const SCREENSHOT = path.join(ROOT, 'out', 'e2e', 'models.png');

const problems: string[] = [];

const app = useBrowserMode('models');

const runState = (page: Page) => page.getByTestId('run-state');
const modelFiles = () => readdirSync(app.modelsDir).filter((f) => f.endsWith('.safetensors')).sort();
const listItems = (page: Page) => page.locator('[aria-label="Saved models"] [data-model]');

/** The step in all that the progress figures show ("Epoch 2 / 30 Step 40 / 313": 353). */
async function stepSeen(page: Page): Promise<number> {
  const figures = (await page.locator('.figures').innerText()).replace(/\s+/g, ' ');
  const [, epoch, step, perEpoch] = /Epoch (\d+) \/ \d+ Step (\d+) \/ (\d+)/.exec(figures)!.map(Number);
  // NOTE: at an epoch's end the figures show the epoch done with step 0: this is then one epoch low
  return (epoch - 1) * perEpoch + step;
}

/**
 * The host's account of a stop (`saved`: its epoch, step and model name) is on disk: the model file
 * holds the run at that very epoch and step, which is no earlier than the step the page showed
 * before the stop (never an older save, such as the last epoch's end).
 */
function expectSavedWhereStopped(saved: RegExpExecArray | null, seen: number): void {
  expect(saved).not.toBeNull();
  const [, epoch, step] = saved!.map(Number);
  const name = saved![3];
  const training = decodeCheckpoint(new Uint8Array(readFileSync(path.join(app.modelsDir, `${name}.safetensors`))), name).training!;
  expect({ epoch: training.epoch, step: training.step }).toEqual({ epoch, step });
  expect(step).toBeGreaterThanOrEqual(seen);
  expect(seen).toBeGreaterThan(0);
}

async function showModels(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Models' }).click();
  await page.getByRole('region', { name: 'Model library' }).waitFor();
}

describe('the model library in the browser', () => {
  let runName = '';
  let bestInList = '';

  it('a short run saves itself and appears in the library with its accuracy', async () => {
    const page = await openApp(app.browser, app.host.url, problems);
    await page.locator('#limit').fill('3000');
    await page.locator('#epochs').fill('3');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => runState(page).innerText(), { timeout: 120_000, interval: 250 }).toBe('Done');

    await showModels(page);
    await expect.poll(() => listItems(page).count(), { timeout: 10_000 }).toBe(1);
    runName = (await listItems(page).first().getAttribute('data-model'))!;
    expect(runName).toMatch(/^mnist-784-128-10-\d{4}-\d\d-\d\d-\d{4}$/);
    expect(modelFiles()).toEqual([`${runName}.safetensors`]);
    const item = listItems(page).first();
    expect(await item.innerText()).toContain('784-128-10 relu · MNIST · 3 epochs');
    bestInList = await item.locator('.best').innerText();
    expect(Number.parseFloat(bestInList)).toBeGreaterThan(80);
    expect(await item.locator('svg path').getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+$/);
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it('after a host restart: opens the model, renames it (refusing a path), refuses a foreign upload, deletes after confirming', async () => {
    // a damaged file in the folder must be listed with its problem, not break the list
    writeFileSync(path.join(app.modelsDir, 'half-copied.safetensors'), Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123, 34]));
    await app.host.stop('SIGINT');
    app.host = await startHost(app.dataDir);
    const page = await openApp(app.browser, app.host.url, problems);
    await showModels(page);
    await expect.poll(() => listItems(page).count(), { timeout: 10_000 }).toBe(1);
    await page.getByText('half-copied.safetensors: truncated (the header should be 200 bytes, file has 2 after the length)').waitFor();

    // open: the engine loads it and the dashboard shows its history
    const details = page.getByRole('region', { name: 'Model details' });
    await expect.poll(() => details.getByRole('heading').innerText()).toBe(runName);
    await details.getByRole('button', { name: 'Open' }).click();
    await page.getByText(`Opened "${runName}". Weights, the Digit pad, Step inside and Evaluate now use it`).waitFor();
    await page.getByRole('tab', { name: 'Train' }).click();
    await expect.poll(() => page.getByTestId('best-accuracy').innerText()).toBe(bestInList);
    await showModels(page);

    // rename: a path is refused with the reason and nothing changes; a name works
    await details.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('textbox', { name: 'New name' }).fill('../../x');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('"../../x" cannot be a model name: it contains one of / \\ : * ? " < > | (names are not paths).').waitFor();
    expect(modelFiles()).toEqual(['half-copied.safetensors', `${runName}.safetensors`]);
    // the box stays open with the refused name, to correct it
    expect(await page.getByRole('textbox', { name: 'New name' }).inputValue()).toBe('../../x');
    await page.getByRole('textbox', { name: 'New name' }).fill('my first net');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText(`Renamed "${runName}" to "my first net".`).waitFor();
    await expect.poll(() => listItems(page).first().getAttribute('data-model')).toBe('my first net');
    expect(modelFiles()).toEqual(['half-copied.safetensors', 'my first net.safetensors']);

    // a foreign file is refused, naming the file and the problem; nothing is added
    await page.getByLabel('Model file to import').setInputFiles({ name: 'bert.safetensors', mimeType: 'application/octet-stream', buffer: foreignSafetensors() });
    await page.getByText('bert.safetensors: not a Scratchnet model (no "architecture" metadata)').waitFor();
    expect(modelFiles()).toEqual(['half-copied.safetensors', 'my first net.safetensors']);

    // a duplicate, for a library of two in the screenshot
    await page.getByRole('button', { name: 'Duplicate' }).click();
    await page.getByText('Duplicated "my first net" as "my first net copy".').waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).first().click();
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // delete asks first
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByText('Delete “my first net copy”? This cannot be undone.').waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('Deleted "my first net copy".').waitFor();
    await expect.poll(() => listItems(page).count()).toBe(1);
    expect(modelFiles()).toEqual(['half-copied.safetensors', 'my first net.safetensors']);
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it('leaving the page, or Ctrl+C in the terminal, during a run stops the run and saves it where it was', async () => {
    const page = await openApp(app.browser, app.host.url, problems);
    await page.locator('#limit').fill('20000');
    // NOTE: far more epochs than needed, so that the run still goes when the host's wait for a
    // reload ends, however fast the machine (an epoch of 20,000 images takes a fraction of a second)
    await page.locator('#epochs').fill('300');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Training');
    await expect.poll(async () => Number(await page.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0);
    const asked: string[] = [];
    page.on('dialog', (d) => {
      asked.push(d.type());
      void d.accept();
    });
    const seen = await stepSeen(page);
    await page.goto('about:blank');
    expect(asked).toEqual(['beforeunload']);
    // NOTE: the host waits a few seconds for a reload before it stops the run: by then the run
    // may be anywhere, an epoch's end included, so where it stopped is what the host says
    await expect.poll(() => /The last page closed: stopped the run at epoch \d+, step \d+ and saved it as "[^"]+"/.test(app.host.output()), { timeout: 30_000 }).toBe(true);
    expectSavedWhereStopped(/The last page closed: stopped the run at epoch (\d+), step (\d+) and saved it as "([^"]+)"/.exec(app.host.output()), seen);
    expect(modelFiles().length).toBe(3);
    await page.close();

    const again = await openApp(app.browser, app.host.url, problems);
    await showModels(again);
    // NOTE: a run stopped before its first epoch ended is listed apart, under "Unfinished runs"
    // (the list's texts are what a failure prints)
    const stoppedRun = /\d+ of 300 epochs( and (\d+%|under 1%) of epoch \d+)? \(stopped\)/;
    await expect.poll(async () => (await again.locator('[data-model]').allInnerTexts()).filter((t) => stoppedRun.test(t)).length === 1 ? 'one' : await again.locator('[data-model]').allInnerTexts(), { timeout: 10_000 }).toBe('one');
    expect(existsSync(path.join(app.modelsDir, 'my first net.safetensors'))).toBe(true);

    // Ctrl+C in the terminal during a run: the host stops the run and saves it before it exits
    await again.getByRole('tab', { name: 'Train' }).click();
    await again.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => runState(again).innerText(), { timeout: 30_000 }).toBe('Training');
    await expect.poll(async () => Number(await again.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0);
    const seenAgain = await stepSeen(again);
    await app.host.stop('SIGINT');
    expectSavedWhereStopped(/Stopped the run at epoch (\d+), step (\d+) and saved it as "([^"]+)"/.exec(app.host.output()), seenAgain);
    expect(problems).toEqual([]);
    await again.close();
  }, 180_000);
});

/** A valid safetensors file from another tool: a tensor, no Scratchnet metadata. */
function foreignSafetensors(): Buffer {
  const header = Buffer.from(JSON.stringify({ 'encoder.weight': { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }).padEnd(64, ' '));
  const length = Buffer.alloc(8);
  length.writeUInt32LE(header.length, 0);
  return Buffer.concat([length, header, Buffer.alloc(8)]);
}
