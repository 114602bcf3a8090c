/**
 * The browser-mode (and test) spawner: the engine worker as a plain Node child process.
 * `serialization: 'advanced'` uses the structured clone, so typed arrays arrive as typed arrays.
 */
import { fork } from 'node:child_process';
import type { Spawner } from '../host/engine-host';

export interface ChildSpawnerOptions {
  /** Node flags, e.g. ['--import', 'tsx'] to run src-engine/worker.ts directly. */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** A spawner that forks `entry` (a .js file, or a .ts file with the tsx loader). */
export function childSpawner(entry: string, options: ChildSpawnerOptions = {}): Spawner {
  return ({ onMessage, onExit }) => {
    const child = fork(entry, [], {
      serialization: 'advanced',
      execArgv: options.execArgv ?? [],
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', onMessage);
    child.on('exit', (code, signal) => onExit({ code, signal }));
    // NOTE: send errors after an exit surface here; the exit handler already reports the crash.
    child.on('error', () => {});
    return {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (!child.connected) throw new Error('the engine process is not connected');
        child.send(message);
      },
      kill() {
        child.kill();
      },
    };
  };
}
