/**
 * The one app window: locked down (context isolation, sandbox, no Node, strict CSP in the page,
 * no navigation, no new windows, no permissions), sized as it was last time, coloured to match
 * the OS theme before the page paints.
 */
import { BrowserWindow, nativeTheme, screen, session } from 'electron';
import path from 'node:path';
import { DEFAULT_BOUNDS, MIN_SIZE, fitToDisplays, loadBounds, saveBounds } from './window-state';

export interface MainWindowOptions {
  preload: string;
  /** The built page (out/renderer/index.html). */
  indexHtml: string;
  /** The dev server's URL under `electron-vite dev`. */
  devUrl?: string;
  userData: string;
}

/** Background colours of the two themes (match the page's --bg). */
export const BACKGROUNDS = { dark: '#0f1217', light: '#f6f7f9' };

/** Whether a URL is our own page (the built file or the dev server). */
export function isOwnPage(url: string, options: Pick<MainWindowOptions, 'indexHtml' | 'devUrl'>): boolean {
  try {
    const u = new URL(url);
    if (options.devUrl && u.origin === new URL(options.devUrl).origin) return true;
    return u.protocol === 'file:' && path.resolve(decodeURIComponent(u.pathname)) === path.resolve(options.indexHtml);
  } catch {
    return false;
  }
}

/** Create and load the main window. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = fitToDisplays(loadBounds(options.userData), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...saved,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Scratchnet',
    backgroundColor: nativeTheme.shouldUseDarkColors ? BACKGROUNDS.dark : BACKGROUNDS.light,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  const contents = win.webContents;
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const remember = () => {
    if (win.isDestroyed()) return;
    const maximized = win.isMaximized();
    const b = maximized ? { ...DEFAULT_BOUNDS, ...win.getNormalBounds() } : win.getBounds();
    saveBounds(options.userData, { x: b.x, y: b.y, width: b.width, height: b.height, maximized });
  };
  win.on('close', remember);
  nativeTheme.on('updated', () => {
    if (!win.isDestroyed()) win.setBackgroundColor(nativeTheme.shouldUseDarkColors ? BACKGROUNDS.dark : BACKGROUNDS.light);
  });

  if (options.devUrl) void win.loadURL(options.devUrl);
  else void win.loadFile(options.indexHtml);
  return win;
}
