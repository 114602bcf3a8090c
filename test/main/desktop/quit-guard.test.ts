import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const app = Object.assign(new Emitter(), { quit: vi.fn() });
  return { app, dialog: { showMessageBox: vi.fn() } };
});
vi.mock('electron', () => electron);

const { guardClose, askToStop } = await import('../../../src-main/desktop/quit-guard');

/** A stand-in BrowserWindow: emits 'close' with a preventable event, closes for real when allowed. */
class FakeWindow extends EventEmitter {
  closed = false;
  isDestroyed = () => this.closed;
  close(): void {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      this.closed = true;
      this.emit('closed');
    }
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  electron.app.quit.mockReset();
  electron.app.removeAllListeners();
  electron.dialog.showMessageBox.mockReset();
});

describe('quitting while a run is going', () => {
  it('closes at once when nothing is training', () => {
    const win = new FakeWindow();
    guardClose(win as never, { running: () => false, stopAndSave: vi.fn(), ask: vi.fn() });
    win.close();
    expect(win.closed).toBe(true);
  });

  it('"Stop and quit": the run is stopped and saved before the window closes', async () => {
    const win = new FakeWindow();
    const order: string[] = [];
    let running = true;
    guardClose(win as never, {
      running: () => running,
      ask: async () => 'stop',
      stopAndSave: async () => {
        order.push('stop requested');
        await tick();
        running = false;
        order.push('checkpoint on disk');
      },
    });
    win.on('closed', () => order.push('window closed'));
    win.close();
    expect(win.closed).toBe(false);
    await vi.waitFor(() => expect(win.closed).toBe(true));
    expect(order).toEqual(['stop requested', 'checkpoint on disk', 'window closed']);
  });

  it('"Keep training" cancels the close, and a quit, and training goes on', async () => {
    const win = new FakeWindow();
    const stopAndSave = vi.fn(async () => {});
    guardClose(win as never, { running: () => true, ask: async () => 'keep', stopAndSave });
    electron.app.emit('before-quit');
    win.close();
    await tick();
    expect(win.closed).toBe(false);
    expect(stopAndSave).not.toHaveBeenCalled();
    expect(electron.app.quit).not.toHaveBeenCalled();
  });

  it('a quit (Cmd+Q) goes ahead once the run is saved', async () => {
    const win = new FakeWindow();
    guardClose(win as never, { running: () => true, ask: async () => 'stop', stopAndSave: async () => {} });
    electron.app.emit('before-quit');
    win.close();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledTimes(1));
  });

  it('asks with a native box whose buttons say what happens', async () => {
    electron.dialog.showMessageBox.mockResolvedValue({ response: 1 });
    expect(await askToStop({} as never)).toBe('keep');
    const options = electron.dialog.showMessageBox.mock.calls[0][1] as { buttons: string[]; message: string };
    expect(options.buttons).toEqual(['Stop and quit', 'Keep training']);
    expect(options.message).toBe('A model is training.');
  });
});
