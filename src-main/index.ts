/**
 * The Electron main process: lifecycle only. Wires the engine host (a utility process), the
 * shared API server, the window, the menu and IPC together, and tears them down on quit.
 */
import { app, nativeTheme, type BrowserWindow } from 'electron';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ApiServer } from './api-server';
import { modelsDir } from './app-paths';
import { stopAndSave } from './autosave';
import { CheckpointStore } from './checkpoint-store';
import { desktopModelPlatform, trashFile } from './desktop-model-platform';
import { desktopPlatform } from './desktop-platform';
import { EngineHost } from './engine-host';
import { registerIpc, sendEvent } from './ipc';
import { createMainWindow, isOwnPage } from './main-window';
import { installMenu } from './menu';
import { guardClose } from './quit-guard';
import { utilitySpawner } from './spawn-utility';

if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
const host = new EngineHost(utilitySpawner(path.join(__dirname, 'engine-worker.js')));

app.whenReady().then(async () => {
  const userData = app.getPath('userData');
  const models = modelsDir(userData);
  mkdirSync(models, { recursive: true });
  const store = new CheckpointStore(models, { remove: trashFile });
  await store.init();
  const page = { indexHtml: path.join(__dirname, '..', 'renderer', 'index.html'), devUrl: process.env.ELECTRON_RENDERER_URL };

  host.start();
  const api = new ApiServer(host, desktopPlatform({ version: app.getVersion(), modelsDir: models, window: () => win }), {
    store,
    platform: desktopModelPlatform(() => win),
  });
  const autosave = api.autosave!;
  api.onEvent((event) => sendEvent(win, event));
  nativeTheme.on('updated', () => sendEvent(win, { type: 'app:theme', dark: nativeTheme.shouldUseDarkColors }));
  registerIpc({ handle: (name, args) => api.handle(name, args), window: () => win, isOwnPage: (url) => isOwnPage(url, page) });
  installMenu((command) => sendEvent(win, { type: 'app:command', command }), !app.isPackaged);

  const open = () => {
    win = createMainWindow({ ...page, preload: path.join(__dirname, '..', 'preload', 'index.js'), userData });
    win.on('closed', () => (win = null));
    guardClose(win, { running: () => autosave.running, stopAndSave: async () => void (await stopAndSave(host, autosave)) });
  };
  open();
  app.on('activate', () => win ?? open());
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => host.dispose());
