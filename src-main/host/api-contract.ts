/**
 * The renderer <-> main API: channel names (`domain:verb`), argument and result types, events.
 * Built from the engine protocol so that a renamed engine field breaks the type check here too.
 * Imported by main, preload, the browser-mode host and the renderer; no runtime dependencies.
 */
import type {
  DatasetSource,
  EngineCallName,
  EngineCalls,
  EngineEvent,
  EpochMetrics,
  HealthSample,
  ModelInfo,
  RunOutcome,
  RunState,
} from '../../src-engine/protocol';
import type { ExerciseProgress } from '../library/exercise-progress';
import type { ModelCalls, ModelOpenedEvent, ModelSavedEvent } from '../library/models-contract';

/** Renderer channel -> the engine call it forwards to. */
export const ENGINE_CHANNELS = {
  'training:start': 'train:start',
  'training:pause': 'train:pause',
  'training:resume': 'train:resume',
  'training:stop': 'train:stop',
  'model:load': 'model:load',
  'model:weights': 'model:weights',
  'model:predict': 'model:predict',
  'dataset:info': 'dataset:info',
  'dataset:sample': 'dataset:sample',
  'dataset:digits': 'dataset:digits',
  'engine:kernels': 'engine:kernels',
  'engine:set-threads': 'engine:set-threads',
  'training:lr-find': 'train:lr-find',
  'model:evaluate': 'model:evaluate',
  'model:gallery': 'model:gallery',
  'model:hidden': 'model:hidden',
  'step:trace': 'step:trace',
  'step:apply': 'step:apply',
  'step:neuron': 'step:neuron',
  'step:gradcheck': 'step:gradcheck',
} as const satisfies Record<string, EngineCallName>;

type EngineChannels = typeof ENGINE_CHANNELS;

/** Calls that the host forwards to the engine worker, typed by the engine protocol. */
export type EngineApiCalls = { [C in keyof EngineChannels]: EngineCalls[EngineChannels[C]] };

export type DatasetKind = 'idx' | 'csv';
export type ThemeSource = 'system' | 'light' | 'dark';
/** 'desktop': Electron window; 'browser': the loopback web host. */
export type AppMode = 'desktop' | 'browser';

/** A dataset the host has approved (chosen in a dialog, typed as a path, or uploaded). */
export interface DatasetChoice {
  source: DatasetSource;
  /** Short display name, e.g. the folder's name. */
  label: string;
  /** Uploaded files: where the host keeps each, and the learner's name for it, which messages use. */
  uploads?: { path: string; name: string }[];
}

/** A file the page has streamed to the host (POST /upload) for it to keep in a temporary folder. */
export interface UploadedFile {
  /** The name the person's file had (it never becomes a path). */
  name: string;
  /** The id the upload was answered with. */
  upload: string;
}

export interface AppInfo {
  mode: AppMode;
  version: string;
  platform: string;
  /** Where saved models live. */
  modelsDir: string;
  /** Whether the OS (or the chosen theme) is dark right now. */
  dark: boolean;
}

/** Calls the host answers itself. */
export interface AppCalls {
  'app:info': { args: Record<string, never>; result: AppInfo };
  'app:set-theme': { args: { source: ThemeSource }; result: { dark: boolean } };
  /** Desktop: the native open dialog. null when the person cancels. */
  'dataset:choose': { args: { kind: DatasetKind }; result: DatasetChoice | null };
  /** Browser mode: a path on the host's machine, typed by the person. */
  'dataset:open-path': { args: { kind: DatasetKind; path: string; testPath?: string }; result: DatasetChoice };
  /** Browser mode: files uploaded from the page (four IDX files, or one or two CSV files). */
  'dataset:upload': { args: { kind: DatasetKind; files: UploadedFile[] }; result: DatasetChoice };
  /** Resume the run the engine crash ended, from its last checkpoint, into the model it was writing. */
  'training:recover': { args: Record<string, never>; result: EngineCalls['train:start']['result'] };
  /** The latest run, whole (a page that opens or reloads mid-run draws it); null when none ran yet. */
  'training:status': { args: Record<string, never>; result: RunStatus | null };
  /**
   * The model file opened in the engine since its last run began (Models' Open, or an upload), by
   * its name: what the views show after a reload. null when the engine holds the run's model or none.
   */
  'training:opened': { args: Record<string, never>; result: { name: string; info: ModelInfo } | null };
  /** Give up on what the engine is busy with (a start that takes too long): the engine is restarted. */
  'training:cancel': { args: Record<string, never>; result: { cancelled: true } };
  /** The Build it view's progress, from the user's data folder. */
  'exercises:load': { args: Record<string, never>; result: ExerciseProgress };
  /** Keep the Build it view's progress (the whole of it). */
  'exercises:save': { args: { progress: ExerciseProgress }; result: { saved: true } };
}

/** The latest run as the host knows it: everything its dashboard draws. */
export interface RunStatus {
  /** null once the engine that ran it has stopped unexpectedly (its events are over). */
  runId: number | null;
  state: RunState;
  /** Why it failed, or the trainer's warning. */
  message: string | null;
  /** Its model and settings (null in the moment before the engine's reply to the start). */
  info: ModelInfo | null;
  history: EpochMetrics[];
  /** The global step before losses[0]. */
  firstStep: number;
  /** Every batch loss of the run, in order. */
  losses: Float64Array;
  /** [step, learning rate] pairs, flat. */
  lr: Float64Array;
  /** [fractional epoch, last batch's accuracy] pairs, flat. */
  batchAccuracy: Float64Array;
  /** The last batch's place in the run (null before its first batch). */
  progress: { epoch: number; stepInEpoch: number; stepsPerEpoch: number; samplesPerSecond: number; eta: number } | null;
  /** Epoch and step of the last checkpoint written, and the model it went to (null before one). */
  savedEpoch: number | null;
  savedStep: number | null;
  savedName: string | null;
  /** After a crash: whether training:recover can resume it. */
  recoverable: boolean;
  /**
   * Seconds trained by the engine's clock (pauses and evaluation excluded): its count at the last
   * event, plus the time since while the run trains (run-record.ts).
   */
  seconds: number;
  /** How the run ended (not learning, diverged, a time limit…), as the done event said; null while going or when plainly done. */
  outcome: RunOutcome | null;
  /** The engine's health measurements of the run, in step order. */
  health: HealthSample[];
}

export type ApiCalls = EngineApiCalls & AppCalls & ModelCalls;
export type ApiCallName = keyof ApiCalls;
export type ApiArgs<K extends ApiCallName> = ApiCalls[K]['args'];
export type ApiResult<K extends ApiCallName> = ApiCalls[K]['result'];

const APP_CHANNELS: Record<keyof AppCalls, true> = {
  'app:info': true,
  'app:set-theme': true,
  'dataset:choose': true,
  'dataset:open-path': true,
  'dataset:upload': true,
  'training:recover': true,
  'training:status': true,
  'training:opened': true,
  'training:cancel': true,
  'exercises:load': true,
  'exercises:save': true,
};

const MODEL_CHANNELS: Record<keyof ModelCalls, true> = {
  'models:list': true,
  'models:open': true,
  'models:continue': true,
  'models:rename': true,
  'models:duplicate': true,
  'models:delete': true,
  'models:reveal': true,
  'models:export': true,
  'models:export-csv': true,
  'models:export-as': true,
  'models:import': true,
  'models:upload': true,
  'models:compare': true,
};

/** Every channel the renderer may call. */
export const API_CHANNELS = [...Object.keys(ENGINE_CHANNELS), ...Object.keys(APP_CHANNELS), ...Object.keys(MODEL_CHANNELS)] as ApiCallName[];

/** True for a known channel name (the preload and main refuse others). */
export function isApiChannel(name: unknown): name is ApiCallName {
  return typeof name === 'string' && (API_CHANNELS as string[]).includes(name);
}

/** True for the model library's channels. */
export function isModelChannel(name: ApiCallName): name is keyof ModelCalls {
  return name in MODEL_CHANNELS;
}

/** True for channels answered by the engine worker. */
export function isEngineChannel(name: ApiCallName): name is keyof EngineApiCalls {
  return name in ENGINE_CHANNELS;
}

/** A checkpoint notice: the host keeps the bytes; the renderer learns that one exists. */
export interface CheckpointNotice {
  type: 'checkpoint';
  runId: number;
  reason: 'epoch' | 'pause' | 'stop' | 'done';
  info: ModelInfo;
}

/** The engine worker died and a fresh one was started (or, after repeated crashes, not). */
export interface EngineStoppedEvent {
  type: 'engine:stopped';
  message: string;
  restarted: boolean;
  /** Whether a checkpoint is kept that `training:recover` can resume from. */
  recoverable: boolean;
}

/** The OS theme (or the chosen one) changed. */
export interface ThemeEvent {
  type: 'app:theme';
  dark: boolean;
}

/** Menu commands and shortcuts, the same in both modes. */
export const COMMANDS = {
  'training:start': { label: 'Start training', accelerator: 'CmdOrCtrl+Enter' },
  'training:toggle-pause': { label: 'Pause / Resume', accelerator: 'CmdOrCtrl+P' },
  'training:stop': { label: 'Stop training', accelerator: 'CmdOrCtrl+.' },
  'view:train': { label: 'Train', accelerator: 'CmdOrCtrl+1' },
  'view:weights': { label: 'Weights', accelerator: 'CmdOrCtrl+2' },
  'view:digit-pad': { label: 'Digit pad', accelerator: 'CmdOrCtrl+3' },
  'view:models': { label: 'Models', accelerator: 'CmdOrCtrl+4' },
  'view:step-inside': { label: 'Step inside', accelerator: 'CmdOrCtrl+5' },
  'view:evaluate': { label: 'Evaluate', accelerator: 'CmdOrCtrl+6' },
  'view:build': { label: 'Build it', accelerator: 'CmdOrCtrl+7' },
} as const;

export type CommandName = keyof typeof COMMANDS;

/** A menu command sent to the renderer. */
export interface CommandEvent {
  type: 'app:command';
  command: CommandName;
}

type EngineEventWithoutBytes = Exclude<EngineEvent, { type: 'checkpoint' }>;

/** Browser mode only: the page lost its WebSocket to the host. */
export interface ConnectionLostEvent {
  type: 'connection:lost';
  message: string;
}

/** Everything the renderer can be told. */
export type ApiEvent =
  | EngineEventWithoutBytes
  | CheckpointNotice
  | EngineStoppedEvent
  | ThemeEvent
  | CommandEvent
  | ConnectionLostEvent
  | ModelSavedEvent
  | ModelOpenedEvent;

/** How every call is answered on the wire (IPC and WebSocket): never a thrown exception. */
export type ApiReply<R = unknown> = { ok: true; result: R } | { ok: false; error: string };

/** The one object the renderer talks to, in both modes. */
export interface ScratchnetApi {
  readonly mode: AppMode;
  /** Call a channel; rejects with the host's plain message when it refuses or fails. */
  call<K extends ApiCallName>(name: K, args: ApiArgs<K>): Promise<ApiResult<K>>;
  /** Listen to every event; returns the function that stops listening. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** Browser mode: stream a file to the host (POST /upload); resolves with its upload id. */
  upload?(file: Blob): Promise<string>;
}

/** The IPC channel events travel on (main -> renderer). */
export const EVENT_CHANNEL = 'app:event';

/** Browser mode: the WebSocket's path on the host. */
export const SOCKET_PATH = '/api';

/** Browser mode, page -> host: one call. */
export interface SocketCall {
  kind: 'call';
  id: number;
  name: string;
  args: unknown;
}

/** Browser mode, host -> page: a reply, an event, or a refusal of a malformed message. */
export type SocketMessage =
  | ({ kind: 'reply'; id: number } & ApiReply)
  | { kind: 'event'; event: ApiEvent }
  | { kind: 'refused'; error: string };
