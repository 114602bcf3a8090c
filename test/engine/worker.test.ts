import { type ChildProcess, fork } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkerMessage } from '../../src-engine/protocol';

/** The real worker entry in a child process, as the host forks it (typed arrays survive). */
const worker: ChildProcess = fork('src-engine/worker.ts', [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: 'pipe' });
const next = () => new Promise<WorkerMessage>((resolve) => worker.once('message', (m) => resolve(m as WorkerMessage)));

afterAll(() => {
  worker.kill();
});

describe('engine worker process', () => {
  it('answers a malformed request that has an id, so its caller never waits for a timeout', async () => {
    const reply = next();
    worker.send({ kind: 'request', id: 7, call: 42 });
    expect(await reply).toEqual({ kind: 'reply', id: 7, ok: false, error: 'the engine received a malformed message and ignored it' });
  });

  it('reports a message without an id as an error event', async () => {
    const event = next();
    worker.send({ hello: 'world' });
    expect(await event).toEqual({ kind: 'event', event: { type: 'error', message: 'the engine received a malformed message and ignored it' } });
  });

  it('answers an unknown call and a bad argument with a plain message', async () => {
    let reply = next();
    worker.send({ kind: 'request', id: 8, call: 'model:explode', args: {} });
    expect(await reply).toEqual({ kind: 'reply', id: 8, ok: false, error: 'unknown engine call "model:explode"' });
    reply = next();
    worker.send({ kind: 'request', id: 9, call: 'model:predict', args: { pixels: 'abc' } });
    expect(await reply).toEqual({ kind: 'reply', id: 9, ok: false, error: 'there is no model yet: train one or open a file' });
  });
});
