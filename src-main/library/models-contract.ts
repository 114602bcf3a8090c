/**
 * The model library's types, shared by main, the browser-mode host and the renderer: what the
 * Models view lists and what its calls take and return. Types only; no runtime dependencies.
 */
import type { LossName } from '../../src-engine/architecture';
import type { EpochMetrics, ModelInfo, RunOutcome, TrainConfig } from '../../src-engine/protocol';

/** One model file in the library, as read from its header (tensor bytes are not read). */
export interface ModelSummary {
  /** The file name without ".safetensors"; what every library call takes. */
  name: string;
  /** When the file was last written (ISO). */
  modified: string;
  /** When the checkpoint says it was made (ISO; '' when a foreign file does not say). */
  created: string;
  /** File size in bytes. */
  bytes: number;
  /** "784-128-10 relu" */
  architecture: string;
  /** Layer sizes [in, hidden..., out]. */
  sizes: number[];
  parameters: number;
  /** e.g. "mnist" (null when the file does not say). */
  dataset: string | null;
  /** Completed epochs. */
  epochs: number;
  /** How far into the next epoch the file was saved, 0..1 (a pause or stop mid-epoch; 0 when unknown). */
  intoEpoch: number;
  /** The best test accuracy of any epoch, 0..1 (null when none is known). */
  bestTestAccuracy: number | null;
  /** Test accuracy per epoch, 0..1 (NaN where an epoch has none), for the sparkline. */
  accuracy: number[];
  /** Whether the file holds the training state that "Continue training" needs. */
  resumable: boolean;
  /** The epochs the run was started for (null when the file has no training state): fewer done means it was interrupted. */
  plannedEpochs: number | null;
  /** The learning-rate schedule of the run ("constant", "step", "cosine"; null when unknown). */
  schedule: string | null;
  /** How the run ended (absent while it runs, when it was interrupted, and in files that do not say). */
  outcome?: RunOutcome | null;
  /** Whether a run is writing this file right now (rename and delete wait until it ends). */
  training: boolean;
  /** The loss it was trained with (from its architecture). */
  loss: LossName;
  /** How it was trained: the run's settings as the file records them (null when it does not, e.g. another tool wrote it). */
  recipe: TrainConfig | null;
  /** Images it was trained and tested on (null when the file does not say). */
  datasetSize: { train: number; test: number } | null;
  /** Test accuracy of the mean-image baseline on the run's data, 0..1 (null when the file does not say). */
  baselineAccuracy: number | null;
}

/** A file in the models folder that cannot be read as a model, with the reason. */
export interface ModelProblem {
  fileName: string;
  /** "<file>: <problem>", the same words opening it would give. */
  error: string;
  modified: string;
  bytes: number;
}

/** The library: every model, newest first, and the files that could not be read. */
export interface ModelList {
  /** The models folder (shown to the person, never sent back as a path). */
  dir: string;
  models: ModelSummary[];
  problems: ModelProblem[];
}

/** A file for the page to download (browser mode's export), or null when the desktop app saved it itself. */
export interface DownloadFile {
  fileName: string;
  /** MIME type for the download. */
  type: string;
  bytes: Uint8Array;
}

/** The outcome of an export: the browser downloads `download`; the desktop app reports where it wrote. */
export interface ExportResult {
  /** Browser mode: the bytes to offer as a download. */
  download: DownloadFile | null;
  /** Desktop: the path chosen in the Save As dialog (null when cancelled or in browser mode). */
  savedTo: string | null;
}

/** One run of a comparison: its history and what it was trained with. */
export interface ComparedRun {
  name: string;
  /** "784-128-10 relu" */
  architecture: string;
  parameters: number;
  /** null for a file without training state (another tool wrote it). */
  config: TrainConfig | null;
  history: EpochMetrics[];
  dataset: string | null;
  /** Training images per epoch (null when the file does not say): samples seen = epoch × this. */
  trainImages: number | null;
}

/** What a model exports to: a notebook (numpy and PyTorch), or ONNX in float64 or float32. */
export const EXPORT_FORMATS = ['notebook', 'onnx', 'onnx-float32'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Calls of the model library (renderer -> host), in the shape of the app's AppCalls. */
export interface ModelCalls {
  'models:list': { args: Record<string, never>; result: ModelList };
  /** Load a model into the engine (weights view, digit pad, dashboard history). */
  'models:open': { args: { name: string }; result: ModelInfo };
  /**
   * Train on from exactly where the file stopped, until `epochs` epochs in all, autosaving into
   * the same file. With the run's planned epochs this finishes an interrupted run bit-identically.
   * `keepSchedule` (for fewer epochs than planned): the learning-rate schedule keeps spanning the
   * planned epochs and the run stops after `epochs`, instead of the schedule being squeezed into them.
   */
  'models:continue': { args: { name: string; epochs: number; keepSchedule?: boolean }; result: { runId: number; info: ModelInfo } };
  'models:rename': { args: { name: string; to: string }; result: { name: string } };
  'models:duplicate': { args: { name: string }; result: { name: string } };
  'models:delete': { args: { name: string }; result: { name: string } };
  /** Desktop: show the file in the system file manager. */
  'models:reveal': { args: { name: string }; result: { shown: boolean } };
  /** A copy of the file elsewhere (Save As dialog) or, in browser mode, a download. */
  'models:export': { args: { name: string }; result: ExportResult };
  /** The per-epoch metrics as CSV (Save As dialog, or a download). */
  'models:export-csv': { args: { name: string }; result: ExportResult };
  /** The model as a Jupyter notebook or ONNX (Save As dialog, or a download). */
  'models:export-as': { args: { name: string; format: ExportFormat }; result: ExportResult };
  /** Desktop: the Open dialog picks a file; null when cancelled. */
  'models:import': { args: Record<string, never>; result: { name: string } | null };
  /** Browser mode: an uploaded file. */
  'models:upload': { args: { fileName: string; bytes: Uint8Array }; result: { name: string } };
  /** 2 to 6 runs' histories and settings, for the Compare runs panel. */
  'models:compare': { args: { names: string[] }; result: { runs: ComparedRun[] } };
}

/** The model library's channel names. */
export type ModelCallName = keyof ModelCalls;

/** A model file is now the engine's model (opened in some page): every page shows it (training:opened). */
export interface ModelOpenedEvent {
  type: 'models:opened';
  name: string;
  info: ModelInfo;
}

/** A run's checkpoint is on disk (the Models view refreshes; the dashboard can say where). */
export interface ModelSavedEvent {
  type: 'models:saved';
  /** The engine run whose checkpoint this is. */
  runId: number;
  name: string;
  reason: 'epoch' | 'pause' | 'stop' | 'done';
  /** Completed epochs in the saved file. */
  epoch: number;
  /** Steps in the saved file (more than its epochs' when it was saved mid-epoch, at a pause or stop). */
  step: number;
}
