/** An in-process stand-in for the engine worker, driven by the test. */
import type { RequestMessage } from '../../../src-engine/protocol';
import type { Spawner, WorkerExit } from '../../../src-main/host/engine-host';

export interface FakeWorker {
  pid: number;
  sent: RequestMessage[];
  killed: boolean;
  /** Deliver a raw message to the host as if the worker sent it. */
  emit(message: unknown): void;
  /** End the worker as if it died. */
  die(exit: WorkerExit): void;
}

/** A spawner that records every fake worker it starts. */
export function fakeSpawner(): { spawn: Spawner; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  const spawn: Spawner = ({ onMessage, onExit }) => {
    const w: FakeWorker = {
      pid: 1000 + workers.length,
      sent: [],
      killed: false,
      emit: (m) => onMessage(m),
      die: (exit) => onExit(exit),
    };
    workers.push(w);
    return {
      get pid() {
        return w.pid;
      },
      send(message) {
        if (w.killed) throw new Error('the fake worker is gone');
        w.sent.push(message);
      },
      kill() {
        w.killed = true;
      },
    };
  };
  return { spawn, workers };
}
