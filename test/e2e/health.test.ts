/**
 * End to end, in Chromium against the built app in browser mode: a healthy run's Health panel, a
 * run at learning rate 10 that ends "Not learning" with the coach's diagnosis (and its dead units
 * marked on the Weights view's tiles, and its badge in the Models list), and the learning-rate
 * finder filling the field. Screenshots for a person to judge, at 1024x640 and 1920x1080 in the
 * light and dark themes: out/e2e/health-*.png, coach-*.png, lr-finder-*.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { E2E_OUT, openApp as openAppIn, shootSizesAndThemes, useBrowserMode } from './browser-mode';

const SIZES = [
  { width: 1024, height: 640 },
  { width: 1920, height: 1080 },
];

const pageProblems: string[] = [];

const app = useBrowserMode('health');

const runState = (page: Page) => page.getByTestId('run-state');

/** One screenshot per window size and theme; charts resize on the next frame. */
const shoot = (page: Page, name: string) => shootSizesAndThemes(page, name, 300);

async function train(page: Page, settings: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(settings)) await page.locator(`#${id}`).fill(value);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect.poll(() => runState(page).innerText(), { timeout: 30_000 }).toBe('Training');
}

describe('training health, outcomes, the coach and the finder in the browser', () => {
  it('a healthy run: done, no problem diagnosed, a Health panel with charts for each layer', async () => {
    const page = await openAppIn(app.browser, app.host.url, pageProblems);
    await train(page, { limit: '6000', epochs: '2' });
    await expect.poll(() => runState(page).innerText(), { timeout: 120_000, interval: 250 }).toBe('Done');
    expect(await page.locator('[data-severity="problem"]').count()).toBe(0);
    await page.getByRole('tab', { name: 'Health' }).click();
    const health = page.getByRole('region', { name: 'Training health' });
    await expect.poll(() => health.locator('[data-layer]').count()).toBe(2);
    expect(await health.getByRole('figure', { name: /^Dead units: \d+%$/ }).count()).toBe(1);
    expect(await health.getByRole('figure', { name: /^Update ratio \d\.\de-\d$/ }).count()).toBe(2);
    await shoot(page, 'health');
    expect(pageProblems).toEqual([]);
    await page.close();
  }, 240_000);

  it('learning rate 10: "Not learning", never green; the coach names the dead units; the tiles and the Models list show it', async () => {
    const page = await openAppIn(app.browser, app.host.url, pageProblems);
    await train(page, { limit: '6000', epochs: '1', lr: '10' });
    await expect.poll(() => runState(page).innerText(), { timeout: 120_000, interval: 250 }).toBe('Not learning');
    const coach = page.getByRole('region', { name: 'Coach' });
    await expect.poll(() => coach.innerText()).toMatch(/ReLU units/);
    expect(await coach.innerText()).toMatch(/Try: (Lower the learning rate|Start again with a lower learning rate)/);
    expect(await page.getByText(/^Not learning: test accuracy \d+\.\d+% is at chance level/).count()).toBe(1);
    const bestColor = await page.getByTestId('best-accuracy').evaluate((e) => getComputedStyle(e).color);
    const okColor = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--ok').trim());
    expect(bestColor).not.toBe(okColor);
    await shoot(page, 'coach');

    await page.getByRole('tab', { name: 'Weights' }).click();
    await expect.poll(() => page.getByTestId('unit-flags').innerText(), { timeout: 30_000 }).toMatch(/^\d+ dead/);
    await page.screenshot({ path: path.join(E2E_OUT, 'weights-dead-units.png') });

    await page.getByRole('tab', { name: 'Models' }).click();
    await expect.poll(() => page.getByText('not learning', { exact: true }).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.locator('[data-model]').first().click();
    await expect.poll(() => page.getByTestId('model-outcome').innerText(), { timeout: 30_000 }).toMatch(/^not learning: test accuracy \d+\.\d+% is at chance level/);
    await page.screenshot({ path: path.join(E2E_OUT, 'models-not-learning.png') });
    expect(pageProblems).toEqual([]);
    await page.close();
  }, 240_000);

  it('the finder: "Find" beside the learning rate plots the range test and one click fills the field', async () => {
    const page = await openAppIn(app.browser, app.host.url, pageProblems);
    await page.locator('#momentum').fill('0');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByTestId('suggested-lr').waitFor({ timeout: 60_000 });
    const suggested = await page.getByTestId('suggested-lr').innerText();
    expect(Number(suggested)).toBeGreaterThan(0.01);
    await shoot(page, 'lr-finder');
    await page.getByRole('button', { name: `Use ${suggested}` }).click();
    expect(await page.locator('#lr').inputValue()).toBe(suggested);
    expect(pageProblems).toEqual([]);
    await page.close();
  }, 120_000);
});
