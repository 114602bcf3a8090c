import { describe, expect, it } from 'vitest';
import { EngineSettings } from '../../../src-renderer/state/engine.svelte';
import { fakeApi } from '../fake-api';

const two = { name: 'wasm-relaxed-simd-2t', threads: 2, maxThreads: 2 };
const one = { name: 'wasm-relaxed-simd', threads: 1, maxThreads: 2 };

/** A Storage with one saved value. */
function storage(saved: string | null) {
  const items = new Map<string, string>(saved === null ? [] : [['scratchnet.threads', saved]]);
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe('engine settings', () => {
  it('gives the engine the thread count remembered on this machine when it starts', async () => {
    const api = fakeApi({ 'engine:kernels': two, 'engine:set-threads': one });
    const engine = new EngineSettings(api, storage('1'));
    await engine.load();
    expect(api.calls.map((c) => [c.name, c.args])).toEqual([['engine:kernels', {}], ['engine:set-threads', { threads: 1 }]]);
    expect(engine.kernels).toEqual(one);
  });

  it('ignores a remembered count that this machine cannot run, or that is already set', async () => {
    for (const saved of ['4', '0', 'x', '2', null]) {
      const api = fakeApi({ 'engine:kernels': two, 'engine:set-threads': one });
      await new EngineSettings(api, storage(saved)).load();
      expect(api.calls.map((c) => c.name)).toEqual(['engine:kernels']);
    }
  });

  it('remembers a count the engine took, and shows the engine\'s refusal of one it did not', async () => {
    const store = storage(null);
    const api = fakeApi({ 'engine:kernels': two, 'engine:set-threads': new Error('stop the run before changing the thread count (results are the same with any count)') });
    const engine = new EngineSettings(api, store);
    await engine.load();
    await engine.setThreads(1);
    expect(engine.error).toBe('stop the run before changing the thread count (results are the same with any count)');
    expect(engine.kernels).toEqual(two);
    expect(store.items.has('scratchnet.threads')).toBe(false);
    expect(engine.busy).toBe(false);

    const ok = fakeApi({ 'engine:kernels': two, 'engine:set-threads': one });
    const later = new EngineSettings(ok, store);
    await later.setThreads(1);
    expect(store.items.get('scratchnet.threads')).toBe('1');
    expect(later.error).toBeNull();
  });

  it('asks again what a restarted engine runs, and clears the error the crash left', async () => {
    const api = fakeApi({ 'engine:kernels': two, 'engine:set-threads': new Error('The engine stopped unexpectedly (killed by signal SIGKILL) before it answered engine:set-threads.') });
    const engine = new EngineSettings(api, null);
    await engine.load();
    await engine.setThreads(1);
    expect(engine.error).toContain('stopped unexpectedly');
    api.emit({ type: 'engine:stopped', message: 'crashed', restarted: true, recoverable: false });
    await new Promise((r) => setTimeout(r, 0));
    expect(engine.kernels).toEqual(two);
    expect(engine.error).toBeNull();
  });

  it('loads again, remembered count included, when the engine crashed before it ever answered', async () => {
    const answers: Record<string, unknown> = { 'engine:kernels': new Error('The engine stopped unexpectedly before it answered engine:kernels.'), 'engine:set-threads': one };
    const api = fakeApi(answers as never);
    const engine = new EngineSettings(api, storage('1'));
    await engine.load();
    expect(engine.kernels).toBeNull();
    answers['engine:kernels'] = two;
    api.emit({ type: 'engine:stopped', message: 'crashed', restarted: true, recoverable: false });
    await new Promise((r) => setTimeout(r, 0));
    expect(api.calls.map((c) => c.name)).toEqual(['engine:kernels', 'engine:kernels', 'engine:set-threads']);
    expect(engine.kernels).toEqual(one);
    expect(engine.error).toBeNull();
  });
});
