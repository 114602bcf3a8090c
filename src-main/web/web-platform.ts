/**
 * The app calls of browser mode: no native dialogs, so datasets come by typed path or upload;
 * the page follows the browser's colour scheme itself.
 */
import type { PlatformHandlers } from '../host/api-server';
import { datasetFromPath, datasetFromUpload } from '../host/dataset-files';

export interface WebPlatformOptions {
  version: string;
  modelsDir: string;
  /** A private temporary folder that uploads are written under. */
  uploadRoot: string;
}

/** Platform handlers for the browser-mode host. */
export function webPlatform(options: WebPlatformOptions): PlatformHandlers {
  return {
    'app:info': async () => ({
      mode: 'browser',
      version: options.version,
      platform: process.platform,
      modelsDir: options.modelsDir,
      dark: false,
    }),
    'app:set-theme': async ({ source }) => ({ dark: source === 'dark' }),
    'dataset:choose': async () => {
      throw new Error('There is no native file dialog in browser mode: type a path or upload the files.');
    },
    'dataset:open-path': ({ kind, path, testPath }) => datasetFromPath(kind, path, testPath),
    'dataset:upload': ({ kind, files }) => datasetFromUpload(options.uploadRoot, kind, files),
  };
}
