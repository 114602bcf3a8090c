/**
 * The layout checker itself (layout-check.ts), on small pages in Chromium: text hidden for screen
 * readers with the standard visually-hidden pattern is not content cut off, while text that a box
 * really cuts is still found.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser-mode';
import { layoutProblems } from './layout-check';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 800, height: 600 } });
});

afterAll(async () => {
  await browser?.close();
});

const check = async (body: string): Promise<string[]> => {
  await page.setContent(`<!doctype html><html><body style="margin:0;font:13px sans-serif">${body}</body></html>`);
  return page.evaluate(layoutProblems);
};

describe('layout check', () => {
  it('skips text hidden for screen readers (clip-path inset(50%), clip rect(0 0 0 0), a 1×1 px box)', async () => {
    const hidden = (style: string) => `<p style="position:absolute;margin:0;white-space:nowrap;${style}">step axis from 0 to 94</p>`;
    expect(
      await check(
        `<figure style="position:relative;margin:0">
           ${hidden('width:1px;height:1px;overflow:hidden;clip-path:inset(50%)')}
           ${hidden('width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)')}
           ${hidden('width:1px;height:1px;overflow:hidden')}
           <span style="position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)"><b>nested in a hidden box</b></span>
           <p>A chart</p>
         </figure>`,
      ),
    ).toEqual([]);
  });

  it('still finds text that a box cuts without scrolling, however small the box', async () => {
    expect(await check('<div style="width:40px;height:16px;overflow:hidden;white-space:nowrap">a sentence too long for its box</div>')).toEqual([
      'the text "a sentence too long for its box" is cut by div "a sentence too long for its box", which does not scroll',
    ]);
    // in the flow (not taken out of it as the pattern does), a 1×1 px box is a real cut
    expect(await check('<div style="width:1px;height:1px;overflow:hidden;white-space:nowrap">cut to one pixel</div>')).toEqual([
      'the text "cut to one pixel" is cut by div "cut to one pixel", which does not scroll',
    ]);
  });
});
