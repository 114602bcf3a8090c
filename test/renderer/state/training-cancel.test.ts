import { describe, expect, it } from 'vitest';
import type { TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import type { ApiEvent, ScratchnetApi } from '../../../src-main/host/api-contract';
import { TrainingSession } from '../../../src-renderer/state/training.svelte';

const huge: TrainConfig = { ...DEFAULT_CONFIG, hidden: Array(8).fill(4096) };

/** An API whose training:start waits until the host cancels it, as the real host does. */
function stuckEngine() {
  const listeners = new Set<(e: ApiEvent) => void>();
  const calls: string[] = [];
  let rejectStart: (error: Error) => void = () => {};
  const api: ScratchnetApi = {
    mode: 'browser',
    async call(name) {
      calls.push(name);
      if (name === 'training:start') return new Promise((_resolve, reject) => (rejectStart = reject)) as never;
      if (name === 'training:cancel') {
        // the host's order: the restart event first, then the start's rejection, then this reply
        listeners.forEach((l) => l({ type: 'engine:stopped', message: 'The engine was restarted to cancel what it was doing. Your last saved epoch is safe.', restarted: true, recoverable: false }));
        rejectStart(new Error('Cancelled: the engine was restarted before it answered train:start.'));
        return { cancelled: true } as never;
      }
      throw new Error(`unexpected ${name}`);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return { api, calls };
}

describe('TrainingSession: cancelling a start', () => {
  it('Stop while starting asks the host to cancel; the session ends stopped, with no error', async () => {
    const { api, calls } = stuckEngine();
    const session = new TrainingSession(api, () => 0);
    const starting = session.start(huge);
    expect(session.state).toBe('starting');
    await session.stop();
    await starting;
    expect(calls).toEqual(['training:start', 'training:cancel']);
    expect(session.state).toBe('stopped');
    expect(session.error).toBeNull();
    expect(session.active).toBe(false);
  });
});
