/**
 * End to end, Evaluate and Compare runs in browser mode in Chromium. Three short runs trained by
 * the CLI (2,000 MNIST digits, three learning rates) lie in the models folder. The Evaluate view
 * shows the opened run's confusion matrix, which must equal the CLI's `eval --json`; a cell leads
 * to its digits and a digit to the Digit pad; the hidden-layer map is drawn with PCA and UMAP (in
 * a worker, with progress; the UMAP time is printed). The Models view compares the three runs and
 * exports PNG and CSV. Screenshots of both at 1024x640 and 1920x1080, light and dark, under
 * out/e2e/, checked for clipped or unreadable parts by layout-check.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { E2E_OUT, openApp, ROOT, settleFrames, useBrowserMode } from './browser-mode';
import { layoutProblems } from './layout-check';

const RUNS = [
  { name: 'lr-0.02', lr: '0.02' },
  { name: 'lr-0.1', lr: '0.1' },
  { name: 'lr-0.5', lr: '0.5' },
];

const problems: string[] = [];

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'src-engine', 'node', 'cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

const app = useBrowserMode('evaluate', {
  prepare: ({ modelsDir }) => {
    for (const r of RUNS) {
      cli(['train', '--limit', '2000', '--layers', '784,32,10', '--epochs', '3', '--lr', r.lr, '--optimizer', 'sgd', '--momentum', '0.9', '--out', path.join(modelsDir, `${r.name}.safetensors`)]);
    }
  },
  timeout: 300_000,
});

const settle = (page: Page) => settleFrames(page, 80);

/** Screenshots at the two sizes and both schemes; returns layout-check's findings. */
async function judge(page: Page, file: string): Promise<string[]> {
  const found: string[] = [];
  for (const [width, height] of [[1024, 640], [1920, 1080]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.locator('main').evaluate((m) => (m.scrollTop = 0));
      await settle(page);
      let p = await page.evaluate(layoutProblems);
      if (p.length) {
        await page.waitForTimeout(500);
        p = await page.evaluate(layoutProblems);
      }
      found.push(...p.map((x) => `${file} ${width}×${height} ${scheme}: ${x}`));
      await page.screenshot({ path: path.join(E2E_OUT, `${file}-${width}x${height}-${scheme}.png`), fullPage: false });
      await page.locator('main').evaluate((m) => (m.scrollTop = m.scrollHeight));
      await settle(page);
      await page.screenshot({ path: path.join(E2E_OUT, `${file}-${width}x${height}-${scheme}-end.png`) });
      await page.locator('main').evaluate((m) => (m.scrollTop = 0));
    }
  }
  return found;
}

async function openModel(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name: 'Models' }).click();
  await page.locator(`[data-model="${name}"]`).click();
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByText(`Opened "${name}".`).waitFor();
}

describe('Evaluate and Compare runs in the browser', () => {
  it('matrix → gallery → Digit pad; the matrix is the CLI\'s; the hidden-layer map with PCA and UMAP', async () => {
    const page = await openApp(app.browser, app.host.url, problems);
    await openModel(page, 'lr-0.1');
    await page.getByRole('tab', { name: 'Evaluate' }).click();
    await page.getByRole('group', { name: /Confusion matrix/ }).waitFor({ timeout: 60_000 });

    // the matrix and accuracy equal the command line's evaluation of the same file
    const cliEval = JSON.parse(cli(['eval', path.join(app.modelsDir, 'lr-0.1.safetensors'), '--json']).trim().split('\n').pop()!) as { confusion: number[][]; test_accuracy: number };
    for (let t = 0; t < 10; t++) {
      for (let p = 0; p < 10; p++) expect(Number(await page.getByTestId(`cell-${t}-${p}`).innerText()), `cell ${t},${p}`).toBe(cliEval.confusion[t][p]);
    }
    expect(await page.getByTestId('eval-accuracy').innerText()).toBe(`${(cliEval.test_accuracy * 100).toFixed(2)}%`);

    // the biggest mistake: its cell's digits, most confident first
    let worst = { t: 0, p: 1, n: -1 };
    cliEval.confusion.forEach((row, t) => row.forEach((n, p) => { if (t !== p && n > worst.n) worst = { t, p, n }; }));
    await page.getByTestId(`cell-${worst.t}-${worst.p}`).click();
    const cell = page.getByTestId('cell-gallery');
    await cell.getByText(`True ${worst.t} → predicted ${worst.p}`).waitFor();
    const digits = cell.locator('button.digit');
    await expect.poll(() => digits.count()).toBe(Math.min(worst.n, 48));
    expect(await digits.first().locator('.caption').innerText()).toBe(`${worst.t}→${worst.p}`);
    const confidences = await cell.locator('.conf').allInnerTexts();
    const values = confidences.map((c) => Number.parseFloat(c));
    expect(values.every((v, i) => i === 0 || v <= values[i - 1])).toBe(true);
    expect(values[0]).toBeGreaterThan(0);
    expect(await page.getByTestId('wrong-gallery').locator('button.digit').count()).toBeGreaterThan(10);
    expect(await page.getByTestId('unsure-gallery').locator('button.digit').count()).toBe(48);
    expect(problems).toEqual([]);

    await page.screenshot({ path: path.join(E2E_OUT, 'evaluate-cell.png') });
    const title = (await digits.first().getAttribute('title'))!;
    const index = /^#(\d+):/.exec(title)![1];
    await digits.first().click();
    const info = page.getByTestId('sample-info');
    await info.waitFor();
    expect(await info.innerText()).toContain(`Test digit #${index} · true label ${worst.t}`);
    expect(await info.innerText()).toContain(`the model says ${worst.p}`);

    // the hidden-layer map: PCA, then UMAP with its progress bar
    await page.getByRole('tab', { name: 'Evaluate' }).click();
    await page.getByRole('button', { name: 'Draw the map' }).click();
    await page.getByTestId('hidden-map').waitFor({ timeout: 60_000 });
    await page.getByLabel('Projection').selectOption('umap');
    await page.getByRole('button', { name: 'Draw the map' }).click();
    await page.getByRole('progressbar', { name: 'Projection progress' }).waitFor();
    const seconds = page.getByTestId('map-seconds');
    await seconds.waitFor({ timeout: 120_000 });
    console.log(`UMAP of 2,000 test digits (784-32-10's hidden layer) in Chromium's worker: ${await seconds.innerText()}`);
    const map = page.getByTestId('hidden-map');
    const box = (await map.boundingBox())!;
    // hover the map until a digit shows
    let shown = false;
    for (let i = 0; i < 40 && !shown; i++) {
      await page.mouse.move(box.x + box.width * (0.2 + 0.6 * ((i * 7) % 40) / 40), box.y + box.height * (0.2 + 0.6 * ((i * 13) % 40) / 40));
      shown = await page.getByTestId('map-tip').isVisible();
    }
    expect(shown).toBe(true);
    expect(await page.getByTestId('map-tip').innerText()).toMatch(/^true \d\s+says \d$/);
    await page.mouse.move(0, 0);
    expect(problems).toEqual([]);

    const layout = await judge(page, 'evaluate');
    expect(layout).toEqual([]);
    await page.close();
  }, 300_000);

  it('compares three runs: curves, the settings that differ, PNG and CSV', async () => {
    const page = await openApp(app.browser, app.host.url, problems);
    await page.getByRole('tab', { name: 'Models' }).click();
    const panel = page.getByRole('region', { name: 'Compare runs' });
    await panel.waitFor();
    for (const r of RUNS) await panel.getByRole('checkbox', { name: r.name }).check();
    await panel.getByRole('button', { name: 'Compare: 3 runs' }).click();
    const table = panel.getByRole('table', { name: 'Settings that differ' });
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows).toEqual(['learning rate\t0.02\t0.1\t0.5']);
    expect(await panel.locator('canvas[data-chart]').count()).toBe(2);
    await panel.getByRole('button', { name: 'By samples seen' }).click();
    expect(await panel.getByRole('button', { name: 'By samples seen' }).getAttribute('aria-pressed')).toBe('true');

    const [csv] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export CSV' }).click()]);
    const text = readFileSync((await csv.path())!, 'utf8').trimEnd().split('\n');
    expect(text[0]).toBe('run,epoch,samples_seen,train_loss,train_accuracy,test_loss,test_accuracy,val_loss,val_accuracy,lr,seconds,learning_rate');
    expect(text).toHaveLength(1 + 3 * 3);
    expect(text[1]).toMatch(/^lr-0\.02,1,2000,/);
    const [png] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export PNG' }).click()]);
    const bytes = readFileSync((await png.path())!);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBeGreaterThan(20_000);
    writeFileSync(path.join(E2E_OUT, 'compare-export.png'), bytes);
    expect(problems).toEqual([]);

    await panel.scrollIntoViewIfNeeded();
    const layout = await judge(page, 'compare');
    expect(layout).toEqual([]);
    await page.close();
  }, 300_000);
});
