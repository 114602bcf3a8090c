/**
 * The Electron main process: lifecycle only. Wires the engine host (a utility process), the
 * shared API server, the window, the menu and IPC together, and tears them down on quit.
 */
import { app, dialog, nativeTheme, type BrowserWindow } from 'electron';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ApiServer } from '../host/api-server';
import { modelsDir } from '../host/app-paths';
import { stopAndSave } from '../library/autosave';
import { CheckpointStore } from '../library/checkpoint-store';
import { desktopModelPlatform, trashFile } from './desktop-model-platform';
import { desktopPlatform } from './desktop-platform';
import { EngineHost } from '../host/engine-host';
import { registerIpc, sendEvent } from './ipc';
import { createMainWindow, isOwnPage, rendererDevUrl } from './main-window';
import { installMenu } from './menu';
import { guardClose } from './quit-guard';
import { utilitySpawner } from './spawn-utility';
import { ExerciseProgressStore } from '../library/exercise-progress';

// NOTE: a second instance only hands over to the first (its 'second-instance' event) and quits;
// none of the setup below may run in it.
if (app.requestSingleInstanceLock()) run();
else app.quit();

/** Set up the app in the one running instance. */
function run(): void {
  let win: BrowserWindow | null = null;
  const host = new EngineHost(utilitySpawner(path.join(__dirname, 'engine-worker.js')));
  let models: string | null = null;

  app.whenReady().then(async () => {
    const userData = app.getPath('userData');
    models = modelsDir(userData);
    mkdirSync(models, { recursive: true });
    const store = new CheckpointStore(models, { remove: trashFile });
    await store.init();
    const page = { indexHtml: path.join(__dirname, '..', 'renderer', 'index.html'), devUrl: rendererDevUrl(process.env, app.isPackaged) };

    host.start();
    const api = new ApiServer(host, desktopPlatform({ version: app.getVersion(), modelsDir: models, window: () => win }), {
      store,
      platform: desktopModelPlatform(() => win),
    }, new ExerciseProgressStore(path.join(userData, 'exercises.json')));
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
  }).catch((error: unknown) => {
    // NOTE: without this the app would stay running with no window and nothing said.
    const reason = error instanceof Error ? error.message : String(error);
    const where = models ? `\n\nScratchnet keeps its models in ${models}; check that this folder can be created and written to.` : '';
    dialog.showErrorBox('Scratchnet could not start', `${reason}${where}`);
    host.dispose();
    app.exit(1);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => host.dispose());
}
