/**
 * The engine host with the real worker in a real child process: a worker that misses a call's
 * deadline is ended and replaced (issue 15, item 4), and so is one whose work is cancelled.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHost, type HostEvent } from '../../../src-main/host/engine-host';
import { childSpawner } from '../../../src-main/web/spawn-child';

const WORKER = path.resolve(import.meta.dirname, '../../../src-engine/worker.ts');

let host: EngineHost | null = null;
afterEach(() => host?.dispose());

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && running(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !running(pid);
}

function realHost(): { host: EngineHost; crashes: HostEvent[] } {
  const h = new EngineHost(childSpawner(WORKER, { execArgv: ['--import', 'tsx'] }), { log: () => {} });
  host = h;
  const crashes: HostEvent[] = [];
  h.onEvent((e) => e.type === 'worker:crashed' && crashes.push(e));
  return { host: h, crashes };
}

describe('EngineHost restarts the real worker', () => {
  it('when it misses a deadline: the process is ended, a fresh one answers', async () => {
    const { host, crashes } = realHost();
    await host.call('engine:kernels', {});
    const first = host.pid!;
    // NOTE: loading the bundled MNIST takes the worker far longer than 1 ms
    await expect(host.call('dataset:info', { source: { kind: 'mnist' } }, 1)).rejects.toThrow('The engine did not answer dataset:info within 0 s, so it was restarted.');
    expect(crashes).toMatchObject([{ type: 'worker:crashed', restarted: true, message: expect.stringContaining('(it stopped answering)') }]);
    expect(await gone(first)).toBe(true);
    expect(host.pid).not.toBe(first);
    expect((await host.call('engine:kernels', {})).threads).toBeGreaterThanOrEqual(1);
  });

  it('when its work is cancelled: the call is rejected as cancelled, the process ended, a fresh one answers', async () => {
    const { host, crashes } = realHost();
    await host.call('engine:kernels', {});
    const first = host.pid!;
    const loading = host.call('dataset:info', { source: { kind: 'mnist' } });
    expect(host.cancel()).toBe(true);
    await expect(loading).rejects.toThrow('Cancelled: the engine was restarted before it answered dataset:info.');
    expect(crashes).toMatchObject([{ type: 'worker:crashed', restarted: true, exit: { reason: 'cancelled' } }]);
    expect(await gone(first)).toBe(true);
    expect((await host.call('engine:kernels', {})).threads).toBeGreaterThanOrEqual(1);
  });

  it('gives a worker killed with SIGKILL the settings last accepted, not one the engine refused', async () => {
    const { host, crashes } = realHost();
    const { maxThreads, threads: initial } = await host.call('engine:kernels', {});
    // the last accepted count differs from the one a fresh worker starts on, where the machine allows two
    const chosen = maxThreads > 1 && initial !== 1 ? 1 : maxThreads;
    if (chosen !== maxThreads) await host.call('engine:set-threads', { threads: maxThreads });
    await host.call('engine:set-threads', { threads: chosen });
    await expect(host.call('engine:set-threads', { threads: maxThreads + 1 })).rejects.toThrow('the thread count must be a whole number');
    const first = host.pid!;
    process.kill(first, 'SIGKILL');
    expect(await gone(first)).toBe(true);
    for (let i = 0; i < 100 && crashes.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(crashes).toMatchObject([{ type: 'worker:crashed', restarted: true, exit: { signal: 'SIGKILL' } }]);
    expect(host.pid).not.toBe(first);
    expect(await host.call('engine:kernels', {})).toMatchObject({ threads: chosen, maxThreads });
  });
});
