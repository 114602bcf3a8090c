/**
 * The model library's desktop part: the native Save As and Open dialogs, the file manager, and
 * the system trash for deleted models. File paths come only from these dialogs.
 */
import { app, dialog, shell, type BrowserWindow, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import path from 'node:path';
import type { ExportKind, ModelPlatform } from '../library/model-api';

const SAVE_DIALOGS: Record<ExportKind, Pick<SaveDialogOptions, 'title' | 'filters'>> = {
  model: { title: 'Export a copy of the model', filters: [{ name: 'safetensors model', extensions: ['safetensors'] }] },
  csv: { title: 'Export the metrics history as CSV', filters: [{ name: 'CSV', extensions: ['csv'] }] },
  notebook: { title: 'Export as a Jupyter notebook', filters: [{ name: 'Jupyter notebook', extensions: ['ipynb'] }] },
  onnx: { title: 'Export as ONNX', filters: [{ name: 'ONNX model', extensions: ['onnx'] }] },
};

/** Dialogs attached to the app window (when there is one). */
export function desktopModelPlatform(window: () => BrowserWindow | null): ModelPlatform {
  return {
    async saveDialog(suggestedName, kind) {
      const options: SaveDialogOptions = { ...SAVE_DIALOGS[kind], defaultPath: path.join(app.getPath('documents'), suggestedName) };
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
