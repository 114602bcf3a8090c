/**
 * End to end in Chromium, browser mode: the app shows the truth in the states of issue 14 that the
 * renderer owns. A CSV path that cannot be opened (typed with ~/, expanded by the host) makes Start
 * refuse with the reason instead of training MNIST (#1, #15); the path box is wide enough to read
 * (#15); opening a saved LeCun-style model puts its settings in the form and names it on the
 * Weights view (#3, #16); the digit pad calls its MSE outputs scores (#4); the Models view shows
 * the recipe (#13) and what continuing does to the schedule (#11); the view tabs answer the arrow
 * keys (#16); a refused epoch count stays out of the charts (#14); continuing for fewer epochs than
 * planned keeps the schedule through the real host and engine (#11).
 * Screenshots of each view at 1024x640 and 1920x1080, light and dark: out/e2e/truth-*.png.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../src-engine/checkpoint/codec';
import { loadDataset } from '../../src-engine/node/dataset-files';
import type { TrainConfig } from '../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../src-engine/train/config';
import { prepareData, Trainer } from '../../src-engine/train/trainer';
import { openApp, shootSizesAndThemes, useBrowserMode } from './browser-mode';

const LECUN = 'lecun-784-300-10';

const problems: string[] = [];

/** A LeCun-1998-style model (784-300-10 tanh, MSE) trained on 2,000 MNIST digits for 2 of its 20 planned epochs. */
function lecunModel(): Uint8Array {
  const config: TrainConfig = {
    ...DEFAULT_CONFIG, hidden: [300], activation: 'tanh', loss: 'mse', lr: 0.05, momentum: 0.9, schedule: 'step', batch: 32, epochs: 20, limit: 2000,
  };
  const mnist = loadDataset({ kind: 'mnist' });
  const t = new Trainer(config, prepareData(config, mnist.train, mnist.test), () => 0);
  while (t.state.epoch < 2) if (t.trainBatch().epochEnded) t.finishEpoch();
  return encodeCheckpoint(t.checkpoint('2026-12-01T18:00:00.000Z', 'test'));
}

const app = useBrowserMode('truth', { prepare: ({ modelsDir }) => writeFileSync(path.join(modelsDir, `${LECUN}.safetensors`), lecunModel()) });

const plan = (page: Page) => page.getByTestId('run-plan').innerText();

const shoot = (page: Page, name: string) => shootSizesAndThemes(page, `truth-${name}`, 150);

describe('the app shows the truth (issue 14)', () => {
  let page: Page;

  it('a CSV path that cannot be opened: Start refuses with the reason and trains nothing', async () => {
    page = await openApp(app.browser, app.host.url, problems);
    expect(await plan(page)).toBe('Start begins a new run: 784-128-10 relu, cross-entropy, SGD at learning rate 0.05 (cosine), batch 64, 5 epochs, on MNIST (bundled).');
    await page.getByRole('radio', { name: 'CSV file' }).click();
    const box = page.getByLabel('CSV file path on the host');
    await page.setViewportSize({ width: 1024, height: 640 });
    expect((await box.boundingBox())!.width).toBeGreaterThan(280);
    await box.fill('~/scratchnet-no-such-file.csv');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const missing = path.join(os.homedir(), 'scratchnet-no-such-file.csv');
    await page.getByText(`${missing} is not a file on this machine.`, { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByText(`Not started: the CSV file could not be used: ${missing} is not a file on this machine.`).waitFor();
    expect(await page.getByTestId('run-state').innerText()).toBe('Ready');
    expect(await plan(page)).toBe(`Start is refused: the CSV file could not be used: ${missing} is not a file on this machine.`);
    await shoot(page, 'train-refused');
    await page.getByRole('radio', { name: 'MNIST (bundled)' }).click();
  });

  it('a refused epoch count never reaches the accuracy axis', async () => {
    await page.locator('#epochs').fill('1000000000');
    const axis = await page.getByRole('figure', { name: 'Accuracy' }).getAttribute('aria-describedby');
    expect(await page.locator(`[id="${axis}"]`).textContent()).toBe('epoch axis');
    await page.locator('#epochs').fill('5');
    expect(await page.locator(`[id="${axis}"]`).textContent()).toBe('epoch axis from 0 to 5');
  });

  it('the view tabs answer the arrow keys', async () => {
    await page.getByRole('tab', { name: 'Train' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Weights' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Weights');
    await page.keyboard.press('End');
    expect(await page.getByRole('tab', { name: 'Build it' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await page.getByRole('tab', { name: 'Evaluate' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await page.getByRole('tab', { name: 'Step inside' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await page.getByRole('tab', { name: 'Models' }).getAttribute('aria-selected')).toBe('true');
  });

  it('the Models view shows the recipe and what continuing does to the schedule', async () => {
    await page.locator(`[data-model="${LECUN}"]`).click();
    const details = page.getByRole('region', { name: 'Model details' });
    await details.getByText('SGD, momentum 0.9').waitFor();
    expect(await details.getByText('0.05, step decay schedule over 20 epochs').count()).toBe(1);
    expect(await details.getByTestId('trained-on').innerText()).toBe('MNIST (bundled) · 2,000 train / 10,000 test images · the first 2,000 training images');
    await details.getByLabel('More epochs').fill('3');
    expect(await details.getByRole('radio', { name: /Keep the schedule planned for 20 epochs/ }).isChecked()).toBe(true);
    expect(await details.getByTestId('schedule-on-continue').innerText()).toMatch(/^Its step-decay schedule keeps its plan of 20 epochs/);
    await shoot(page, 'models');
  });

  it('opening the model puts its settings in the form, names it on the Weights view, and the pad shows scores', async () => {
    await page.getByRole('region', { name: 'Model details' }).getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText(`Opened "${LECUN}".`, { exact: false }).waitFor();
    await page.getByRole('tab', { name: 'Train' }).click();
    expect(await page.getByLabel('Hidden layer 1 size').inputValue()).toBe('300');
    expect(await page.getByLabel('Activation', { exact: true }).inputValue()).toBe('tanh');
    expect(await page.getByLabel('Loss', { exact: true }).inputValue()).toBe('mse');
    expect(await plan(page)).toContain(`These are the settings of “${LECUN}”; that model stays as it is.`);
    await shoot(page, 'train-opened');

    await page.getByRole('tab', { name: 'Weights' }).click();
    expect((await page.getByTestId('weights-model').innerText()).replace(/\s+/g, ' ')).toBe(`Weights of ${LECUN} 784-300-10 tanh`);
    await shoot(page, 'weights');

    await page.getByRole('tab', { name: 'Digit pad' }).click();
    await page.getByRole('button', { name: 'Random test digit' }).click();
    await page.getByText(/^score -?\d\.\d\d · answered in/).waitFor();
    expect(await page.getByTestId('output-note').innerText()).toContain('scores, not probabilities');
    await shoot(page, 'digit-pad');

    // a reload shows the model the engine holds, by its name, in the views that use it
    await page.reload();
    await page.getByRole('tab', { name: 'Weights' }).click();
    await expect.poll(async () => (await page.getByTestId('weights-model').innerText()).replace(/\s+/g, ' '), { timeout: 30_000 }).toBe(`Weights of ${LECUN} 784-300-10 tanh`);
    await page.getByRole('tab', { name: 'Train' }).click();
    expect(await page.getByLabel('Activation', { exact: true }).inputValue()).toBe('tanh');
  });

  it('continuing for fewer epochs than planned keeps the schedule: the run stops after them, the plan stays 20 epochs', async () => {
    await page.getByRole('tab', { name: 'Models' }).click();
    const details = page.getByRole('region', { name: 'Model details' });
    await details.getByLabel('More epochs').fill('1');
    expect(await details.getByRole('radio', { name: /Keep the schedule planned for 20 epochs \(stop after epoch 3\)/ }).isChecked()).toBe(true);
    await details.getByRole('button', { name: 'Continue training' }).click();
    await expect.poll(() => page.getByTestId('run-state').innerText(), { timeout: 120_000, interval: 250 }).toBe('Stopped');
    // NOTE: the run stops when its checkpoint is sent; the summary says it is saved once the file is written.
    await page.getByText('3 epochs done · saved after epoch 3').waitFor();
    const saved = decodeCheckpoint(new Uint8Array(readFileSync(path.join(app.dataDir, 'models', `${LECUN}.safetensors`))), LECUN);
    expect(saved.training!.epoch).toBe(3);
    expect(saved.training!.config.epochs).toBe(20);
    expect(saved.history.map((m) => m.lr)).toEqual([0.05, 0.05, 0.05]);
    expect(problems).toEqual([]);
  });
});
