/**
 * The engine worker: the process entry that speaks the engine protocol. It runs as an Electron
 * utility process (messages on process.parentPort) or a Node child process forked with
 * serialization 'advanced' (process.send), so typed arrays cross as typed arrays either way.
 */
import { loadDataset } from './node/dataset-files';
import { appVersion } from './node/app-version';
import { kernelsControl, useBackend } from './node/backend';
import { exitWhenFlushed } from './node/exit';
import { freeMemory } from './node/free-memory';
import { sendPacer } from './node/send-pacer';
import type { EngineCallName, RequestMessage, WorkerMessage } from './protocol';
import { EngineService } from './service/engine-service';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

// NOTE: a utility process's port is not written between slices as a pipe is; it needs no pacing
const pacer = parentPort ? null : sendPacer((message, written) => process.send?.(message, undefined, undefined, () => written()));

function post(message: WorkerMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else pacer?.post(message);
}

const service = new EngineService({
  loadDataset,
  clock: () => performance.now(),
  now: () => new Date().toISOString(),
  defer: (fn) => (pacer ? pacer.defer(fn) : setImmediate(fn)),
  emit: (event) => post({ kind: 'event', event }),
  appVersion: appVersion(),
  kernels: kernelsControl,
  freeMemory: () => freeMemory(),
});

function isRequest(m: unknown): m is RequestMessage {
  const r = m as RequestMessage;
  return typeof r === 'object' && r !== null && r.kind === 'request' && Number.isInteger(r.id) && typeof r.call === 'string';
}

function onMessage(m: unknown): void {
  if (!isRequest(m)) {
    const id = (m as { id?: unknown } | null)?.id;
    const message = 'the engine received a malformed message and ignored it';
    // a caller that gave an id is waiting for a reply: answer it rather than let it time out
    if (typeof id === 'number' && Number.isInteger(id)) post({ kind: 'reply', id, ok: false, error: message });
    else post({ kind: 'event', event: { type: 'error', message } });
    return;
  }
  try {
    const result = service.handle(m.call as EngineCallName, m.args);
    post({ kind: 'reply', id: m.id, ok: true, result });
  } catch (e) {
    post({ kind: 'reply', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

// Messages wait (in order) until the fastest kernels are installed; that takes milliseconds.
const kernelsReady = useBackend().catch((e: unknown) => {
  post({ kind: 'event', event: { type: 'error', message: `fast kernels unavailable, using the TypeScript ones: ${e instanceof Error ? e.message : String(e)}` } });
});
const receive = (m: unknown) => void kernelsReady.then(() => onMessage(m));

if (parentPort) parentPort.on('message', (e) => receive(e.data));
else if (process.send) process.on('message', receive);
else {
  process.stderr.write('the engine worker must be started by Scratchnet (as a utility or child process)\n');
  void exitWhenFlushed(2);
}
// A parent that goes away takes the worker with it. NOTE: a bare exit is right here: nobody is
// left to read what the worker would still send.
process.on('disconnect', () => process.exit(0));
// NOTE: Ctrl+C in a terminal signals the whole process group, this worker with its host. The host
// then stops the run and saves the step it reached before it ends the engine; dying here at once
// would leave only the last epoch's checkpoint on disk.
process.on('SIGINT', () => undefined);
