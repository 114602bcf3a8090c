/**
 * The desktop spawner: the engine worker as an Electron utility process. Electron reports why a
 * utility process went away ('oom', 'killed', 'crashed') on the app; that reason is joined to
 * the exit so the person reads "out of memory" rather than a bare exit code.
 */
import { app, utilityProcess, type Details } from 'electron';
import type { Spawner, WorkerExit } from '../host/engine-host';

const SERVICE_NAME = 'Scratchnet engine';
/** How long to wait for Electron's 'child-process-gone' details after an exit. */
const REASON_GRACE_MS = 100;

/** A spawner that forks the built worker (out/main/engine-worker.js) as a utility process. */
export function utilitySpawner(entry: string): Spawner {
  return ({ onMessage, onExit }) => {
    const child = utilityProcess.fork(entry, [], { serviceName: SERVICE_NAME, stdio: 'inherit' });
    let reason: string | undefined;
    const gone = (_event: Electron.Event, details: Details) => {
      if (details.type === 'Utility' && details.name === SERVICE_NAME) reason = details.reason;
    };
    app.on('child-process-gone', gone);
    child.on('message', onMessage);
    child.on('exit', (code) => {
      setTimeout(() => {
        app.off('child-process-gone', gone);
        const exit: WorkerExit = { code, signal: null, reason };
        onExit(exit);
      }, REASON_GRACE_MS);
    });
    return {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (child.pid === undefined) throw new Error('the engine process is not running');
        child.postMessage(message);
      },
      kill() {
        child.kill();
      },
    };
  };
}
