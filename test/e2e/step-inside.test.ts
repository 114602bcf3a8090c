/**
 * End to end, Step inside in browser mode in Chromium, on a model trained by the CLI (784-32-10,
 * 2,000 MNIST digits) and opened from the Models view: a test digit stepped forward and backward
 * op by op, the op's own source marked in CodeMirror under the page's strict CSP, one unit opened,
 * a gradient checked against the engine's finite difference, the update applied to the scratch
 * copy (the model file is unchanged); then a digit drawn on the pad, labelled by the learner,
 * stepped the same way; bad input said in one sentence; a run's model stepped into while it
 * trains (and it trains on). Screenshots of each stage at 1024x640 and
 * 1920x1080, light and dark: out/e2e/step-inside-<stage>-<w>x<h>-<scheme>.png.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { E2E_OUT, openApp, ROOT, settleFrames, useBrowserMode } from './browser-mode';
import { layoutProblems } from './layout-check';

const problems: string[] = [];
let modelFile = '';

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'src-engine', 'node', 'cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const app = useBrowserMode('step-inside', {
  prepare: ({ modelsDir }) => {
    modelFile = path.join(modelsDir, 'digits.safetensors');
    cli(['train', '--limit', '2000', '--layers', '784,32,10', '--epochs', '2', '--lr', '0.1', '--out', modelFile]);
  },
  timeout: 300_000,
});

/** Screenshots of one stage at both sizes and schemes; returns layout-check's findings. */
async function shoot(page: Page, stage: string): Promise<string[]> {
  const found: string[] = [];
  for (const [width, height] of [[1024, 640], [1920, 1080]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await settleFrames(page, 80);
      found.push(...(await page.evaluate(layoutProblems)).map((x) => `${stage} ${width}×${height} ${scheme}: ${x}`));
      await page.screenshot({ path: path.join(E2E_OUT, `step-inside-${stage}-${width}x${height}-${scheme}.png`) });
    }
  }
  await page.setViewportSize({ width: 1320, height: 860 });
  return found;
}

const position = (page: Page) => page.getByTestId('step-position').innerText();

/** What the code panel shows: its marked lines' text and whether keywords are coloured. */
function codeState(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-testid="op-code"]')!.shadowRoot!;
    const lines = [...root.querySelectorAll('.cm-line')];
    const marked = lines.filter((l) => l.classList.contains('cm-band')).map((l) => l.textContent ?? '');
    const keyword = [...root.querySelectorAll('.cm-line span')].find((s) => s.textContent === 'return');
    const text = getComputedStyle(root.querySelector('.cm-content')!).color;
    return { marked, keywordColour: keyword ? getComputedStyle(keyword).color : null, text };
  });
}

async function stroke(page: Page, x0: number, y0: number, x1: number, y1: number): Promise<void> {
  const box = (await page.getByTestId('digit-pad').boundingBox())!;
  const at = (t: number) => [box.x + box.width * (x0 + (x1 - x0) * t), box.y + box.height * (y0 + (y1 - y0) * t)] as const;
  await page.mouse.move(...at(0));
  await page.mouse.down();
  for (let i = 1; i <= 24; i++) await page.mouse.move(...at(i / 24));
  await page.mouse.up();
}

/** Click the first hidden layer's units in turn until one fired (relu(z) > 0); returns its sum line. */
async function openFiringUnit(page: Page): Promise<string> {
  const strip = page.getByRole('button', { name: 'linear 1 value' });
  const box = (await strip.boundingBox())!;
  const cell = box.width / 16;
  for (let unit = 0; unit < 32; unit++) {
    await strip.click({ position: { x: (unit % 16) * cell + cell / 2, y: Math.floor(unit / 16) * cell + cell / 2 } });
    await page.getByText(`Unit ${unit} of layer 0`).waitFor();
    const sum = (await page.getByTestId('neuron-sum').innerText()).replace(/\s+/g, ' ');
    if (!/relu\(z\) = 0$/.test(sum)) return sum;
  }
  throw new Error('no unit of the first hidden layer fired');
}

describe('Step inside in the browser', () => {
  it('steps a test digit forward and backward, opens a unit, checks a gradient and applies the update to a scratch copy only', async () => {
    const before = hash(modelFile);
    const page = await openApp(app.browser, app.host.url, problems);
    await page.getByRole('tab', { name: 'Models' }).click();
    await page.locator('[data-model="digits"]').click();
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('Opened "digits".').waitFor();
    // Ctrl+5 is Step inside, Ctrl+6 Evaluate
    await page.keyboard.press('Control+6');
    expect(await page.getByRole('tab', { name: 'Evaluate' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Control+5');
    expect(await page.getByRole('tab', { name: 'Step inside' }).getAttribute('aria-selected')).toBe('true');
    const found: string[] = [];
    found.push(...(await shoot(page, 'empty')));

    // a bad index: one sentence, nothing else
    await page.getByLabel('Test digit #').fill('10000');
    await page.getByRole('button', { name: 'Step inside', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('Test image index must be 0 to 9999.');
    expect(await page.getByTestId('step-position').count()).toBe(0);

    await page.getByLabel('Test digit #').fill('0');
    await page.getByRole('button', { name: 'Step inside', exact: true }).click();
    await expect.poll(() => position(page)).toBe('Forward 1 of 5: input');
    expect(await page.getByTestId('step-example-info').innerText()).toMatch(/^Test digit #0 · true label 7 · the model says \d$/);
    expect(await page.getByRole('alert').count()).toBe(0);
    found.push(...(await shoot(page, 'input')));

    // forward, one op at a time, with the arrow key; the code panel marks linear's forward lines
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => position(page)).toBe('Forward 2 of 5: linear');
    expect(await page.getByTestId('op-rule').innerText()).toBe('y = x·W + b: each unit is the weighted sum of its inputs plus its bias');
    // highlighted under the app's Content-Security-Policy: keywords have their own colour
    await expect.poll(async () => (await codeState(page)).keywordColour).not.toBeNull();
    const forward = await codeState(page);
    expect(forward.marked[0]).toMatch(/^export function linear\(/);
    expect(forward.marked.at(-1)).toMatch(/return result\(/);
    expect(forward.keywordColour).not.toBe(forward.text);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => position(page)).toBe('Forward 5 of 5: softmax_cross_entropy');
    expect(await page.getByTestId('op-4').getByText('—').count()).toBe(1); // no gradient yet
    found.push(...(await shoot(page, 'forward')));

    // backward starts at the loss: p − one-hot
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => position(page)).toBe('Backward 1 of 4: softmax_cross_entropy');
    expect(await page.getByTestId('op-rule').innerText()).toBe('softmax cross-entropy: dz = p − one-hot(label)');
    expect((await codeState(page)).marked.join('\n')).toContain('dlogits = (softmax - onehot) / batch');
    // the logits' gradient bars: the true class (7) is negative (p − 1), every other positive (p)
    const gradBars = page.getByRole('list', { name: 'linear 3 gradient' }).getByRole('button');
    const grads = (await gradBars.evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')!))).map((l) => Number(l.split(': ')[1]));
    expect(grads).toHaveLength(10);
    grads.forEach((g, k) => (k === 7 ? expect(g).toBeLessThan(0) : expect(g).toBeGreaterThanOrEqual(0)));
    await page.keyboard.press('End');
    await expect.poll(() => position(page)).toBe('Backward 4 of 4: linear');
    expect(await page.getByTestId('op-rule').innerText()).toBe('dW = xᵀ·dy, db = dy, dx = dy·Wᵀ');
    expect((await codeState(page)).marked.join('\n')).toContain('dW = xᵀ · dy');
    found.push(...(await shoot(page, 'backward')));

    // one unit up close: click the cells of the first hidden layer's strip until one that fired
    const sum = await openFiringUnit(page);
    expect(sum).toMatch(/^Σ x·w = \S+ \+ b = \S+ → z = \S+ → relu\(z\) = \S+$/);
    const [dot, b, z, a] = [...sum.matchAll(/= (\S+)/g)].map((m) => Number(m[1]));
    expect(dot + b).toBeCloseTo(z, 3);
    expect(a).toBe(z);
    found.push(...(await shoot(page, 'neuron')));

    // check the gradient of the weight with the largest one
    await page.getByRole('button', { name: 'Check the largest' }).click();
    const check = page.getByTestId('gradient-check');
    await check.waitFor();
    const rel = Number(/relative error\s+(\S+)/.exec(await check.innerText())![1]);
    expect(rel).toBeLessThan(1e-6);
    found.push(...(await shoot(page, 'gradcheck')));

    // the update: previewed, then applied to the scratch copy; the loss falls as previewed
    const cells = async () => (await page.getByTestId('update').locator('tbody td').allInnerTexts()).map(Number);
    const [lossBefore, lossAfter] = (await cells()).filter((_, i) => i < 2);
    expect(lossAfter).toBeLessThan(lossBefore);
    await page.getByRole('button', { name: 'Apply to a scratch copy' }).click();
    await expect.poll(() => page.getByTestId('scratch-note').innerText()).toMatch(/^A scratch copy with 1 update applied\. The run and the saved files are unchanged\./);
    expect((await cells())[0]).toBeCloseTo(lossAfter, 4);
    found.push(...(await shoot(page, 'update')));
    expect(hash(modelFile)).toBe(before);
    await page.getByRole('button', { name: "Back to the model's weights" }).click();
    await expect.poll(() => page.getByTestId('scratch-note').count()).toBe(0);
    expect((await cells())[0]).toBeCloseTo(lossBefore, 4);

    // the shapes table
    await page.getByLabel('Shapes table').check();
    const table = await page.getByTestId('shapes-table').innerText();
    expect(table).toContain('0.weight [784, 32]');
    expect(table).toMatch(/softmax_cross_entropy\s+linear \[1, 10\]\s+\[\]/);
    found.push(...(await shoot(page, 'shapes')));
    await page.getByLabel('Shapes table').uncheck();

    // a drawn digit: the empty pad is one sentence; then the learner labels the drawing
    await page.getByRole('tab', { name: 'Digit pad' }).click();
    await page.getByRole('button', { name: /^Clear/ }).click();
    await page.getByRole('button', { name: 'Step inside this digit' }).click();
    expect(await page.getByTestId('step-problem').innerText()).toBe('The pad is empty: draw a digit first.');
    expect(await page.getByRole('tab', { name: 'Digit pad' }).getAttribute('aria-selected')).toBe('true');
    await stroke(page, 0.5, 0.2, 0.5, 0.8);
    await page.getByRole('button', { name: 'Step inside this digit' }).click();
    await page.getByRole('group', { name: 'Which digit is it?' }).waitFor();
    found.push(...(await shoot(page, 'drawn-label')));
    await page.getByRole('group', { name: 'Which digit is it?' }).getByRole('button', { name: '1', exact: true }).click();
    await expect.poll(() => page.getByTestId('step-example-info').innerText()).toMatch(/^Your drawing · true label 1 · the model says \d$/);
    await expect.poll(() => position(page)).toBe('Forward 1 of 5: input');
    await page.getByRole('button', { name: 'Run forward to the loss' }).click();
    await page.getByRole('button', { name: 'Run backward to the start' }).click();
    await expect.poll(() => position(page)).toBe('Backward 4 of 4: linear');
    await openFiringUnit(page);
    await page.getByTestId('neuron-grad').waitFor();
    await page.getByRole('button', { name: 'Check the bias' }).click();
    await page.getByTestId('gradient-check').getByText(/the bias of unit/).waitFor();
    const bias = await page.getByTestId('gradient-check').innerText();
    const biasRel = Number(/relative error\s+(\S+)/.exec(bias)![1]);
    expect(biasRel).toBeLessThan(1e-6);
    found.push(...(await shoot(page, 'drawn')));
    await page.getByRole('button', { name: 'Apply to a scratch copy' }).click();
    await page.getByTestId('scratch-note').waitFor();
    expect(hash(modelFile)).toBe(before);

    // while a run trains: its model is stepped into between two training steps
    await page.getByRole('tab', { name: 'Train' }).click();
    await page.locator('#limit').fill('20000');
    await page.locator('#epochs').fill('50');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => page.getByTestId('run-state').innerText(), { timeout: 60_000 }).toBe('Training');
    await page.getByRole('tab', { name: 'Step inside' }).click();
    await page.getByRole('button', { name: "Back to the model's weights" }).click();
    await page.getByRole('button', { name: 'Random test digit' }).click();
    await expect.poll(() => page.getByTestId('step-example-info').innerText()).toMatch(/^Test digit #\d+ · true label \d · the model says \d$/);
    await expect.poll(() => position(page)).toBe('Forward 1 of 5: input');
    expect(await page.getByTestId('op-1').innerText()).toMatch(/linear \(layer 0\)/);
    await page.getByRole('tab', { name: 'Train' }).click();
    expect(await page.getByTestId('run-state').innerText()).toBe('Training');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => page.getByTestId('run-state').innerText(), { timeout: 60_000 }).toBe('Stopped');

    expect(found).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);
});
