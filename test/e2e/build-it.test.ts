/**
 * End to end, the Build it view in browser mode in Chromium: a learner solves relu and a linear
 * layer's backward wrongly (relu's backward multiplied by the output instead of the 0/1 mask; dx
 * with W not transposed), reads the specific feedback (the same text the CLI prints) with a
 * heatmap of the difference, then solves them, trains the MNIST network with their relu and
 * gets within 0.5 points of the engine's relu on the same seed. Learner code that loops forever,
 * throws, or reaches for fetch, require, importScripts or the app's API is stopped with a clear
 * message and the app keeps working; the sandbox frame cannot connect to the host. Progress
 * survives a restart of the host. Screenshots at 1024x640 and 1920x1080, light and dark.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LINEAR_MISSING_TRANSPOSE, RELU_TIMES_OUTPUT, SOLUTIONS } from '../fixtures/exercises/solutions';
import { E2E_OUT, openApp, ROOT, settleFrames, startHost, useBrowserMode } from './browser-mode';
import { layoutProblems } from './layout-check';

const app = useBrowserMode('build-it');
const problems: string[] = [];

/** The CLI's verdict for the same code (written to a file, as a learner's editor would). */
function cliVerdict(name: string, code: string): string {
  const file = path.join(app.dataDir, `${name}.js`);
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'src-engine', 'node', 'cli.ts'), 'exercise', 'check', name, file], { cwd: ROOT, encoding: 'utf8' });
  return r.stdout.trim();
}

async function openExercise(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Exercises' }).getByRole('button', { name: title }).click();
  await page.getByRole('heading', { name: title, level: 2 }).waitFor();
}

/** Replace the editor's text, as a paste would. */
async function write(page: Page, code: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: /^Your code for/ });
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(code);
}

/** Check and return the verdict text. */
async function check(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  const verdict = page.locator('pre.verdict');
  await expect.poll(() => page.getByRole('button', { name: 'Check', exact: true }).isEnabled(), { timeout: 30_000 }).toBe(true);
  await verdict.waitFor();
  return (await verdict.innerText()).trim();
}

/** Screenshots at both sizes and schemes, with `show` (what the learner is reading) scrolled into view. */
async function judge(page: Page, name: string, show: string): Promise<string[]> {
  const found: string[] = [];
  for (const [width, height] of [[1024, 640], [1920, 1080]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.locator(show).scrollIntoViewIfNeeded();
      await settleFrames(page, 80);
      found.push(...(await page.evaluate(layoutProblems)).map((p) => `${name} ${width}x${height} ${scheme}: ${p}`));
      await page.screenshot({ path: path.join(E2E_OUT, `build-it-${name}-${width}x${height}-${scheme}.png`), fullPage: false });
    }
  }
  await page.setViewportSize({ width: 1320, height: 860 });
  return found;
}

function sandboxFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().endsWith('/exercise-frame.html'));
  if (!frame) throw new Error('no exercise frame');
  return frame;
}

describe('Build it', () => {
  let page: Page;

  it('gives specific feedback on a relu backward that multiplies by the output, then passes the right one', async () => {
    page = await openApp(app.browser, app.host.url, problems);
    await page.keyboard.press('Control+7');
    await page.getByRole('heading', { name: 'Build it yourself' }).waitFor();
    await openExercise(page, 'ReLU, forward and backward');
    await write(page, RELU_TIMES_OUTPUT);
    const wrong = await check(page);
    expect(wrong).toContain("✗ relu: dx differs from the engine");
    expect(wrong).toContain("Hint: It looks like dy is multiplied by relu's output");
    expect(wrong).toBe(cliVerdict('relu', RELU_TIMES_OUTPUT));
    await expect.poll(() => page.getByRole('figure', { name: 'Difference of dx: yours minus the engine\'s' }).isVisible()).toBe(true);
    // the engine's version is there after a try: the real source
    await page.getByRole('button', { name: "Show the engine's version" }).click();
    await expect.poll(() => page.getByRole('textbox', { name: "The engine's relu" }).innerText()).toContain('export function relu(x: Tensor): Tensor');
    await write(page, SOLUTIONS.relu);
    const right = await check(page);
    expect(right).toMatch(/^✓ relu passes: on all 5 cases/);
    expect(right).toContain('central finite differences');
    expect(right).toBe(cliVerdict('relu', SOLUTIONS.relu));
    // a verdict is of the code it checked: an edit says so, and a new check shows no old "Passed"
    await write(page, 'function relu(x) { while (true) {} }\nfunction reluBackward(x, dy) { return dy; }');
    await page.getByTestId('verdict-stale').waitFor();
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => page.locator('.result .headline').innerText()).toBe('Checking…');
    expect(await page.getByText('Passed', { exact: true }).count()).toBe(0);
    expect(await check(page)).toMatch(/did not finish within 5 s/);
    expect(await page.getByTestId('verdict-stale').count()).toBe(0);
    // solved again: the tests below train with this relu
    await write(page, SOLUTIONS.relu);
    expect(await check(page)).toMatch(/^✓ relu passes/);
  }, 120_000);

  it('says a linear backward misses the transpose, with a heatmap; then passes', async () => {
    await openExercise(page, "A linear layer's backward");
    await write(page, LINEAR_MISSING_TRANSPOSE);
    const wrong = await check(page);
    expect(wrong).toContain('✗ linear-backward: dx differs from the engine');
    expect(wrong).toContain('it looks like W is used without its transpose');
    expect(wrong).toBe(cliVerdict('linear-backward', LINEAR_MISSING_TRANSPOSE));
    const heatmap = page.getByRole('figure', { name: "Difference of dx: yours minus the engine's" });
    await heatmap.waitFor();
    // the canvas holds colour: the differences are drawn, not a blank box
    const coloured = await heatmap.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] !== d[i + 2]) n++;
      return n;
    });
    expect(coloured).toBeGreaterThan(0);
    problems.push(...(await judge(page, 'linear-wrong', '.result')));
    await write(page, SOLUTIONS['linear-backward']);
    expect(await check(page)).toMatch(/^✓ linear-backward passes/);
  }, 120_000);

  it('stops an endless loop, a thrown error, and code that reaches for fetch, require, importScripts or the app', async () => {
    await openExercise(page, "A neuron's weighted sum");
    // the app's own script, which the host would serve to the page
    const appScript = await page.evaluate(() => document.querySelector<HTMLScriptElement>('script[src]')!.src);
    const tries: [string, RegExp][] = [
      ['function neuron(x, w, b) { while (true) {} }', /did not finish within 5 s and was stopped \(an endless loop\?\)/],
      ['function neuron(x, w, b) { throw new Error("my own bug"); }', /Your code threw an error on the case "3 inputs": Error: my own bug/],
      ['function neuron(x, w, b) { fetch("/api"); return 0; }', /fetch is not available: exercise code runs in a sandbox/],
      ['function neuron(x, w, b) { new XMLHttpRequest(); return 0; }', /XMLHttpRequest is not available/],
      ['function neuron(x, w, b) { new WebSocket("ws://" + location.host + "/api"); return 0; }', /WebSocket is not available/],
      ['function neuron(x, w, b) { require("fs"); return 0; }', /require is not available: exercise code runs in a sandbox, cut off from modules and files/],
      ['function neuron(x, w, b) { parent.postMessage("hi"); return 0; }', /parent is not available: exercise code runs in a sandbox, cut off from the app/],
      // past the friendly names, the frame's policy is the wall: importScripts of the app's own script is refused
      [`function neuron(x, w, b) { WorkerGlobalScope.prototype.importScripts.call(self, "${appScript}"); return 0; }`, /Your code threw an error.*importScripts.*the sandbox allows no connections/],
    ];
    for (const [code, message] of tries) {
      await write(page, code);
      const v = await check(page);
      expect(v, code).toMatch(message);
    }
    // and the app keeps working: the right code passes straight after
    await write(page, SOLUTIONS.neuron);
    expect(await check(page)).toMatch(/^✓ neuron passes/);
    // the frame itself cannot connect to the host: not by fetch, nor by WebSocket
    const frame = sandboxFrame(page);
    const origin = new URL(app.host.url).origin;
    const tried = await frame.evaluate(async (o) => {
      const f = await fetch(o + '/').then(() => 'connected', (e: Error) => `refused: ${e.message}`);
      let ws: string;
      try {
        new WebSocket(o.replace('http', 'ws') + '/api');
        ws = 'opened';
      } catch (e) {
        ws = `refused: ${(e as Error).message}`;
      }
      return { f, ws, origin: self.origin };
    }, origin);
    expect(tried.f).toMatch(/^refused/);
    expect(tried.origin).toBe('null');
    // the browser said why: the frame's policy (these refusals are the test's own doing)
    const refusals = (p: string) => /violates the following Content Security Policy directive: "connect-src 'none'"|Refused to connect/.test(p);
    expect(problems.filter((p) => refusals(p) && p.includes('ws://'))).not.toHaveLength(0);
    expect(problems.filter((p) => refusals(p) && p.includes(`${origin}/`))).not.toHaveLength(0);
    problems.splice(0, problems.length, ...problems.filter((p) => !refusals(p)));
  }, 120_000);

  it("trains the MNIST network with the learner's relu to within 0.5 points of the engine's", async () => {
    await openExercise(page, 'ReLU, forward and backward');
    // relu alone: the linear backward, solved too, is left to the engine this time
    const pieces = page.getByRole('group', { name: 'Use your' });
    expect(await pieces.getByRole('checkbox', { name: 'linear backward' }).isChecked()).toBe(true);
    expect(await pieces.getByRole('checkbox', { name: 'SGD step (not solved yet)' }).isDisabled()).toBe(true);
    await pieces.getByRole('checkbox', { name: 'linear backward' }).uncheck();
    // code changed after it passed is checked again first, and a wrong one does not train
    await write(page, RELU_TIMES_OUTPUT);
    await page.getByRole('button', { name: 'Train with your pieces' }).click();
    await page.getByText('Your relu as it is now does not pass the check, so it cannot train: ✗ relu: dx differs from the engine').waitFor({ timeout: 30_000 });
    await write(page, SOLUTIONS.relu);
    await page.getByRole('button', { name: 'Train with your pieces' }).click();
    const result = page.locator('p.trained');
    await result.waitFor({ timeout: 180_000 });
    const text = await result.innerText();
    const [yours, engine] = [...text.matchAll(/(\d+\.\d)%/g)].map((m) => Number(m[1]));
    console.log(`build-it: ${text} | ${await page.locator('.train p.small.muted').last().innerText()}`);
    expect(text).toMatch(/^Your relu trained this network to \d+\.\d% test accuracy; the engine's own relu, on the same seed, to \d+\.\d%/);
    expect(Math.abs(yours - engine)).toBeLessThanOrEqual(0.5);
    expect(engine).toBeGreaterThan(90);
    problems.push(...(await judge(page, 'relu-trained', '.train')));
  }, 240_000);

  it('keeps the solved pieces and the code through a restart of the host', async () => {
    await page.close();
    await app.host.stop();
    expect(existsSync(path.join(app.dataDir, 'exercises.json'))).toBe(true);
    const saved = JSON.parse(readFileSync(path.join(app.dataDir, 'exercises.json'), 'utf8'));
    expect(saved.relu).toEqual({ code: SOLUTIONS.relu, passed: true, tried: true });
    app.host = await startHost(app.dataDir);
    page = await openApp(app.browser, app.host.url, problems);
    await page.getByRole('tab', { name: 'Build it' }).click();
    const path_ = page.getByRole('navigation', { name: 'Exercises' });
    await expect.poll(() => path_.getByRole('button', { name: /ReLU, forward and backward/ }).getByLabel('passed').count()).toBe(1);
    expect(await path_.getByRole('button', { name: /A linear layer's backward/ }).getByLabel('passed').count()).toBe(1);
    expect(await path_.getByRole('button', { name: /Sigmoid's backward/ }).getByLabel('passed').count()).toBe(0);
    await openExercise(page, 'ReLU, forward and backward');
    await expect.poll(() => page.getByRole('textbox', { name: 'Your code for relu' }).innerText()).toContain('dx[i] = x[i] > 0 ? dy[i] : 0;');
    // NOTE: pasting into the editor (Chromium's insertText editing command) tries to carry the
    // highlighted text's style onto the new text as a style attribute, which the page's policy
    // blocks: CodeMirror redraws the lines from its own state anyway, so nothing is lost.
    expect(problems.filter((p) => !p.startsWith('console: Applying inline style violates'))).toEqual([]);
  }, 120_000);
});
