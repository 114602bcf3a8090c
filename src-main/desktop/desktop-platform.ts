/**
 * The app calls of the desktop app: datasets come only from the native open dialog (never from
 * a path the page made up), and the theme is Electron's nativeTheme.
 */
import { dialog, nativeTheme, type BrowserWindow } from 'electron';
import path from 'node:path';
import type { PlatformHandlers } from '../host/api-server';
import { pairCsvFiles } from '../host/dataset-files';

export interface DesktopPlatformOptions {
  version: string;
  modelsDir: string;
  window: () => BrowserWindow | null;
}

/** Platform handlers for the Electron main process. */
export function desktopPlatform(options: DesktopPlatformOptions): PlatformHandlers {
  const browserOnly = async (): Promise<never> => {
    throw new Error('In the desktop app, datasets are chosen with the Choose… button (the system file dialog).');
  };
  return {
    'app:info': async () => ({
      mode: 'desktop',
      version: options.version,
      platform: process.platform,
      modelsDir: options.modelsDir,
      dark: nativeTheme.shouldUseDarkColors,
    }),
    'app:set-theme': async ({ source }) => {
      nativeTheme.themeSource = source;
      return { dark: nativeTheme.shouldUseDarkColors };
    },
    'dataset:choose': async ({ kind }) => {
      const win = options.window();
      const chosen = kind === 'idx'
        ? await dialog.showOpenDialog(win!, {
            title: 'Choose a folder with MNIST-layout IDX files',
            properties: ['openDirectory'],
          })
        : await dialog.showOpenDialog(win!, {
            title: 'Choose a CSV file (label, then pixels); select a second one for testing',
            properties: ['openFile', 'multiSelections'],
            filters: [{ name: 'CSV', extensions: ['csv'] }],
          });
      if (chosen.canceled || chosen.filePaths.length === 0) return null;
      if (kind === 'idx') return { source: { kind: 'idx', dir: chosen.filePaths[0] }, label: path.basename(chosen.filePaths[0]) };
      const { train, test } = pairCsvFiles(chosen.filePaths, (p) => path.basename(p));
      return test
        ? { source: { kind: 'csv', train, test }, label: `${path.basename(train)} + ${path.basename(test)}` }
        : { source: { kind: 'csv', train }, label: path.basename(train) };
    },
    'dataset:open-path': browserOnly,
    'dataset:upload': browserOnly,
  };
}
