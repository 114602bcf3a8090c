import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

const app = new EventEmitter();
const forked: (EventEmitter & { pid: number; postMessage: (m: unknown) => void; kill: () => void; entry: string; options: unknown })[] = [];
vi.mock('electron', () => ({
  app,
  utilityProcess: {
    fork: (entry: string, _args: string[], options: unknown) => {
      const child = Object.assign(new EventEmitter(), { pid: 4242, postMessage: vi.fn(), kill: vi.fn(), entry, options });
      forked.push(child);
      return child;
    },
  },
}));

const { utilitySpawner } = await import('../../../src-main/desktop/spawn-utility');
const { describeExit } = await import('../../../src-main/host/engine-host');

describe('the utility-process spawner', () => {
  it('forks the built worker as a named utility process and relays its messages', () => {
    const messages: unknown[] = [];
    const handle = utilitySpawner('/app/out/main/engine-worker.js')({ onMessage: (m) => messages.push(m), onExit: () => {} });
    expect(forked[0].entry).toBe('/app/out/main/engine-worker.js');
    expect(forked[0].options).toMatchObject({ serviceName: 'Scratchnet engine' });
    forked[0].emit('message', { kind: 'event', event: { type: 'error', message: 'x' } });
    expect(messages).toHaveLength(1);
    handle.send({ kind: 'request', id: 1, call: 'train:pause', args: {} });
    expect(forked[0].postMessage).toHaveBeenCalledWith({ kind: 'request', id: 1, call: 'train:pause', args: {} });
  });

  it('reports an out-of-memory death as such, from Electron\'s child-process-gone details', async () => {
    const exit = new Promise<{ code: number | null; signal: string | null; reason?: string }>((resolve) =>
      utilitySpawner('/w.js')({ onMessage: () => {}, onExit: resolve }),
    );
    const child = forked.at(-1)!;
    child.emit('exit', 133);
    app.emit('child-process-gone', {}, { type: 'Utility', name: 'Scratchnet engine', reason: 'oom', exitCode: 133 });
    const e = await exit;
    expect(e).toEqual({ code: 133, signal: null, reason: 'oom' });
    expect(describeExit(e)).toBe('out of memory');
    expect(app.listenerCount('child-process-gone')).toBe(1); // the first spawner's listener only
  });
});
