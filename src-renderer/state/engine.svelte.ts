/**
 * The engine's kernels as the app shows them, and the thread count chosen for them: remembered
 * on this machine and given to the engine when the app starts (the host gives it again to an
 * engine restarted after a crash).
 */
import type { ApiEvent, ScratchnetApi } from '../../src-main/host/api-contract';
import type { KernelsInfo } from '../../src-engine/protocol';
import { isThreadCount } from '../../src-engine/service/thread-count';

const THREADS_KEY = 'scratchnet.threads';

export class EngineSettings {
  kernels = $state.raw<KernelsInfo | null>(null);
  /** A change is on its way to the engine. */
  busy = $state(false);
  error = $state<string | null>(null);
  private readonly stopListening: () => void;

  constructor(
    private readonly api: ScratchnetApi,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null,
  ) {
    this.stopListening = api.onEvent((e) => this.handle(e));
  }

  /** Ask the engine what it runs, and give it the remembered thread count if that differs. */
  async load(): Promise<void> {
    if (!(await this.refresh())) return;
    const saved = Number(this.storage?.getItem(THREADS_KEY));
    const k = this.kernels!;
    if (isThreadCount(saved, k.maxThreads) && saved !== k.threads) await this.setThreads(saved);
  }

  /** Ask the engine what it runs; false (and the error shown) when it cannot answer. */
  private async refresh(): Promise<boolean> {
    try {
      this.kernels = await this.api.call('engine:kernels', {});
      this.error = null;
      return true;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      return false;
    }
  }

  /** Run the kernels on `threads` threads from the next run on (results do not change). */
  async setThreads(threads: number): Promise<void> {
    this.busy = true;
    try {
      this.kernels = await this.api.call('engine:set-threads', { threads });
      this.storage?.setItem(THREADS_KEY, String(threads));
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }

  private handle(event: ApiEvent): void {
    if (event.type !== 'engine:stopped' || !event.restarted) return;
    // The host gave the restarted engine the chosen count: show what it runs. An engine that
    // never answered load() has not had the remembered count yet: load again.
    void (this.kernels ? this.refresh() : this.load());
  }

  dispose(): void {
    this.stopListening();
  }
}
