/**
 * End to end, the Weights view and the digit pad in browser mode in Chromium, with models trained
 * in the test: a 784-800-10 net's 800 tiles redraw live in under 100 ms; after 3 epochs on MNIST a
 * 784-64-10 net's tiles are drawn, not blank, and show strokes (neighbouring weights agree) where
 * the untrained start was noise; a vertical stroke drawn with the mouse is a "1"; test digits show
 * their true labels. Keeps screenshots at out/e2e/weights.png and out/e2e/digit-pad.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { E2E_OUT, openApp, useBrowserMode } from './browser-mode';


const problems: string[] = [];
/** The page with the trained 784-64-10 model, shared by the tests after the one that trains it. */
let trained: Page | null = null;

const app = useBrowserMode('weights');

const runState = (page: Page) => page.getByTestId('run-state');
const tab = (page: Page, name: string) => page.getByRole('tab', { name }).click();

async function train(page: Page, hidden: number, limit: number, epochs: number): Promise<void> {
  await tab(page, 'Train');
  await page.getByLabel('Hidden layer 1 size').fill(String(hidden));
  await page.locator('#limit').fill(String(limit));
  await page.locator('#epochs').fill(String(epochs));
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toMatch(/Training|Done/);
}

async function waitDone(page: Page): Promise<void> {
  await tab(page, 'Train');
  await expect.poll(() => runState(page).innerText(), { timeout: 240_000, interval: 250 }).toBe('Done');
}

/** "800 tiles drawn in 12.3 ms" -> 12.3 */
async function drawMs(page: Page): Promise<number> {
  const text = await page.getByTestId('draw-time').innerText();
  return Number(/drawn in ([\d.]+) ms/.exec(text)?.[1] ?? NaN);
}

interface GridStats {
  /** Pixels drawn opaque (weights, not gaps or greyed-out pixels). */
  opaque: number;
  red: number;
  blue: number;
  /** Correlation of each weight's colour (red − blue) with its right-hand neighbour's: ~0 for noise, high for strokes. */
  smoothness: number;
}

/** Read the grid's canvas back and measure it. */
function gridStats(page: Page): Promise<GridStats> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="weight-grid"]')!;
    const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let opaque = 0;
    let red = 0;
    let blue = 0;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 4;
        if (data[o + 3] !== 255) continue;
        opaque++;
        if (data[o] > data[o + 2] + 40) red++;
        if (data[o + 2] > data[o] + 40) blue++;
        if (x + 1 < width && data[o + 7] === 255) {
          xs.push(data[o] - data[o + 2]);
          ys.push(data[o + 4] - data[o + 6]);
        }
      }
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const mx = mean(xs);
    const my = mean(ys);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) ** 2;
      syy += (ys[i] - my) ** 2;
    }
    return { opaque, red, blue, smoothness: sxy / Math.sqrt(sxx * syy) };
  });
}

/** Pixels of a canvas (by test id) that are bright, red-ish and blue-ish. */
function canvasColours(page: Page, testId: string): Promise<{ bright: number; red: number; blue: number }> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`)!;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let bright = 0;
    let red = 0;
    let blue = 0;
    for (let o = 0; o < data.length; o += 4) {
      if (data[o] > 200 && data[o + 1] > 200 && data[o + 2] > 200 && data[o + 3] > 200) bright++;
      if (data[o] > data[o + 2] + 40) red++;
      if (data[o + 2] > data[o] + 40) blue++;
    }
    return { bright, red, blue };
  }, testId);
}

/** Draw a straight stroke on the pad with the mouse, from (x0, y0) to (x1, y1) in 0..1 pad units. */
async function stroke(page: Page, x0: number, y0: number, x1: number, y1: number, steps = 24): Promise<void> {
  const box = (await page.getByTestId('digit-pad').boundingBox())!;
  const at = (t: number) => [box.x + box.width * (x0 + (x1 - x0) * t), box.y + box.height * (y0 + (y1 - y0) * t)] as const;
  await page.mouse.move(...at(0));
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) await page.mouse.move(...at(i / steps));
  await page.mouse.up();
}

/** "softmax 99.9% · answered in 3.2 ms" -> 3.2 */
async function latency(page: Page): Promise<number> {
  const text = await page.getByText(/answered in/).innerText();
  return Number(/answered in ([\d.]+) ms/.exec(text)?.[1] ?? NaN);
}

describe('Weights view and digit pad in the browser', () => {
  it('redraws all 800 tiles of a 784-800-10 net in under 100 ms, live while it trains', async () => {
    const page = await openApp(app.browser, app.host.url, problems);
    // NOTE: long enough to sample six live redraws (one each 400 ms) even when an epoch of
    // 10,000 images takes under a second: at 2 epochs the faster kernels finished first.
    await train(page, 800, 10_000, 8);
    await tab(page, 'Weights');
    await page.getByText('● live').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('draw-time').innerText(), { timeout: 30_000 }).toMatch(/^800 tiles drawn in [\d.]+ ms$/);
    const times: number[] = [];
    let last = '';
    while (times.length < 6 && (await page.getByText('● live').count())) {
      const status = await page.getByTestId('weights-status').innerText();
      if (status !== last) {
        last = status;
        times.push(await drawMs(page));
      }
      await page.waitForTimeout(150);
    }
    // and with each tile on its own scale
    await page.getByRole('button', { name: 'Per tile' }).click();
    times.push(await drawMs(page));
    await page.getByRole('button', { name: 'Shared scale' }).click();
    times.push(await drawMs(page));
    console.log(`800 tiles drawn in ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
    expect(times.length).toBeGreaterThanOrEqual(4);
    // NOTE: the figure is for a typical redraw: the median must meet it; a single redraw
    // caught by a GC pause or the other core's load only has to stay far from 800 chart objects.
    const sorted = [...times].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(100);
    expect(sorted.at(-1)!).toBeLessThan(500);
    expect((await gridStats(page)).opaque).toBeGreaterThan(800 * 300);
    await waitDone(page);
    // at 1024x640 Fit cannot show 800 tiles big enough: the view says so under the tiles, not over them
    await page.setViewportSize({ width: 1024, height: 640 });
    await tab(page, 'Weights');
    const more = page.getByTestId('grid-more');
    await more.waitFor();
    const [label, tiles] = [await more.boundingBox(), await page.locator('.scroll').boundingBox()];
    expect(label!.y).toBeGreaterThanOrEqual(tiles!.y + tiles!.height - 1);
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it('after 3 epochs on MNIST the tiles show strokes where the start was noise; a unit opens with how it votes', async () => {
    const page = await openApp(app.browser, app.host.url, problems);
    trained = page;
    await train(page, 64, 60_000, 3);
    await waitDone(page);
    await tab(page, 'Weights');
    await expect.poll(() => page.getByTestId('weights-status').innerText(), { timeout: 30_000 }).toBe('after epoch 3'); // step 2,814: 938 an epoch
    await expect.poll(() => page.getByTestId('draw-time').innerText()).toMatch(/^64 tiles drawn in/);

    const end = await gridStats(page);
    expect(end.opaque).toBeGreaterThan(64 * 400); // about 600 used pixels per tile are drawn
    expect(end.red).toBeGreaterThan(end.opaque * 0.1);
    expect(end.blue).toBeGreaterThan(end.opaque * 0.1);
    // the scrubber holds the untrained start and each epoch's end
    const slider = page.getByLabel("Snapshot: the start, each epoch's end, then the latest");
    expect(await slider.getAttribute('max')).toBe('4');
    await slider.fill('0');
    await expect.poll(() => page.getByTestId('scrub-label').innerText()).toBe('start');
    const start = await gridStats(page);
    console.log(`neighbouring weights correlate ${start.smoothness.toFixed(2)} at the start, ${end.smoothness.toFixed(2)} after 3 epochs`);
    expect(Math.abs(start.smoothness)).toBeLessThan(0.1);
    expect(end.smoothness).toBeGreaterThan(0.3);
    await slider.fill('4');
    await expect.poll(() => page.getByTestId('scrub-label').innerText()).toBe('latest');

    // open unit 2 (the third tile of the first row) by clicking it
    const grid = page.getByTestId('weight-grid');
    const box = (await grid.boundingBox())!;
    const zoom = box.width / Number(await grid.evaluate((c) => (c as HTMLCanvasElement).width));
    await grid.click({ position: { x: (1 + 2 * 29 + 14) * zoom, y: (1 + 14) * zoom } });
    await page.mouse.move(0, 0);
    const detail = page.getByRole('region', { name: 'Unit 2' });
    await detail.waitFor();
    await detail.getByText('How it votes for each class').waitFor();
    await detail.getByText(/When this unit fires, it argues most for \d/).waitFor();
    await page.getByText('The average of each class').waitFor();
    await page.screenshot({ path: path.join(E2E_OUT, 'weights.png') });
    expect(problems).toEqual([]);
  }, 300_000);

  it('reads a vertical mouse stroke as "1", explains it, and shows test digits with their true labels', async () => {
    const page = trained!;
    await tab(page, 'Digit pad');
    await stroke(page, 0.5, 0.12, 0.52, 0.88);
    await expect.poll(() => page.getByTestId('answer').innerText(), { timeout: 10_000 }).toBe('1');
    expect((await canvasColours(page, 'network-input')).bright).toBeGreaterThan(20);

    // live answers while drawing: each one's round trip
    const times: number[] = [];
    for (const x of [0.3, 0.45, 0.6, 0.7, 0.4]) {
      await page.keyboard.press('Escape');
      await stroke(page, x, 0.15, x + 0.03, 0.85, 12);
      await expect.poll(() => page.getByTestId('answer').innerText()).toBe('1');
      times.push(await latency(page));
    }
    times.sort((a, b) => a - b);
    console.log(`prediction round trips: ${times.map((t) => t.toFixed(1)).join(', ')} ms (median ${times[2].toFixed(1)})`);
    // NOTE: about 5-10 ms on an idle machine; other end-to-end files training beside this one on 2 cores add their load.
    expect(times[2]).toBeLessThan(50);

    // Ctrl+Z takes the stroke back; a fresh one comes back as "1"
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('answer').innerText()).toBe('?');
    await stroke(page, 0.48, 0.1, 0.5, 0.9);
    await expect.poll(() => page.getByTestId('answer').innerText()).toBe('1');
    await page.getByLabel('Show why (saliency)').check();
    const overlay = await canvasColours(page, 'network-input');
    expect(overlay.red).toBeGreaterThan(20);
    expect(overlay.blue).toBeGreaterThan(20);
    await page.screenshot({ path: path.join(E2E_OUT, 'digit-pad.png') });

    // the hidden units that fired most link to their tiles
    const firstUnit = page.getByRole('list', { name: 'Hidden units that fired most' }).getByRole('button').first();
    const unit = Number(/#(\d+)/.exec(await firstUnit.innerText())![1]);
    await firstUnit.click();
    await page.getByRole('region', { name: `Unit ${unit}` }).waitFor();
    await tab(page, 'Digit pad');

    // test digits: a random one with its true label, then the ones the model gets wrong, in order
    await page.getByRole('button', { name: 'Random test digit' }).click();
    const info = page.getByTestId('sample-info');
    await expect.poll(() => info.innerText()).toMatch(/^Test digit #\d+ · true label \d · the model says \d$/);
    const label = Number(await page.getByTestId('true-label').innerText());
    expect(label).toBeGreaterThanOrEqual(0);
    await expect.poll(() => page.getByTestId('answer').innerText()).toMatch(/^\d$/);
    const wrong: string[] = [];
    for (let i = 0; i < 2; i++) {
      await page.getByRole('button', { name: 'Next one it gets wrong ›' }).click();
      await expect.poll(() => info.innerText()).toMatch(new RegExp(`wrong ${i + 1} of \\d+$`));
      const text = await info.innerText();
      const [, truth, said] = /true label (\d) · the model says (\d)/.exec(text)!;
      expect(said).not.toBe(truth);
      await expect.poll(() => page.getByTestId('answer').innerText()).toBe(said);
      wrong.push(text);
    }
    expect(wrong[0]).not.toBe(wrong[1]);
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});
