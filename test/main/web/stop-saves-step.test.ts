/**
 * Every way a run can be ended mid-epoch saves the exact step it reached, with the real
 * browser-mode host (out/main/web.js) and its real engine worker: Stop from a page, Ctrl+C in the
 * terminal (SIGINT to the whole process group, as a terminal sends it), SIGTERM, and the last
 * page going away. Continuing each saved file to the planned end gives, bit for bit, the model of
 * a run that was never stopped.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Checkpoint, decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import type { TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import type { ApiEvent, ScratchnetApi } from '../../../src-main/host/api-contract';
import { CheckpointStore } from '../../../src-main/library/checkpoint-store';
import { EngineHost, type HostEvent } from '../../../src-main/host/engine-host';
import { childSpawner } from '../../../src-main/web/spawn-child';
import { socketApi } from '../../../src-renderer/lib/api';
import { buildIfStale, ROOT } from '../../e2e/browser-mode';
import { checkpointEssence, tempDir } from '../library/model-fixtures';

const WORKER = path.resolve(import.meta.dirname, '../../../src-engine/worker.ts');
// NOTE: 5,000 steps an epoch (10,000 images, batch 2) of a tiny net: an end asked for early in
// the first epoch lands inside it however fast the kernels are.
const config: TrainConfig = { ...DEFAULT_CONFIG, limit: 10_000, hidden: [16], batch: 2, epochs: 2, seed: 11, optimizer: 'adam', lr: 0.001, momentum: 0, schedule: 'cosine' };
// NOTE: the host waits for a page to come back (a reload) before it stops the run: 5 s by
// default, longer than this whole run takes on a quiet machine (13,000 steps/s), so the test sets
// the wait to 100 ms, and gives the run 12 epochs so that it is still going when the wait ends.
const longConfig: TrainConfig = { ...config, epochs: 12 };
const SHORT_GRACE = { SCRATCHNET_PAGE_GRACE_MS: '100' };

const tmp = tempDir('scratchnet-stop-');
afterAll(() => tmp.cleanup());
beforeAll(() => buildIfStale(), 240_000);

interface Host {
  pid: number;
  output(): string;
  exited: Promise<void>;
  api: ScratchnetApi;
  socket: { close(): void };
  store: CheckpointStore;
}

/** Browser mode in its own process group (as a terminal runs it), and a page's API over its socket. */
async function startHost(name: string, env: NodeJS.ProcessEnv = {}): Promise<Host> {
  const dataDir = path.join(tmp.dir, name);
  const child = spawn(process.execPath, [path.join(ROOT, 'out', 'main', 'web.js')], {
    cwd: ROOT,
    env: { ...process.env, SCRATCHNET_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<URL>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m) resolve(new URL(m[0]));
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}:\n${out}`)));
  });
  let socket: WebSocket | null = null;
  class PageSocket extends WebSocket {
    constructor(address: string) {
      super(address);
      socket = this;
    }
  }
  const api = socketApi(url, PageSocket as unknown as typeof globalThis.WebSocket);
  const store = new CheckpointStore(path.join(dataDir, 'models'));
  return { pid: child.pid!, output: () => out, exited, api, socket: { close: () => socket!.close() }, store };
}

/** Start the run and resolve at a batch early in its first epoch, with the last step the page was told. */
async function startAndReachMidEpoch(host: Host, run = config): Promise<() => number> {
  let step = 0;
  let resolveMid: () => void;
  const mid = new Promise<void>((resolve) => (resolveMid = resolve));
  host.api.onEvent((e: ApiEvent) => {
    if (e.type !== 'batch') return;
    step = e.firstStep + e.losses.length;
    if (e.epoch === 1 && e.stepInEpoch > 50) resolveMid();
  });
  await host.api.call('training:start', { config: run });
  await mid;
  return () => step;
}

async function until(test: () => boolean, what: () => string): Promise<void> {
  for (let i = 0; i < 600 && !test(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!test()) throw new Error(what());
}

/** The one model file the run wrote. */
async function savedModel(host: Host): Promise<{ bytes: Uint8Array; checkpoint: Checkpoint }> {
  const names = await host.store.names();
  expect(names).toHaveLength(1);
  return host.store.load(names[0]);
}

/** Train `config` in a real worker, from `resume` when given, and return the final checkpoint. */
async function trainToEnd(run: TrainConfig, resume?: Uint8Array): Promise<Checkpoint> {
  const host = new EngineHost(childSpawner(WORKER, { execArgv: ['--import', 'tsx'] }), { log: () => {} });
  try {
    const done = new Promise<Uint8Array>((resolve) => {
      host.onEvent((e: HostEvent) => {
        if (e.type === 'checkpoint' && e.reason === 'done') resolve(e.bytes);
      });
    });
    await host.call('train:start', resume ? { config: run, resume } : { config: run });
    return decodeCheckpoint(await done, 'final');
  } finally {
    host.dispose();
  }
}


const STOPPED = /Stopped the run at epoch (\d+), step (\d+) and saved it as "([^"]+)"/;
const LEFT = /The last page closed: stopped the run at epoch (\d+), step (\d+) and saved it as "([^"]+)"/;

describe('ending a run mid-epoch saves the exact step it reached (real host and worker)', () => {
  let unbroken: Checkpoint;
  beforeAll(async () => {
    unbroken = await trainToEnd(config);
  }, 120_000);

  /** The saved file is the run at `step` exactly, mid-epoch, and continuing it gives the unbroken run. */
  async function expectExactAndContinuable(host: Host, step: number, run = config, reference = unbroken): Promise<void> {
    const { bytes, checkpoint } = await savedModel(host);
    expect(checkpoint.training!.step).toBe(step);
    expect(checkpoint.training!.stepInEpoch).toBeGreaterThan(0); // not the last epoch's end
    expect(checkpointEssence(await trainToEnd(run, bytes))).toEqual(checkpointEssence(reference));
  }

  it('Stop from the page', async () => {
    const host = await startHost('stop');
    const told = await startAndReachMidEpoch(host);
    const saved = new Promise<void>((resolve) => host.api.onEvent((e) => e.type === 'models:saved' && e.reason === 'stop' && resolve()));
    expect(await host.api.call('training:stop', {})).toEqual({ state: 'stopped' });
    await saved;
    // the engine's last batch event (sent before its reply) is the step the file must hold
    const status = await host.api.call('training:status', {});
    expect(status).toMatchObject({ state: 'stopped', savedStep: told() });
    await expectExactAndContinuable(host, told());
    process.kill(host.pid, 'SIGTERM');
    await host.exited;
  }, 120_000);

  // Ctrl+C in a terminal reaches the whole process group; a SIGTERM only the host
  const signals = [
    { title: 'Ctrl+C in the terminal (SIGINT to the whole process group)', name: 'sigint', signal: 'SIGINT', group: true },
    { title: 'SIGTERM', name: 'sigterm', signal: 'SIGTERM', group: false },
  ] as const;
  for (const { title, name, signal, group } of signals) {
    it(title, async () => {
      const host = await startHost(name);
      const told = await startAndReachMidEpoch(host);
      const before = told();
      process.kill(group ? -host.pid : host.pid, signal);
      await host.exited;
      const said = STOPPED.exec(host.output());
      expect(said, host.output()).not.toBeNull();
      const step = Number(said![2]);
      expect(step).toBeGreaterThanOrEqual(before);
      await expectExactAndContinuable(host, step);
    }, 120_000);
  }

  it('the last page going away', async () => {
    const host = await startHost('leave', SHORT_GRACE);
    const told = await startAndReachMidEpoch(host, longConfig);
    const before = told();
    host.socket.close();
    await until(() => LEFT.test(host.output()), () => `the host did not say it saved the run:\n${host.output()}`);
    const step = Number(LEFT.exec(host.output())![2]);
    expect(step).toBeGreaterThanOrEqual(before);
    expect(step).toBeLessThan(longConfig.epochs * 5000); // it stopped the run, which did not just end
    await expectExactAndContinuable(host, step, longConfig, await trainToEnd(longConfig));
    // the host lives on without pages (a page may open again); if it ended, its output says why
    let alive = true;
    try {
      process.kill(host.pid, 0);
    } catch {
      alive = false;
    }
    expect(alive, `the host ended after its last page left:\n${host.output()}`).toBe(true);
    process.kill(host.pid, 'SIGTERM');
    await host.exited;
  }, 180_000);
});
