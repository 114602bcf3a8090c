/**
 * End to end, what a person sees of a bad file in browser mode (issue 15, items 7 and 8): a CSV
 * with a stray label is refused in the Train view with the label counts, and a model file holding
 * a NaN weight is listed among the files that could not be read, in the words Open would use.
 * Keeps screenshots at 1024x640 and 1920x1080, light and dark, in out/e2e/bad-files-*.png.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../../src-engine/checkpoint/codec';
import { type Architecture } from '../../src-engine/architecture';
import { openApp, shootSizesAndThemes, useBrowserMode } from './browser-mode';

const SIZES = [
  [1024, 640],
  [1920, 1080],
] as const;

const problems: string[] = [];

const app = useBrowserMode('bad');

/** Screenshots of the page at every size, light and dark. */
const screenshots = (page: Page, name: string) => shootSizesAndThemes(page, `bad-files-${name}`, 500);

describe('bad files in the browser', () => {
  it('a CSV with a stray label is refused in the Train view, with the label counts', async () => {
    const csv = path.join(app.dataDir, 'digits.csv');
    const row = (label: number) => [label, ...new Array(784).fill((label * 20) % 256)].join(',');
    const labels = [...Array.from({ length: 40 }, (_, i) => i % 10), 255];
    writeFileSync(csv, labels.map(row).join('\n') + '\n');
    const page = await openApp(app.browser, app.host.url, problems);
    await page.getByRole('radio', { name: 'CSV file' }).click();
    await page.getByLabel('CSV file path on the host').fill(csv);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'stray label' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toContain(`${csv}: label 255 (line 41) would make 256 classes, but labels 10-254 have no images.`);
    expect(await alert.innerText()).toContain('Label counts: 0: 4, 1: 4, 2: 4, 3: 4, 4: 4, 5: 4, 6: 4, 7: 4, 8: 4, 9: 4, 255: 1.');
    await screenshots(page, 'stray-label');
    await page.close();
  });

  it('a model with a NaN weight is listed as a file that could not be read', async () => {
    const architecture: Architecture = {
      input: { shape: [28, 28], scale: 1 / 255 },
      layers: [{ type: 'linear', in: 784, out: 10 }],
      loss: 'cross_entropy',
      classes: Array.from({ length: 10 }, (_, i) => String(i)),
    };
    const params = new Map([
      ['0.weight', { shape: [10, 784], data: new Float64Array(7840) }],
      ['0.bias', { shape: [10], data: new Float64Array(10) }],
    ]);
    const bytes = encodeCheckpoint({ architecture, params, optimizer: new Map(), training: null, history: [], dataset: null, created: '', appVersion: '' });
    const view = new DataView(bytes.buffer);
    view.setFloat64(8 + view.getUint32(0, true), NaN, true); // the first stored value: 0.bias[0]
    writeFileSync(path.join(app.dataDir, 'models', 'poisoned.safetensors'), bytes);

    const page = await openApp(app.browser, app.host.url, problems);
    await page.getByRole('tab', { name: 'Models' }).click();
    const unreadable = page.getByLabel('Files that could not be read');
    await unreadable.waitFor({ timeout: 30_000 });
    expect(await unreadable.innerText()).toContain('poisoned.safetensors: tensor 0.bias contains NaN');
    expect(await page.locator('[aria-label="Saved models"] [data-model]').count()).toBe(0);
    await screenshots(page, 'nan-model');
    await page.close();
    expect(problems).toEqual([]);
  });
});
