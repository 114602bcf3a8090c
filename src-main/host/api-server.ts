/**
 * The host side of the renderer API, shared by the Electron IPC handlers and the browser-mode
 * WebSocket: validates every call, checks dataset paths against the ones this session approved,
 * forwards engine calls to the EngineHost and answers the app calls with platform handlers.
 * With a model library it also autosaves every checkpoint and answers the `models:*` calls.
 */
import type { DatasetSource, ModelInfo, TrainConfig } from '../../src-engine/protocol';
import {
  ENGINE_CHANNELS,
  isEngineChannel,
  isModelChannel,
  type ApiArgs,
  type ApiCallName,
  type ApiEvent,
  type ApiReply,
  type ApiResult,
  type AppCalls,
  type DatasetChoice,
} from './api-contract';
import { Autosaver } from '../library/autosave';
import type { CheckpointStore } from '../library/checkpoint-store';
import type { EngineHost, HostEvent } from './engine-host';
import { ModelApi, type ModelPlatform } from '../library/model-api';
import { nameOfModelFile } from '../library/model-names';
import type { ExerciseProgressStore } from '../library/exercise-progress';
import { RunRecord } from './run-record';
import { checkApiCall } from './validate-api';

type PlatformCalls = Omit<AppCalls, 'training:recover' | 'training:status' | 'training:opened' | 'training:cancel' | 'exercises:load' | 'exercises:save'>;

/** What differs between the desktop app and browser mode: dialogs, uploads, theme, paths. */
export type PlatformHandlers = {
  [K in keyof PlatformCalls]: (args: PlatformCalls[K]['args']) => Promise<PlatformCalls[K]['result']>;
};

/** The models folder and what the platform adds to it (dialogs, file manager). */
export interface ModelLibraryOptions {
  store: CheckpointStore;
  platform: ModelPlatform;
}

const datasetKey = (source: DatasetSource) => JSON.stringify(source);

interface Saved {
  bytes: Uint8Array;
  info: ModelInfo;
}

/** Dispatches renderer calls and turns engine events into renderer events. */
export class ApiServer {
  private readonly approved = new Set<string>();
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  /** The run going now (training or paused) and its last checkpoint. */
  private going: { runId: number; checkpoint: Saved | null } | null = null;
  /** The last checkpoint of the run a crash ended: what recover() continues (null when none). */
  private crashed: Saved | null = null;
  /** Writes every checkpoint into the models folder (null without a library). */
  readonly autosave: Autosaver | null = null;
  private readonly models: ModelApi | null = null;
  /** The latest run, whole: what a page that opens mid-run is given. */
  private readonly run = new RunRecord();
  /** A model file opened in the engine since its last run began (null: the run's model, or none). */
  private opened: { name: string; info: ModelInfo } | null = null;

  constructor(
    private readonly host: EngineHost,
    private readonly platform: PlatformHandlers,
    library?: ModelLibraryOptions,
    private readonly exercises?: ExerciseProgressStore,
  ) {
    if (library) {
      const autosave = new Autosaver(library.store, {
        onSaved: ({ runId, name, reason, info }) => {
          this.run.saved(name, info);
          this.emit({ type: 'models:saved', runId, name, reason, epoch: info.epoch, step: info.step });
        },
        onError: (message) => this.emit({ type: 'error', message }),
      });
      this.autosave = autosave;
      this.models = new ModelApi({ ...library, autosave, engine: host, checkDataset: (source) => this.checkDataset(source) });
    }
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
      if (name === 'training:start') {
        const start = args as ApiArgs<'training:start'>;
        this.checkDataset(start.config.dataset);
        return this.startRun(null, start);
      }
      if (name === 'dataset:info') this.checkDataset((args as ApiArgs<'dataset:info'>).source);
      const result = await this.host.call(ENGINE_CHANNELS[name], args as never);
      // NOTE: another model in the engine ends any chance of resuming the crashed run.
      if (name === 'model:load') {
        this.crashed = null;
        const fileName = (args as ApiArgs<'model:load'>).fileName;
        this.open(nameOfModelFile(fileName) ?? fileName, result as ModelInfo);
      }
      return result;
    }
    if (isModelChannel(name)) {
      if (!this.models) throw new Error('The model library is not available.');
      const result = await this.models.handle(name, args as never);
      if (name === 'models:open') {
        this.crashed = null;
        this.open((args as ApiArgs<'models:open'>).name, result as ApiResult<'models:open'>);
      }
      // the opened file renamed: a reload names the engine's model by its new name
      if (name === 'models:rename' && this.opened?.name === (args as ApiArgs<'models:rename'>).name) {
        this.opened = { ...this.opened, name: (result as ApiResult<'models:rename'>).name };
      }
      if (name === 'models:continue') {
        const { runId, info } = result as ApiResult<'models:continue'>;
        this.run.started(runId, info);
      }
      return result;
    }
    switch (name) {
      case 'training:recover':
        return this.recover();
      case 'training:status':
        return this.run.status();
      case 'training:opened':
        return this.opened;
      case 'training:cancel':
        // NOTE: the engine answers one message at a time, so what it is stuck in cannot be
        // interrupted by another message: it is restarted (the run's saved epochs are kept).
        if (!this.host.cancel()) throw new Error('The engine is not busy with anything to cancel.');
        return { cancelled: true };
      case 'dataset:choose': {
        const choice = await this.platform['dataset:choose'](args as ApiArgs<'dataset:choose'>);
        return choice && this.approve(choice);
      }
      case 'dataset:open-path':
        return this.approve(await this.platform['dataset:open-path'](args as ApiArgs<'dataset:open-path'>));
      case 'dataset:upload':
        return this.approve(await this.platform['dataset:upload'](args as ApiArgs<'dataset:upload'>));
      case 'exercises:load':
        return this.exerciseStore().load();
      case 'exercises:save':
        this.exerciseStore().save((args as ApiArgs<'exercises:save'>).progress);
        return { saved: true };
      case 'app:info':
        return this.platform['app:info'](args as ApiArgs<'app:info'>);
      case 'app:set-theme':
        return this.platform['app:set-theme'](args as ApiArgs<'app:set-theme'>);
    }
  }

  private exerciseStore(): ExerciseProgressStore {
    if (!this.exercises) throw new Error('Exercise progress cannot be kept here.');
    return this.exercises;
  }

  /** Start a run in the engine; with a library its checkpoints go into `name` (null: a new model). */
  private async startRun(name: string | null, args: ApiArgs<'training:start'>) {
    const start = () => this.host.call('train:start', args);
    const result = await (this.autosave ? this.autosave.startRun(name, start) : start());
    this.run.started(result.runId, result.info);
    return result;
  }

  /** Resume the run a crash ended from its last checkpoint, into the model it was writing. */
  private async recover() {
    const saved = this.crashed;
    if (!saved) throw new Error('There is no saved epoch to resume from yet.');
    const config: TrainConfig | null = saved.info.config;
    if (!config) throw new Error('The last checkpoint does not say how it was trained, so it cannot be resumed.');
    return this.startRun((await this.autosave?.crashedName()) ?? null, { config, resume: saved.bytes });
  }

  private relay(event: HostEvent): void {
    this.autosave?.handle(event);
    if (event.type === 'worker:crashed') this.run.handle(event, this.going?.checkpoint != null);
    else this.run.handle(event);
    let out: ApiEvent;
    if (event.type === 'state') {
      const going = event.state === 'training' || event.state === 'paused';
      if (going && this.going?.runId !== event.runId) {
        this.going = { runId: event.runId, checkpoint: null };
        this.crashed = null;
        this.opened = null; // the engine's model is the run's now
      } else if (!going && this.going?.runId === event.runId) {
        this.going = null;
      }
      out = event;
    } else if (event.type === 'checkpoint') {
      if (this.going?.runId === event.runId) this.going.checkpoint = { bytes: event.bytes, info: event.info };
      out = { type: 'checkpoint', runId: event.runId, reason: event.reason, info: event.info };
    } else if (event.type === 'worker:crashed') {
      // NOTE: only the run that was going can be resumed, never an earlier one.
      this.crashed = this.going?.checkpoint ?? null;
      this.going = null;
      this.opened = null; // a fresh engine holds no model
      out = { type: 'engine:stopped', message: event.message, restarted: event.restarted, recoverable: this.crashed !== null };
    } else {
      out = event;
    }
    this.emit(out);
  }

  /** A file is the engine's model now: remembered for reloads, and told to every page (another tab shows it too). */
  private open(name: string, info: ModelInfo): void {
    this.opened = { name, info };
    this.emit({ type: 'models:opened', name, info });
  }

  private emit(event: ApiEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
