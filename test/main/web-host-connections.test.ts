import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startWebHost } from '../../src-main/web-host';

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
});
