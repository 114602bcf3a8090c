/**
 * The model library's desktop part: the native Save As and Open dialogs, the file manager, and
 * the system trash for deleted models. File paths come only from these dialogs.
 */
import { app, dialog, shell, type BrowserWindow, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import path from 'node:path';
import type { ModelPlatform } from '../library/model-api';

/** Dialogs attached to the app window (when there is one). */
export function desktopModelPlatform(window: () => BrowserWindow | null): ModelPlatform {
  return {
    async saveDialog(suggestedName, kind) {
      const options: SaveDialogOptions = {
        title: kind === 'model' ? 'Export a copy of the model' : 'Export the metrics history as CSV',
        defaultPath: path.join(app.getPath('documents'), suggestedName),
        filters: kind === 'model' ? [{ name: 'safetensors model', extensions: ['safetensors'] }] : [{ name: 'CSV', extensions: ['csv'] }],
      };
      const win = window();
      const chosen = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return chosen.canceled || !chosen.filePath ? null : chosen.filePath;
    },
    async openDialog() {
      const options: OpenDialogOptions = {
        title: 'Import a model (.safetensors)',
        properties: ['openFile'],
        filters: [{ name: 'safetensors model', extensions: ['safetensors'] }],
      };
      const win = window();
      const chosen = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return chosen.canceled || chosen.filePaths.length === 0 ? null : chosen.filePaths[0];
    },
    reveal: (file) => shell.showItemInFolder(file),
  };
}

/** Deleted models go to the system trash, so a mistaken delete can be undone there. */
export function trashFile(file: string): Promise<void> {
  return shell.trashItem(file);
}
