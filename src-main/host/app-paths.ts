/**
 * Where Scratchnet keeps its files outside Electron, matching Electron's `userData` folder for
 * an app named "scratchnet" so that browser mode and the desktop app share their models.
 */
import os from 'node:os';
import path from 'node:path';

/** The per-user data folder; SCRATCHNET_DATA_DIR overrides it (tests use a temporary one). */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SCRATCHNET_DATA_DIR) return path.resolve(env.SCRATCHNET_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'scratchnet');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'scratchnet');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'scratchnet');
}

/** Where saved models live, under a data folder. */
export function modelsDir(dataDir: string): string {
  return path.join(dataDir, 'models');
}
