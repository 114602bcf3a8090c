/**
 * End to end in Chromium, browser mode: the Models view's "Download as" buttons deliver a
 * notebook that names the model file in the library, and an ONNX file that onnxruntime runs with
 * the engine's outputs. Leaves screenshots of the Models view at 1024x640 and 1920x1080, light
 * and dark, in out/e2e/export-*.png.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src-engine/checkpoint/codec';
import { trainedModel } from '../main/library/model-fixtures';
import { argmaxRows, bundledMnist, engineOutputs } from '../export/trained-models';
import { E2E_OUT, openApp, useBrowserMode } from './browser-mode';

const problems: string[] = [];
const model = trainedModel({ dataset: { kind: 'mnist' }, limit: 1000, epochs: 1 });

const app = useBrowserMode('export', { prepare: ({ modelsDir }) => writeFileSync(path.join(modelsDir, 'net.safetensors'), model) });

async function showNet(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Models' }).click();
  await page.getByRole('region', { name: 'Model library' }).waitFor();
  await page.getByRole('heading', { name: 'net' }).waitFor();
}

async function download(page: Page, button: string): Promise<Uint8Array> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('group', { name: 'Export as' }).getByRole('button', { name: button, exact: true }).click()]);
  return new Uint8Array(readFileSync((await file.path())!));
}

describe('Export as, in the browser', () => {
  it('downloads a notebook naming the library file, and an ONNX file that runs like the engine', async () => {
    const page = await openApp(app.browser, app.host.url, problems);
    await showNet(page);
    const notebook = JSON.parse(new TextDecoder().decode(await download(page, 'Notebook'))) as { nbformat: number; cells: { source: string[] }[] };
    expect(notebook.nbformat).toBe(4);
    expect(notebook.cells[1].source.join('')).toContain(`MODEL_PATH = ${JSON.stringify(path.join(app.dataDir, 'models', 'net.safetensors'))}`);
    await page.getByText('Downloading the notebook of "net" as net.ipynb.').waitFor();

    const onnx = await download(page, 'ONNX');
    const { test } = bundledMnist();
    const session = await ort.InferenceSession.create(onnx);
    const out = await session.run({ pixels: new ort.Tensor('float64', Float64Array.from(test.images.subarray(0, 100 * 784)), [100, 784]) });
    const engine = engineOutputs(decodeCheckpoint(model, 'net'), test.images, 100);
    const got = out.logits.data as Float64Array;
    expect(Math.max(...engine.map((v, i) => Math.abs(v - got[i])))).toBeLessThan(1e-9);
    expect(argmaxRows(got, 10)).toEqual(argmaxRows(engine, 10));
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('screenshots of the Models view with the Export as row', async () => {
    for (const [width, height] of [[1024, 640], [1920, 1080]]) {
      for (const scheme of ['light', 'dark'] as const) {
        const page = await openApp(app.browser, app.host.url, problems);
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: scheme });
        await showNet(page);
        const row = page.getByRole('group', { name: 'Export as' });
        await row.scrollIntoViewIfNeeded();
        const box = (await row.boundingBox())!;
        expect(box.width).toBeGreaterThan(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        await page.screenshot({ path: path.join(E2E_OUT, `export-${width}x${height}-${scheme}.png`) });
        await page.close();
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
