/**
 * Browser mode (`npm run web`, the end-to-end tests, and `npm start` where Electron cannot run):
 * the same engine host and API as the desktop app, served to a browser on 127.0.0.1.
 * Plain Node: this entry must never import electron.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { version } from '../../package.json';
import { ApiServer } from '../host/api-server';
import { ExerciseProgressStore } from '../library/exercise-progress';
import { modelsDir, userDataDir } from '../host/app-paths';
import { stopAndSave } from '../library/autosave';
import { CheckpointStore } from '../library/checkpoint-store';
import { UsageError } from '../../src-engine/node/cli-args';
import { exitWhenFlushed } from '../../src-engine/node/exit';
import { EngineHost } from '../host/engine-host';
import { shutDownOnFatalErrors } from './fatal-errors';
import { pageGraceMs, whenLastPageCloses } from './last-page';
import { childSpawner } from './spawn-child';
import { createUploadFolder, removeStaleUploadFolders } from '../host/upload-folders';
import { webPlatform } from './web-platform';
import { startWebHost } from './web-host';

function portArgument(argv: string[]): number {
  const i = argv.indexOf('--port');
  if (i < 0) return 0;
  const port = Number(argv[i + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535 (got ${argv[i + 1]})`);
  }
  return port;
}

async function main(): Promise<void> {
  const port = portArgument(process.argv);
  const grace = pageGraceMs();
  const models = modelsDir(userDataDir());
  await mkdir(models, { recursive: true });
  const store = new CheckpointStore(models);
  await store.init();
  // NOTE: uploads go next to the models, not into the system temp folder (often RAM-backed).
  const uploadsParent = path.join(userDataDir(), 'uploads');
  await removeStaleUploadFolders(uploadsParent);
  const uploadRoot = await createUploadFolder(uploadsParent);
  const host = new EngineHost(childSpawner(path.join(__dirname, 'engine-worker.js')));
  host.start();
  const exercises = new ExerciseProgressStore(path.join(userDataDir(), 'exercises.json'));
  const api = new ApiServer(host, webPlatform({ version, modelsDir: models, uploadRoot }), { store, platform: {} }, exercises);
  const web = await startWebHost({
    api,
    rendererDir: path.join(__dirname, '..', 'renderer'),
    port,
    uploads: { dir: uploadRoot },
    // NOTE: the last page closing is browser mode's "quit": a run still going is stopped and saved
    // (the page also asks first, and stops it itself when it can). A reload is not a close.
    onConnections: whenLastPageCloses(async () => {
      if (!api.autosave?.running) return;
      const saved = await stopAndSave(host, api.autosave);
      if (saved) console.log(`The last page closed: stopped the run at epoch ${saved.epoch}, step ${saved.step} and saved it as "${saved.name}".`);
      else console.log(`The last page closed: could not save the run where it stopped; its last completed epoch is in ${models}.`);
    }, grace),
  });
  console.log(
    [
      'Scratchnet is running in browser mode.',
      `  Open:    ${web.url}`,
      `  Models:  ${models}`,
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
  let closing = false;
  const shutdown = async (code = 0) => {
    if (closing) return;
    closing = true;
    try {
      // NOTE: a run still going is stopped and its checkpoint written before the engine goes.
      if (api.autosave?.running) {
        const saved = await stopAndSave(host, api.autosave);
        if (saved) console.log(`Stopped the run at epoch ${saved.epoch}, step ${saved.step} and saved it as "${saved.name}" in ${models}.`);
        else console.log(`Could not save the run where it stopped; its last completed epoch is in ${models}.`);
      }
      host.dispose();
      await web.close();
      await rm(uploadRoot, { recursive: true, force: true });
    } finally {
      await exitWhenFlushed(code);
    }
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  shutDownOnFatalErrors(process, shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) console.error(error.message);
  else console.error(`Scratchnet could not start browser mode: ${error instanceof Error ? error.message : String(error)}`);
  // NOTE: the engine host may already run: exit, but only once the message is out (never a bare exit).
  void exitWhenFlushed(error instanceof UsageError ? 2 : 1);
});
