/**
 * Forks and supervises the engine worker. One host for both modes: only the spawner differs
 * (Electron's utilityProcess in the app, child_process.fork in browser mode and tests).
 * Calls carry ids and time out; events are passed on; when the worker dies unexpectedly the
 * pending calls are rejected with a plain message, listeners are told, and a fresh worker starts.
 * A worker that does not answer a call in time, or whose work the person cancels, is ended and
 * replaced the same way.
 */
import type { EngineCallName, EngineCalls, EngineEvent, RequestMessage } from '../../src-engine/protocol';
import { SettingsReplay } from './settings-replay';
import { parseWorkerMessage } from './worker-message';

/**
 * How a worker ended: an exit code, a signal, or a reason: one the platform knows (e.g. 'oom'),
 * or the host's own when it ended the worker ('unresponsive', 'cancelled').
 */
export interface WorkerExit {
  code: number | null;
  signal: string | null;
  reason?: string;
}

/** What the host needs from a running worker. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  /** Send a request; throws when the worker can no longer receive. */
  send(message: RequestMessage): void;
  /** End the worker on purpose. */
  kill(): void;
}

/** Starts one worker and reports its messages and its exit. */
export type Spawner = (hooks: { onMessage(message: unknown): void; onExit(exit: WorkerExit): void }) => WorkerHandle;

/** Told to listeners when the worker died; `restarted` is false after repeated crashes. */
export interface WorkerCrash {
  type: 'worker:crashed';
  message: string;
  exit: WorkerExit;
  restarted: boolean;
}

export type HostEvent = EngineEvent | WorkerCrash;

export interface EngineHostOptions {
  /** Default time a call may take before it is rejected (ms). */
  timeoutMs?: number;
  /** Per-call overrides, e.g. loading a large dataset. */
  callTimeoutsMs?: Partial<Record<EngineCallName, number>>;
  /** More crashes than this within `crashWindowMs` and the host stops restarting on its own. */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** Where refused messages and other trouble are reported (default console.warn). */
  log?: (line: string) => void;
}

interface Pending {
  call: EngineCallName;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** "killed by signal SIGKILL", "out of memory", "exit code 3" */
export function describeExit(exit: WorkerExit): string {
  if (exit.reason === 'oom') return 'out of memory';
  if (exit.reason === 'unresponsive') return 'it stopped answering';
  if (exit.reason === 'cancelled') return 'cancelled';
  if (exit.signal) return `killed by signal ${exit.signal}`;
  if (exit.reason === 'killed') return 'killed by another program or the system';
  if (exit.reason === 'crashed') return 'it crashed';
  if (exit.code !== null && exit.code !== 0) return `exit code ${exit.code}`;
  return 'it exited without being asked to';
}

/** The engine worker's supervisor and typed request/reply channel. */
export class EngineHost {
  private worker: WorkerHandle | null = null;
  private generation = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: HostEvent) => void>();
  private crashTimes: number[] = [];
  /** The settings the app made (e.g. the thread count), given again to every fresh worker. */
  private readonly settings = new SettingsReplay();
  private disposed = false;
  private readonly options: Required<Omit<EngineHostOptions, 'callTimeoutsMs'>> & Pick<EngineHostOptions, 'callTimeoutsMs'>;

  constructor(private readonly spawn: Spawner, options: EngineHostOptions = {}) {
    this.options = {
      timeoutMs: 120_000,
      maxCrashes: 3,
      crashWindowMs: 60_000,
      log: (line) => console.warn(`[engine-host] ${line}`),
      ...options,
    };
  }

  /** The worker's process id (undefined before it starts). */
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  /** Whether a worker is running. */
  get running(): boolean {
    return this.worker !== null;
  }

  /** Start the worker (calls start it too, when it is not running). */
  start(): void {
    if (this.disposed) throw new Error('the engine host has been shut down');
    if (this.worker) return;
    const generation = ++this.generation;
    this.worker = this.spawn({
      onMessage: (message) => {
        if (generation === this.generation) this.receive(message);
      },
      onExit: (exit) => {
        if (generation === this.generation) this.exited(exit);
      },
    });
    this.settings.replay((name, args) => this.send(name, args));
  }

  /** Send one request and wait for its typed reply. */
  call<K extends EngineCallName>(name: K, args: EngineCalls[K]['args'], timeoutMs?: number): Promise<EngineCalls[K]['result']> {
    const reply = this.send(name, args, timeoutMs);
    this.settings.record(name, args, reply);
    return reply;
  }

  private send<K extends EngineCallName>(name: K, args: EngineCalls[K]['args'], timeoutMs?: number): Promise<EngineCalls[K]['result']> {
    if (this.disposed) return Promise.reject(new Error('The engine has been shut down.'));
    this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    const limit = timeoutMs ?? this.options.callTimeoutsMs?.[name] ?? this.options.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`The engine did not answer ${name} within ${Math.round(limit / 1000)} s, so it was restarted.`));
        // NOTE: the worker handles one message at a time; one that misses its deadline is stuck
        // (e.g. allocating far more memory than the machine has) and would answer nothing else.
        this.replace('unresponsive');
      }, limit);
      this.pending.set(id, { call: name, resolve: resolve as (r: unknown) => void, reject, timer });
      try {
        worker.send({ kind: 'request', id, call: name, args });
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new Error(`Could not reach the engine: ${(error as Error).message}`));
      }
    });
  }

  /** Listen to engine events and crash reports; returns the function that stops listening. */
  onEvent(listener: (event: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * End the worker while it is busy with calls (the person cancelled them) and start a fresh one;
   * the calls are rejected as cancelled. False when no call is waiting.
   */
  cancel(): boolean {
    if (this.pending.size === 0 || !this.worker) return false;
    this.replace('cancelled');
    return true;
  }

  /** End the running worker on the host's own account; it then counts as exited with `reason`. */
  private replace(reason: 'unresponsive' | 'cancelled'): void {
    const worker = this.worker;
    if (!worker || this.disposed) return;
    this.generation++; // its late messages and exit are ignored from now on
    worker.kill();
    this.exited({ code: null, signal: null, reason });
  }

  /** Stop the worker for good and reject whatever is pending. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generation++;
    this.rejectAll(() => 'The engine has been shut down.');
    this.worker?.kill();
    this.worker = null;
  }

  private receive(raw: unknown): void {
    const message = parseWorkerMessage(raw);
    if (typeof message === 'string') {
      this.options.log(`refused a message from the engine: ${message}`);
      return;
    }
    if (message.kind === 'event') {
      this.emit(message.event);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return; // NOTE: a reply that arrives after its timeout is dropped.
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new Error(message.error));
  }

  private exited(exit: WorkerExit): void {
    this.worker = null;
    const what = describeExit(exit);
    if (exit.reason === 'cancelled') {
      this.rejectAll((call) => `Cancelled: the engine was restarted before it answered ${call}.`);
      try {
        this.start();
      } catch (error) {
        this.options.log(`could not start a fresh engine: ${(error as Error).message}`);
      }
      this.emit({ type: 'worker:crashed', message: 'The engine was restarted to cancel what it was doing. Your last saved epoch is safe.', exit, restarted: this.worker !== null });
      return;
    }
    this.rejectAll((call) => `The engine stopped unexpectedly (${what}) before it answered ${call}.`);
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < this.options.crashWindowMs), now];
    const restart = this.crashTimes.length <= this.options.maxCrashes;
    if (restart) {
      try {
        this.start();
      } catch (error) {
        this.options.log(`could not start a fresh engine: ${(error as Error).message}`);
      }
    }
    const message = restart && this.worker
      ? `The engine stopped unexpectedly (${what}). Your last saved epoch is safe; a fresh engine has been started.`
      : `The engine stopped unexpectedly (${what}) ${this.crashTimes.length} times in a minute, so it was not restarted ` +
        'automatically. Your last saved epoch is safe; starting a run will try again.';
    this.emit({ type: 'worker:crashed', message, exit, restarted: this.worker !== null });
  }

  private rejectAll(message: (call: EngineCallName) => string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(message(p.call)));
      this.pending.delete(id);
    }
  }

  private emit(event: HostEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.options.log(`an event listener failed: ${(error as Error).message}`);
      }
    }
  }
}
