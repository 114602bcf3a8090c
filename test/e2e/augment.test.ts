/**
 * End to end, the recipe parts of the Train view's form: picking the Record preset fills dropout,
 * augmentation and the time limit, and the augmentation strip shows the training digits distorted
 * by the engine's own code (changing a strength changes them; "Next epoch" draws afresh). Keeps
 * screenshots of the form's new parts: out/e2e/augment[-preset|-run]-<w>x<h>-<theme>.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { E2E_OUT, openApp, settleFrames, useBrowserMode } from './browser-mode';

const problems: string[] = [];
const app = useBrowserMode('augment');

/** The distorted digits' canvas as a data URL (what a person sees in it). */
const distortedPixels = (page: Page) => page.getByTestId('augment-distorted').evaluate((c: HTMLCanvasElement) => c.toDataURL());

describe('augmentation, dropout and time limit in the form', () => {
  it('the Record preset fills them, and the strip shows distorted digits that follow the settings', async () => {
    const page = await openApp(app.browser, app.host.url, problems);
    await page.getByRole('group', { name: 'Presets' }).getByRole('button', { name: 'Record 99%' }).click();
    await expect.poll(() => page.locator('#augment').inputValue()).toBe('elastic');
    expect(await page.locator('#time-limit').inputValue()).toBe('15');
    expect(await page.locator('#validation').inputValue()).toBe('0.05');
    const strip = page.getByTestId('augment-strip');
    await strip.waitFor();
    const before = await distortedPixels(page);
    // the distorted canvas holds ink: some pixel is bright
    const bright = await page.getByTestId('augment-distorted').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 128) n++;
      return n;
    });
    expect(bright).toBeGreaterThan(200);
    await page.getByRole('button', { name: 'Next epoch' }).click();
    await expect.poll(() => page.getByText('As the network sees them in epoch 2').count()).toBe(1);
    expect(await distortedPixels(page)).not.toBe(before);
    const epoch2 = await distortedPixels(page);
    await page.locator('#augment-rotation').fill('30');
    await expect.poll(() => distortedPixels(page)).not.toBe(epoch2);
    // a strength beyond its limit is refused under the section, and the strip hides
    await page.locator('#augment-rotation').fill('90');
    await expect.poll(() => page.getByText('augmentation rotation must be a number from 0 to 45 (got 90)').count()).toBeGreaterThan(0);
    await page.locator('#augment-rotation').fill('10');
    await page.getByLabel('Dropout after hidden layer 1').fill('0.2');
    expect(await page.getByText('Based on Record 99%, with your changes.').count()).toBe(1);

    await page.getByRole('group', { name: 'Presets' }).getByRole('button', { name: 'Record 99%' }).click();
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      for (const [width, height] of [[1024, 640], [1920, 1080]] as const) {
        await page.setViewportSize({ width, height });
        await page.getByRole('heading', { name: 'Augmentation' }).scrollIntoViewIfNeeded();
        await settleFrames(page, 200);
        await page.screenshot({ path: path.join(E2E_OUT, `augment-${width}x${height}-${theme}.png`) });
        await page.getByRole('heading', { name: 'Preset' }).scrollIntoViewIfNeeded();
        await settleFrames(page, 100);
        await page.screenshot({ path: path.join(E2E_OUT, `augment-preset-${width}x${height}-${theme}.png`) });
        await page.locator('#time-limit').scrollIntoViewIfNeeded();
        await settleFrames(page, 100);
        await page.screenshot({ path: path.join(E2E_OUT, `augment-run-${width}x${height}-${theme}.png`) });
      }
    }
    expect(problems).toEqual([]);
  }, 180_000);
});
