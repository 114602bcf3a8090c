import { beforeEach, describe, expect, it, vi } from 'vitest';

const handlers = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>();
vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => handlers.set(channel, fn) },
}));

const { registerIpc } = await import('../../../src-main/desktop/ipc');
const { API_CHANNELS } = await import('../../../src-main/host/api-contract');

const PAGE = 'file:///app/out/renderer/index.html';
const mainFrame = { url: PAGE };
const webContents = { mainFrame };
const win = { isDestroyed: () => false, webContents };
const calls: unknown[] = [];

beforeEach(() => {
  handlers.clear();
  calls.length = 0;
  registerIpc({
    handle: async (name, args) => {
      calls.push([name, args]);
      return { ok: true, result: 'answered' };
    },
    window: () => win as never,
    isOwnPage: (url) => url === PAGE,
  });
});

describe('IPC handlers', () => {
  it('registers exactly the API channels', () => {
    expect([...handlers.keys()].sort()).toEqual([...API_CHANNELS].sort());
  });

  it('answers our window\'s page', async () => {
    const reply = await handlers.get('training:pause')!({ sender: webContents, senderFrame: mainFrame }, {});
    expect(reply).toEqual({ ok: true, result: 'answered' });
    expect(calls).toEqual([['training:pause', {}]]);
  });

  it('ignores other windows, subframes and pages that are not ours', async () => {
    const refused = { ok: false, error: 'refused: the call did not come from the Scratchnet window' };
    const other = { mainFrame: { url: PAGE } };
    expect(await handlers.get('training:start')!({ sender: other, senderFrame: other.mainFrame }, {})).toEqual(refused);
    expect(await handlers.get('training:start')!({ sender: webContents, senderFrame: { url: PAGE } }, {})).toEqual(refused);
    const navigated = { url: 'https://example.com/' };
    const hijacked = { mainFrame: navigated };
    win.webContents = hijacked as never;
    try {
      expect(await handlers.get('training:start')!({ sender: hijacked, senderFrame: navigated }, {})).toEqual(refused);
    } finally {
      win.webContents = webContents;
    }
    expect(calls).toEqual([]);
  });
});
