/**
 * The host side of the renderer API, shared by the Electron IPC handlers and the browser-mode
 * WebSocket: validates every call, checks dataset paths against the ones this session approved,
 * forwards engine calls to the EngineHost and answers the app calls with platform handlers.
 */
import type { DatasetSource, ModelInfo, TrainConfig } from '../src-engine/protocol';
import {
  ENGINE_CHANNELS,
  isEngineChannel,
  type ApiArgs,
  type ApiCallName,
  type ApiEvent,
  type ApiReply,
  type AppCalls,
  type DatasetChoice,
} from './api-contract';
import type { EngineHost, HostEvent } from './engine-host';
import { checkApiCall } from './validate-api';

type PlatformCalls = Omit<AppCalls, 'training:recover'>;

/** What differs between the desktop app and browser mode: dialogs, uploads, theme, paths. */
export type PlatformHandlers = {
  [K in keyof PlatformCalls]: (args: PlatformCalls[K]['args']) => Promise<PlatformCalls[K]['result']>;
};

const datasetKey = (source: DatasetSource) => JSON.stringify(source);

/** Dispatches renderer calls and turns engine events into renderer events. */
export class ApiServer {
  private readonly approved = new Set<string>();
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private lastCheckpoint: { bytes: Uint8Array; info: ModelInfo } | null = null;

  constructor(
    private readonly host: EngineHost,
    private readonly platform: PlatformHandlers,
  ) {
    host.onEvent((event) => this.relay(event));
  }

  /** Answer one call from the renderer; never throws (failures become `{ok: false, error}`). */
  async handle(name: unknown, args: unknown): Promise<ApiReply> {
    try {
      const call = checkApiCall(name, args);
      return { ok: true, result: await this.dispatch(call.name, call.args) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Listen to renderer events; returns the function that stops listening. */
  onEvent(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Let the engine read this dataset (one the person picked, typed or uploaded). */
  private approve(choice: DatasetChoice): DatasetChoice {
    this.approved.add(datasetKey(choice.source));
    return choice;
  }

  private checkDataset(source: DatasetSource): void {
    if (source.kind === 'mnist' || this.approved.has(datasetKey(source))) return;
    throw new Error('That dataset was not chosen in this session; choose it again with the dataset picker.');
  }

  private async dispatch(name: ApiCallName, args: ApiArgs<ApiCallName>): Promise<unknown> {
    if (isEngineChannel(name)) {
      if (name === 'training:start') this.checkDataset((args as ApiArgs<'training:start'>).config.dataset);
      if (name === 'dataset:info') this.checkDataset((args as ApiArgs<'dataset:info'>).source);
      return this.host.call(ENGINE_CHANNELS[name], args as never);
    }
    switch (name) {
      case 'training:recover':
        return this.recover();
      case 'dataset:choose': {
        const choice = await this.platform['dataset:choose'](args as ApiArgs<'dataset:choose'>);
        return choice && this.approve(choice);
      }
      case 'dataset:open-path':
        return this.approve(await this.platform['dataset:open-path'](args as ApiArgs<'dataset:open-path'>));
      case 'dataset:upload':
        return this.approve(await this.platform['dataset:upload'](args as ApiArgs<'dataset:upload'>));
      case 'app:info':
        return this.platform['app:info'](args as ApiArgs<'app:info'>);
      case 'app:set-theme':
        return this.platform['app:set-theme'](args as ApiArgs<'app:set-theme'>);
    }
  }

  private recover() {
    const saved = this.lastCheckpoint;
    if (!saved) throw new Error('There is no saved epoch to resume from yet.');
    const config: TrainConfig | null = saved.info.config;
    if (!config) throw new Error('The last checkpoint does not say how it was trained, so it cannot be resumed.');
    return this.host.call('train:start', { config, resume: saved.bytes });
  }

  private relay(event: HostEvent): void {
    let out: ApiEvent;
    if (event.type === 'checkpoint') {
      this.lastCheckpoint = { bytes: event.bytes, info: event.info };
      out = { type: 'checkpoint', runId: event.runId, reason: event.reason, info: event.info };
    } else if (event.type === 'worker:crashed') {
      out = { type: 'engine:stopped', message: event.message, restarted: event.restarted, recoverable: this.lastCheckpoint !== null };
    } else {
      out = event;
    }
    for (const listener of [...this.listeners]) listener(out);
  }
}
