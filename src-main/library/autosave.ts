/**
 * Autosave: every checkpoint the engine emits (each epoch end, pause, stop, the end of a run, and
 * the last good weights when training diverges) is written atomically into the models folder
 * under the run's name, so no crash loses more than the current epoch. A new run gets a name
 * from its dataset, layer sizes and start time; a continued model keeps writing its own file.
 */
import { layerSizes } from '../../src-engine/architecture';
import type { ModelInfo } from '../../src-engine/protocol';
import type { CheckpointStore } from './checkpoint-store';
import type { HostEvent } from '../host/engine-host';
import { runModelName, uniqueModelName } from './model-names';

/** Why the engine wrote a checkpoint. */
export type CheckpointReason = 'epoch' | 'pause' | 'stop' | 'done';

/** Hooks and the clock of an Autosaver. */
export interface AutosaveOptions {
  /** The clock that stamps run names (tests fix it). */
  now?: () => Date;
  /** A checkpoint was written. */
  onSaved?: (saved: { runId: number; name: string; reason: CheckpointReason; info: ModelInfo }) => void;
  /** A checkpoint could not be written (disk full, folder removed...): a sentence for the person. */
  onError?: (message: string) => void;
}

/** Where a stopped run was saved: the model and the exact epoch and step its file holds. */
export interface StopSave {
  name: string;
  epoch: number;
  step: number;
}

interface Run {
  started: Date;
  /** null until the first checkpoint names it. */
  name: string | null;
}

/** Writes the engine's checkpoints into the store and knows whether a run is going. */
export class Autosaver {
  private readonly runs = new Map<number, Run>();
  /** The start in flight (one at a time) and the model its run is to write. */
  private starting: { name: string | null } | null = null;
  private startQueue: Promise<unknown> = Promise.resolve();
  private activeRun: number | null = null;
  /** The run that was going when the engine crashed (a recovery continues its model). */
  private crashed: Run | null = null;
  private queue: Promise<void> = Promise.resolve();
  private last: string | null = null;
  private lastStop: StopSave | null = null;

  constructor(
    private readonly store: CheckpointStore,
    private readonly options: AutosaveOptions = {},
  ) {}

  /** Whether a run is training or paused (quitting then offers to stop it). */
  get running(): boolean {
    return this.activeRun !== null;
  }

  /** The model the going run writes (null before its first checkpoint or when nothing runs). */
  get activeName(): string | null {
    return this.activeRun === null ? null : (this.runs.get(this.activeRun)?.name ?? null);
  }

  /** The model written last (quitting names it). */
  get lastName(): string | null {
    return this.last;
  }

  /** The last stop checkpoint written (null before any). */
  get lastStopSave(): StopSave | null {
    return this.lastStop;
  }

  /**
   * Start a run with `start` (the engine's train:start) and make its checkpoints write the model
   * `name` (Continue training, recovery), or a fresh model when null.
   * NOTE: starts go one at a time: the engine announces a new run (its first 'state' event) before
   * it replies, so a run first seen while a start is in flight is that start's, and a concurrent
   * plain start can never take the name another request asked for.
   */
  startRun<R extends { runId: number }>(name: string | null, start: () => Promise<R>): Promise<R> {
    const run = this.startQueue.then(async () => {
      this.starting = { name };
      try {
        const result = await start();
        const known = this.runs.get(result.runId);
        if (!known) this.runs.set(result.runId, { started: this.now(), name });
        return result;
      } finally {
        this.starting = null;
      }
    });
    this.startQueue = run.catch(() => undefined);
    return run;
  }

  /** The model the run a crash ended was writing (null when none was going or it had no checkpoint yet). */
  async crashedName(): Promise<string | null> {
    await this.flush();
    return this.crashed?.name ?? null;
  }

  /** The library renamed a model: a later recovery keeps writing it under its new name. */
  renamed(from: string, to: string): void {
    if (this.last === from) this.last = to;
    for (const run of [...this.runs.values(), this.crashed]) if (run?.name === from) run.name = to;
  }

  /** Resolves once every checkpoint received so far is on disk (or has failed). */
  flush(): Promise<void> {
    return this.queue;
  }

  /** Feed one engine host event. */
  handle(event: HostEvent): void {
    switch (event.type) {
      case 'state': {
        if (!this.runs.has(event.runId)) {
          this.runs.set(event.runId, { started: this.now(), name: this.starting?.name ?? null });
          this.crashed = null;
        }
        const going = event.state === 'training' || event.state === 'paused';
        if (going) this.activeRun = event.runId;
        else if (this.activeRun === event.runId) this.activeRun = null;
        return;
      }
      case 'checkpoint': {
        const { runId, reason, bytes, info } = event;
        let run = this.runs.get(runId);
        if (!run) {
          run = { started: this.now(), name: null };
          this.runs.set(runId, run);
        }
        const target = run;
        this.queue = this.queue.then(() => this.write(runId, target, reason, bytes, info));
        return;
      }
      case 'worker:crashed':
        this.crashed = this.activeRun === null ? null : (this.runs.get(this.activeRun) ?? null);
        // NOTE: a fresh worker numbers its runs from 1 again.
        this.runs.clear();
        this.activeRun = null;
        return;
      default:
        return;
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async write(runId: number, run: Run, reason: CheckpointReason, bytes: Uint8Array, info: ModelInfo): Promise<void> {
    try {
      if (run.name === null) {
        const base = runModelName(info.datasetName, layerSizes(info.architecture), run.started);
        run.name = uniqueModelName(base, await this.store.names());
      }
      this.store.save(run.name, bytes);
      this.last = run.name;
      if (reason === 'stop') this.lastStop = { name: run.name, epoch: info.epoch, step: info.step };
      this.options.onSaved?.({ runId, name: run.name, reason, info });
    } catch (e) {
      const what = run.name ? `"${run.name}"` : 'the model';
      this.options.onError?.(`Could not save ${what} after ${describeReason(reason, info.epoch)}: ${(e as Error).message}`);
    }
  }
}

function describeReason(reason: CheckpointReason, epoch: number): string {
  if (reason === 'epoch' || reason === 'done') return `epoch ${epoch}`;
  return reason === 'pause' ? 'pausing' : 'stopping';
}

/**
 * Stop the going run and wait until its stop checkpoint is on disk (used before quitting).
 * Waits at most `timeoutMs` for each step: a hung engine still lets the app quit, and the last
 * epoch is on disk anyway. Returns where the stop checkpoint was written, or null when none was
 * (nothing was running, the engine died or hung, the disk refused): never the previous epoch's.
 */
export async function stopAndSave(engine: { call(name: 'train:stop', args: Record<string, never>): Promise<unknown> }, autosave: Autosaver, timeoutMs = 15_000): Promise<StopSave | null> {
  const within = (p: Promise<unknown>) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      p.catch(() => undefined).finally(() => (clearTimeout(timer), resolve()));
    });
  const before = autosave.lastStopSave;
  if (autosave.running) await within(engine.call('train:stop', {}));
  await within(autosave.flush());
  const saved = autosave.lastStopSave;
  return saved !== before ? saved : null;
}
