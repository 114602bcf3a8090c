import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PAGE_GRACE_MS, pageGraceMs, whenLastPageCloses } from '../../../src-main/web/last-page';
import { startWebHost } from '../../../src-main/web/web-host';

describe('browser-mode host: open pages', () => {
  it('reports how many pages are connected, down to 0 when the last one closes', async () => {
    const counts: number[] = [];
    const web = await startWebHost({
      api: { handle: async () => ({ ok: true, result: null }), onEvent: () => () => {} },
      rendererDir: mkdtempSync(path.join(os.tmpdir(), 'scratchnet-renderer-')),
      onConnections: (n) => counts.push(n),
    });
    const open = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api?token=${web.token}`);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const closed = (ws: WebSocket) => new Promise((r) => (ws.once('close', r), ws.close()));
    const a = await open();
    const b = await open();
    await closed(a);
    await closed(b);
    await expect.poll(() => counts).toEqual([1, 2, 1, 0]);
    await web.close();
  });

  it('a reload is not a close: only a page gone for the whole grace period counts as closed', async () => {
    const closedAt: number[] = [];
    const started = Date.now();
    const web = await startWebHost({
      api: { handle: async () => ({ ok: true, result: null }), onEvent: () => () => {} },
      rendererDir: mkdtempSync(path.join(os.tmpdir(), 'scratchnet-renderer-')),
      onConnections: whenLastPageCloses(() => closedAt.push(Date.now() - started), 300),
    });
    const open = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api?token=${web.token}`);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const close = (ws: WebSocket) => new Promise((r) => (ws.once('close', r), ws.close()));
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

    // F5: the page's socket closes and the reloaded page connects again 100 ms later
    await close(await open());
    await wait(100);
    const reloaded = await open();
    await wait(500);
    expect(closedAt).toEqual([]);

    // the tab is closed for good
    const gone = Date.now() - started;
    await close(reloaded);
    await expect.poll(() => closedAt.length, { timeout: 2000 }).toBe(1);
    expect(closedAt[0] - gone).toBeGreaterThanOrEqual(250);
    await wait(400);
    expect(closedAt).toHaveLength(1);
    await web.close();
  });
});

describe('pageGraceMs', () => {
  it('is 5 s unless SCRATCHNET_PAGE_GRACE_MS says otherwise; a bad value is refused in one sentence', () => {
    expect(pageGraceMs({})).toBe(PAGE_GRACE_MS);
    expect(pageGraceMs({ SCRATCHNET_PAGE_GRACE_MS: '' })).toBe(5_000);
    expect(pageGraceMs({ SCRATCHNET_PAGE_GRACE_MS: '0' })).toBe(0);
    expect(pageGraceMs({ SCRATCHNET_PAGE_GRACE_MS: '250' })).toBe(250);
    expect(() => pageGraceMs({ SCRATCHNET_PAGE_GRACE_MS: '-1' })).toThrow('SCRATCHNET_PAGE_GRACE_MS must be a whole number of milliseconds, 0 or more (got -1)');
    expect(() => pageGraceMs({ SCRATCHNET_PAGE_GRACE_MS: '2s' })).toThrow('(got 2s)');
  });
});
