/**
 * The one app window: locked down (context isolation, sandbox, no Node, strict CSP in the page,
 * no navigation, no new windows, no permissions), sized as it was last time, coloured to match
 * the OS theme before the page paints.
 */
import { BrowserWindow, nativeTheme, screen, session } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** An OS's path rules: its path module, and whether a file URL reads as a Windows path. */
export interface PathRules {
  path: typeof path.posix;
  windows: boolean;
}

export const NATIVE_PATHS: PathRules = { path, windows: process.platform === 'win32' };
export const WINDOWS_PATHS: PathRules = { path: path.win32, windows: true };

/** Whether a URL is our own page (the built file or the dev server). */
export function isOwnPage(url: string, options: Pick<MainWindowOptions, 'indexHtml' | 'devUrl'>, rules: PathRules = NATIVE_PATHS): boolean {
  try {
    const u = new URL(url);
    if (options.devUrl && u.origin === new URL(options.devUrl).origin) return true;
    if (u.protocol !== 'file:') return false;
    // NOTE: fileURLToPath, never the URL's pathname: on Windows that is "/C:/...", which names no file of ours.
    const file = rules.path.resolve(fileURLToPath(u, { windows: rules.windows }));
    const own = rules.path.resolve(options.indexHtml);
    return rules.windows ? file.toLowerCase() === own.toLowerCase() : file === own;
  } catch {
    return false;
  }
}

/**
 * The dev server's address (`electron-vite dev` sets ELECTRON_RENDERER_URL), honoured only in an
 * unpackaged app: an installed app always loads its own built page, whatever the environment says.
 */
export function rendererDevUrl(env: NodeJS.ProcessEnv, isPackaged: boolean): string | undefined {
  return isPackaged ? undefined : env.ELECTRON_RENDERER_URL || undefined;
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
