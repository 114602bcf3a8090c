import { describe, expect, it, vi } from 'vitest';
import { EngineHost, describeExit, type HostEvent } from '../../../src-main/host/engine-host';
import { fakeSpawner } from './fake-spawner';

const quiet = { log: () => {} };

describe('EngineHost with a fake worker', () => {
  it('matches replies to calls by id, whatever order they come in', async () => {
    const { spawn, workers } = fakeSpawner();
    const host = new EngineHost(spawn, quiet);
    const pause = host.call('train:pause', {});
    const stop = host.call('train:stop', {});
    const [a, b] = workers[0].sent;
    expect([a.call, b.call]).toEqual(['train:pause', 'train:stop']);
    expect(a.id).not.toBe(b.id);
    workers[0].emit({ kind: 'reply', id: b.id, ok: true, result: { state: 'stopped' } });
    workers[0].emit({ kind: 'reply', id: a.id, ok: false, error: 'nothing is training' });
    await expect(stop).resolves.toEqual({ state: 'stopped' });
    await expect(pause).rejects.toThrow('nothing is training');
  });

  it('rejects a call the worker never answers, with the call named', async () => {
    vi.useFakeTimers();
    try {
      const { spawn } = fakeSpawner();
      const host = new EngineHost(spawn, { ...quiet, timeoutMs: 5000 });
      const call = host.call('dataset:info', { source: { kind: 'mnist' } });
      const seen = expect(call).rejects.toThrow('The engine did not answer dataset:info within 5 s, so it was restarted.');
      vi.advanceTimersByTime(5001);
      await seen;
    } finally {
      vi.useRealTimers();
    }
  });

  it('restarts a worker that does not answer in time, through the crash path', async () => {
    vi.useFakeTimers();
    try {
      const { spawn, workers } = fakeSpawner();
      const host = new EngineHost(spawn, { ...quiet, timeoutMs: 120_000 });
      const crashes: { message: string; restarted: boolean }[] = [];
      host.onEvent((e) => e.type === 'worker:crashed' && crashes.push({ message: e.message, restarted: e.restarted }));
      const start = host.call('train:start', {} as never);
      const pause = host.call('train:pause', {}, 200_000);
      const seenStart = expect(start).rejects.toThrow('The engine did not answer train:start within 120 s, so it was restarted.');
      const seenPause = expect(pause).rejects.toThrow('The engine stopped unexpectedly (it stopped answering) before it answered train:pause.');
      vi.advanceTimersByTime(120_001);
      await seenStart;
      await seenPause;
      expect(workers[0].killed).toBe(true);
      expect(workers).toHaveLength(2);
      expect(crashes).toEqual([
        { message: 'The engine stopped unexpectedly (it stopped answering). Your last saved epoch is safe; a fresh engine has been started.', restarted: true },
      ]);
      // the old worker's late exit and messages change nothing
      workers[0].die({ code: null, signal: 'SIGTERM' });
      expect(crashes).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('cancel: restarts a busy worker on request, rejects what it was doing as cancelled, and is not counted as a crash', async () => {
    const { spawn, workers } = fakeSpawner();
    const host = new EngineHost(spawn, { ...quiet, maxCrashes: 0 });
    const events: HostEvent[] = [];
    host.onEvent((e) => events.push(e));
    expect(host.cancel()).toBe(false);
    const start = host.call('train:start', {} as never);
    expect(host.cancel()).toBe(true);
    await expect(start).rejects.toThrow('Cancelled: the engine was restarted before it answered train:start.');
    expect(workers[0].killed).toBe(true);
    expect(events).toEqual([
      {
        type: 'worker:crashed',
        message: 'The engine was restarted to cancel what it was doing. Your last saved epoch is safe.',
        exit: { code: null, signal: null, reason: 'cancelled' },
        restarted: true,
      },
    ]);
    expect(host.running).toBe(true);
  });

  it('refuses malformed messages from the worker and passes sound events on', () => {
    const { spawn, workers } = fakeSpawner();
    const lines: string[] = [];
    const host = new EngineHost(spawn, { log: (l) => lines.push(l) });
    const events: string[] = [];
    host.onEvent((e) => events.push(e.type));
    host.start();
    const w = workers[0];
    w.emit('hello');
    w.emit({ kind: 'reply', id: 'x', ok: true });
    w.emit({ kind: 'event', event: { type: 'explode' } });
    w.emit({ kind: 'event', event: { type: 'batch', losses: [1, 2] } });
    w.emit({ kind: 'event', event: { type: 'state', runId: 1, state: 'training' } });
    expect(events).toEqual(['state']);
    expect(lines).toEqual([
      'refused a message from the engine: expected an object, got string',
      'refused a message from the engine: reply without an integer id',
      'refused a message from the engine: event of unknown type "explode"',
      'refused a message from the engine: batch event whose losses are not a Float64Array',
    ]);
  });

  it('when the worker dies: rejects pending calls plainly, tells listeners, starts a fresh worker that answers', async () => {
    const { spawn, workers } = fakeSpawner();
    const host = new EngineHost(spawn, quiet);
    const crashes: string[] = [];
    host.onEvent((e) => e.type === 'worker:crashed' && crashes.push(e.message));
    const pending = host.call('train:start', {} as never);
    workers[0].die({ code: null, signal: 'SIGKILL' });
    await expect(pending).rejects.toThrow('The engine stopped unexpectedly (killed by signal SIGKILL) before it answered train:start.');
    expect(crashes).toEqual([
      'The engine stopped unexpectedly (killed by signal SIGKILL). Your last saved epoch is safe; a fresh engine has been started.',
    ]);
    expect(workers).toHaveLength(2);
    const after = host.call('train:pause', {});
    workers[1].emit({ kind: 'reply', id: workers[1].sent[0].id, ok: true, result: { state: 'idle' } });
    await expect(after).resolves.toEqual({ state: 'idle' });
  });

  it('gives a restarted worker the thread count that was set, before anything else', async () => {
    const { spawn, workers } = fakeSpawner();
    const host = new EngineHost(spawn, quiet);
    const set = host.call('engine:set-threads', { threads: 1 });
    workers[0].emit({ kind: 'reply', id: workers[0].sent[0].id, ok: true, result: { name: 'wasm-relaxed-simd', threads: 1, maxThreads: 2 } });
    await set;
    workers[0].die({ code: null, signal: 'SIGKILL' });
    void host.call('train:pause', {}).catch(() => undefined);
    expect(workers[1].sent.map((m) => [m.call, m.args])).toEqual([['engine:set-threads', { threads: 1 }], ['train:pause', {}]]);
    host.dispose();
  });

  it('ignores messages from a worker that has been replaced', () => {
    const { spawn, workers } = fakeSpawner();
    const host = new EngineHost(spawn, quiet);
    const events: unknown[] = [];
    host.onEvent((e) => events.push(e));
    host.start();
    workers[0].die({ code: 1, signal: null });
    events.length = 0;
    workers[0].emit({ kind: 'event', event: { type: 'error', message: 'ghost' } });
    expect(events).toEqual([]);
  });

  it('stops restarting after repeated crashes, and a later call tries again', async () => {
    const { spawn, workers } = fakeSpawner();
    const host = new EngineHost(spawn, { ...quiet, maxCrashes: 2 });
    const restarted: boolean[] = [];
    host.onEvent((e) => e.type === 'worker:crashed' && restarted.push(e.restarted));
    host.start();
    for (let i = 0; i < 3; i++) workers.at(-1)!.die({ code: 134, signal: null });
    expect(restarted).toEqual([true, true, false]);
    expect(host.running).toBe(false);
    void host.call('train:pause', {}).catch(() => {});
    expect(workers).toHaveLength(4);
  });

  it('a deliberate shutdown is not a crash', async () => {
    const { spawn, workers } = fakeSpawner();
    const host = new EngineHost(spawn, quiet);
    const events: unknown[] = [];
    host.onEvent((e) => events.push(e));
    const pending = host.call('train:pause', {});
    host.dispose();
    workers[0].die({ code: null, signal: 'SIGTERM' });
    await expect(pending).rejects.toThrow('The engine has been shut down.');
    expect(workers[0].killed).toBe(true);
    expect(events).toEqual([]);
    await expect(host.call('train:pause', {})).rejects.toThrow('The engine has been shut down.');
  });

  it('describes exits in plain words', () => {
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('killed by signal SIGKILL');
    expect(describeExit({ code: 9, signal: null, reason: 'oom' })).toBe('out of memory');
    expect(describeExit({ code: 3, signal: null })).toBe('exit code 3');
    expect(describeExit({ code: 0, signal: null })).toBe('it exited without being asked to');
  });
});
