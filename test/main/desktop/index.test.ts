/**
 * The Electron entry's lifecycle with a stand-in electron: a second instance quits without
 * setting anything up, and a models folder that cannot be created ends the app with a message
 * instead of leaving it running with no window.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../library/model-fixtures';

const electron = vi.hoisted(() => ({
  lock: true,
  userData: '',
  calls: [] as string[],
  errorBoxes: [] as { title: string; content: string }[],
  ready: null as Promise<void> | null,
}));

vi.mock('electron', () => {
  const app = {
    requestSingleInstanceLock: () => electron.lock,
    quit: () => electron.calls.push('quit'),
    exit: (code: number) => electron.calls.push(`exit ${code}`),
    whenReady: () => {
      electron.calls.push('whenReady');
      electron.ready = Promise.resolve();
      return electron.ready;
    },
    on: () => app,
    getPath: () => electron.userData,
    getVersion: () => '0.0.0',
    isPackaged: false,
  };
  return {
    app,
    dialog: { showErrorBox: (title: string, content: string) => electron.errorBoxes.push({ title, content }) },
    nativeTheme: { shouldUseDarkColors: false, on: () => {} },
    ipcMain: { handle: () => {} },
    Menu: { buildFromTemplate: () => ({}), setApplicationMenu: () => {} },
    utilityProcess: { fork: () => { throw new Error('no engine in this test'); } },
    shell: {},
    BrowserWindow: class {},
    screen: {},
    session: {},
  };
});

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('scratchnet-index-');
  electron.calls = [];
  electron.errorBoxes = [];
  electron.ready = null;
  vi.resetModules();
});
afterEach(() => tmp.cleanup());

/** Let the whenReady chain run to its end. */
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('desktop app entry', () => {
  it('a second instance quits and sets nothing up', async () => {
    electron.lock = false;
    await import('../../../src-main/desktop/index');
    await settle();
    expect(electron.calls).toEqual(['quit']);
  });

  it('says why and exits when the models folder cannot be created, rather than running with no window', async () => {
    electron.lock = true;
    // a file where the data folder should be: nothing can be created under it
    const blocked = path.join(tmp.dir, 'userData');
    writeFileSync(blocked, 'in the way');
    electron.userData = blocked;
    await import('../../../src-main/desktop/index');
    await settle();
    expect(electron.calls).toEqual(['whenReady', 'exit 1']);
    expect(electron.errorBoxes).toHaveLength(1);
    expect(electron.errorBoxes[0].title).toBe('Scratchnet could not start');
    expect(electron.errorBoxes[0].content).toContain('ENOTDIR');
    expect(electron.errorBoxes[0].content).toContain(`Scratchnet keeps its models in ${path.join(blocked, 'models')}; check that this folder can be created and written to.`);
  });
});
