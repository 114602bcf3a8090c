/**
 * The page's side of the exercise sandbox: a hidden iframe sandboxed to an opaque origin
 * (exercise-frame.html, with its own policy that lets nothing connect) in which each job runs in
 * a fresh Worker. Learner code never runs on this page: it cannot reach the app's API, the
 * engine or the files; the frame terminates a job that runs past its time limit.
 */
import workerSource from 'virtual:exercise-worker';
import type { WorkerJob, WorkerReply } from '../sandbox/exercise-worker';
import { timeLimitMessage } from '../../src-engine/exercises/learner-call';

/** A check's time limit; a training run's limit is per epoch (each progress message restarts it). */
export const CHECK_LIMIT_MS = 5000;
export const EPOCH_LIMIT_MS = 60000;

type Reply = WorkerReply | { type: 'timeout'; limitMs: number };

export class ExerciseSandbox {
  private frame: HTMLIFrameElement | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: WorkerReply) => void; onProgress?: (r: WorkerReply) => void }>();
  private readonly onMessage = (e: MessageEvent) => this.receive(e);

  /** Run a job in a fresh Worker; a time limit or a crash becomes a `failed` reply, never a throw. */
  async run(job: WorkerJob, limitMs: number, onProgress?: (r: WorkerReply) => void): Promise<WorkerReply> {
    await this.open();
    const id = this.nextId++;
    // NOTE: one job at a time: the frame stops the Worker of an earlier job when a new one comes.
    for (const [old, p] of this.pending) {
      this.pending.delete(old);
      p.resolve({ type: 'failed', error: 'Stopped: another run started.' });
    }
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, onProgress });
      this.frame!.contentWindow!.postMessage({ id, source: workerSource, job, limitMs }, '*');
    });
  }

  dispose(): void {
    window.removeEventListener('message', this.onMessage);
    this.frame?.remove();
    this.frame = null;
    this.ready = null;
  }

  private open(): Promise<void> {
    if (this.ready) return this.ready;
    this.ready = new Promise((resolve, reject) => {
      const frame = document.createElement('iframe');
      // NOTE: allow-scripts without allow-same-origin: the frame's origin is opaque, so it shares
      // nothing with the app (no cookies, storage or DOM) and every request it made would be cross-origin.
      frame.setAttribute('sandbox', 'allow-scripts');
      frame.setAttribute('referrerpolicy', 'no-referrer');
      frame.setAttribute('aria-hidden', 'true');
      frame.tabIndex = -1;
      frame.className = 'exercise-sandbox';
      frame.src = 'exercise-frame.html';
      const timer = setTimeout(() => reject(new Error('The exercise sandbox did not start (exercise-frame.html could not be loaded).')), 10000);
      const onReady = (e: MessageEvent) => {
        if (e.source !== frame.contentWindow || (e.data as { type?: string })?.type !== 'ready') return;
        clearTimeout(timer);
        window.removeEventListener('message', onReady);
        resolve();
      };
      window.addEventListener('message', onReady);
      window.addEventListener('message', this.onMessage);
      this.frame = frame;
      document.body.append(frame);
    });
    this.ready.catch(() => (this.ready = null));
    return this.ready;
  }

  private receive(e: MessageEvent): void {
    if (!this.frame || e.source !== this.frame.contentWindow) return;
    const data = e.data as ({ id?: unknown } & Reply) | null;
    if (!data || typeof data.id !== 'number') return;
    const p = this.pending.get(data.id);
    if (!p) return;
    if (data.type === 'progress') return p.onProgress?.(data);
    this.pending.delete(data.id);
    p.resolve(data.type === 'timeout' ? { type: 'failed', error: timeLimitMessage(data.limitMs) } : data);
  }
}
