import { describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => void;
const created: { options: Record<string, unknown>; contents: Record<string, Listener>; openHandler?: () => unknown; loaded?: string }[] = [];
const permission: { request?: (wc: unknown, p: string, cb: (ok: boolean) => void) => void } = {};

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      const record: (typeof created)[number] = { options, contents: {} };
      created.push(record);
      this.webContents = {
        on: (name: string, fn: Listener) => (record.contents[name] = fn),
        setWindowOpenHandler: (fn: () => unknown) => (record.openHandler = fn),
      };
      Object.assign(this, {
        once: () => {},
        on: () => {},
        maximize: () => {},
        loadFile: (file: string) => ((record.loaded = file), Promise.resolve()),
        loadURL: (url: string) => ((record.loaded = url), Promise.resolve()),
      });
    }
  }
  return {
    BrowserWindow,
    nativeTheme: { shouldUseDarkColors: true, on: () => {} },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: never) => (permission.request = fn),
        setPermissionCheckHandler: () => {},
      },
    },
  };
});

const { createMainWindow, isOwnPage, rendererDevUrl, BACKGROUNDS, WINDOWS_PATHS } = await import('../../../src-main/desktop/main-window');

describe('the main window', () => {
  it('is locked down: isolated, sandboxed, no Node, no navigation, no new windows, no permissions', () => {
    createMainWindow({ preload: '/app/out/preload/index.js', indexHtml: '/app/out/renderer/index.html', userData: '/nonexistent' });
    const w = created[0];
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(w.options.backgroundColor).toBe(BACKGROUNDS.dark);
    expect(w.loaded).toBe('/app/out/renderer/index.html');
    const prevented = vi.fn();
    w.contents['will-navigate']({ preventDefault: prevented });
    w.contents['will-attach-webview']({ preventDefault: prevented });
    expect(prevented).toHaveBeenCalledTimes(2);
    expect(w.openHandler!()).toEqual({ action: 'deny' });
    const granted = vi.fn();
    permission.request!({}, 'camera', granted);
    expect(granted).toHaveBeenCalledWith(false);
  });

  it('knows its own page from any other', () => {
    const page = { indexHtml: '/app/out/renderer/index.html' };
    expect(isOwnPage('file:///app/out/renderer/index.html', page)).toBe(true);
    expect(isOwnPage('file:///app/out/renderer/index.html#x', page)).toBe(true);
    expect(isOwnPage('file:///etc/passwd', page)).toBe(false);
    expect(isOwnPage('https://example.com/', page)).toBe(false);
    expect(isOwnPage('http://localhost:5173/', { ...page, devUrl: 'http://localhost:5173' })).toBe(true);
    expect(isOwnPage('not a url', page)).toBe(false);
  });

  it('knows its own page by Windows path rules (a file URL is /C:/..., the page C:\\...)', () => {
    const page = { indexHtml: 'C:\\Program Files\\Scratchnet\\resources\\app.asar\\out\\renderer\\index.html' };
    const url = 'file:///C:/Program%20Files/Scratchnet/resources/app.asar/out/renderer/index.html';
    expect(isOwnPage(url, page, WINDOWS_PATHS)).toBe(true);
    expect(isOwnPage('file:///c:/program%20files/scratchnet/resources/app.asar/out/renderer/index.html', page, WINDOWS_PATHS)).toBe(true);
    expect(isOwnPage('file:///C:/Windows/win.ini', page, WINDOWS_PATHS)).toBe(false);
    expect(isOwnPage('file://server/share/out/renderer/index.html', page, WINDOWS_PATHS)).toBe(false);
    expect(isOwnPage('file:///C:/Program%20Files/Scratchnet/resources/app.asar/out/renderer/index.html%00', page, WINDOWS_PATHS)).toBe(false);
  });

  it('uses the dev server only in an unpackaged app', () => {
    expect(rendererDevUrl({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false)).toBe('http://localhost:5173');
    expect(rendererDevUrl({ ELECTRON_RENDERER_URL: 'https://evil.example' }, true)).toBeUndefined();
    expect(rendererDevUrl({}, false)).toBeUndefined();
  });
});
