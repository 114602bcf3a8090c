import { describe, expect, it } from 'vitest';
import { LatestOnly } from '../../../src-renderer/lib/latest-only';

/** A request whose replies the test releases by hand. */
function manual() {
  const calls: { input: number; resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const run = (input: number) => new Promise<string>((resolve, reject) => calls.push({ input, resolve, reject }));
  return { calls, run };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('one request in flight, newest waiting', () => {
  it('sends the first input at once, drops the middle ones, and sends the newest when the reply comes', async () => {
    const m = manual();
    const results: string[] = [];
    const q = new LatestOnly(m.run, (r) => r.ok && results.push(r.value));
    q.push(1);
    q.push(2);
    q.push(3);
    expect(m.calls.map((c) => c.input)).toEqual([1]);
    expect(q.busy).toBe(true);
    m.calls[0].resolve('one');
    await tick();
    expect(m.calls.map((c) => c.input)).toEqual([1, 3]);
    m.calls[1].resolve('three');
    await tick();
    expect(results).toEqual(['one', 'three']);
    expect(q.busy).toBe(false);
  });

  it('reports an error and carries on with the next input', async () => {
    const m = manual();
    const seen: string[] = [];
    const q = new LatestOnly(m.run, (r) => seen.push(r.ok ? r.value : (r.error as Error).message));
    q.push(1);
    q.push(2);
    m.calls[0].reject(new Error('engine restarted'));
    await tick();
    m.calls[1].resolve('two');
    await tick();
    expect(seen).toEqual(['engine restarted', 'two']);
  });

  it('forgets the waiting input when dropped, and measures how long each request took', async () => {
    const m = manual();
    let t = 0;
    const ms: number[] = [];
    const q = new LatestOnly(m.run, (r) => r.ok && ms.push(r.ms), () => t);
    q.push(1);
    q.push(2);
    q.drop();
    t = 7;
    m.calls[0].resolve('one');
    await tick();
    expect(m.calls).toHaveLength(1);
    expect(ms).toEqual([7]);
  });
});
