/**
 * The host side of the model library's calls, shared by the desktop app and browser mode: the
 * store does the files, the engine opens and continues models, and a small platform part does
 * what differs (native dialogs and the file manager on the desktop; downloads in the browser).
 * Arguments arrive shape-checked (validate-api.ts); names are checked again by the store.
 */
import type { DatasetSource, EngineCalls } from '../../src-engine/protocol';
import type { Autosaver } from './autosave';
import { noSuchModel, type CheckpointStore } from './checkpoint-store';
import { atomicWrite } from '../../src-engine/node/atomic-write';
import { continueSettings } from '../../src-engine/train/continue-schedule';
import { compareRuns } from './compare-runs';
import { exportModelAs } from './model-export';
import { MODEL_EXTENSION } from './model-names';
import type { ExportResult, ModelCallName, ModelCalls } from './models-contract';

/** What an export writes, for the Save As dialog's title and filter. */
export type ExportKind = 'model' | 'csv' | 'notebook' | 'onnx';

/** What the desktop app adds; browser mode leaves it empty (downloads and uploads instead). */
export interface ModelPlatform {
  /** The Save As dialog; the chosen path, or null when cancelled. */
  saveDialog?(suggestedName: string, kind: ExportKind): Promise<string | null>;
  /** The Open dialog for a .safetensors file; its path, or null when cancelled. */
  openDialog?(): Promise<string | null>;
  /** Show a file in the system file manager. */
  reveal?(file: string): void;
}

/** The engine calls the library makes. */
export interface ModelEngine {
  call<K extends 'model:load' | 'train:start'>(name: K, args: EngineCalls[K]['args']): Promise<EngineCalls[K]['result']>;
}

/** What the model calls work with. */
export interface ModelApiOptions {
  store: CheckpointStore;
  autosave: Autosaver;
  engine: ModelEngine;
  platform: ModelPlatform;
  /** Throws unless the engine may read this dataset (chosen in this session). */
  checkDataset(source: DatasetSource): void;
}

type Handlers = { [K in ModelCallName]: (args: ModelCalls[K]['args']) => Promise<ModelCalls[K]['result']> };

/** Answers the `models:*` calls. */
export class ModelApi {
  private readonly handlers: Handlers;

  constructor(private readonly o: ModelApiOptions) {
    const { store, autosave, engine, platform } = o;
    this.handlers = {
      'models:list': () => store.list(new Set(autosave.activeName ? [autosave.activeName] : [])),
      'models:open': async ({ name }) => engine.call('model:load', { bytes: await store.read(name), fileName: name + MODEL_EXTENSION }),
      'models:continue': ({ name, epochs, keepSchedule }) => this.continue(name, epochs, keepSchedule === true),
      'models:rename': async ({ name, to }) => {
        this.refuseWhileTraining(name, 'renamed');
        const renamed = await store.rename(name, to);
        autosave.renamed(name, renamed);
        return { name: renamed };
      },
      'models:duplicate': async ({ name }) => ({ name: await store.duplicate(name) }),
      'models:delete': async ({ name }) => {
        this.refuseWhileTraining(name, 'deleted');
        await store.delete(name);
        return { name };
      },
      'models:reveal': async ({ name }) => {
        if (!platform.reveal) throw new Error(`There is no file manager to show in browser mode; the models folder is ${store.dir}`);
        if (!(await store.has(name))) throw noSuchModel(name);
        platform.reveal(store.pathOf(name));
        return { shown: true };
      },
      'models:export': async ({ name }) => {
        const { bytes } = await store.load(name); // NOTE: decoded first: a broken file is refused, not copied
        return this.deliver(name + MODEL_EXTENSION, 'model', 'application/octet-stream', bytes);
      },
      'models:export-csv': async ({ name }) => {
        const csv = new TextEncoder().encode(await store.historyCsv(name));
        return this.deliver(`${name}-metrics.csv`, 'csv', 'text/csv', csv);
      },
      'models:export-as': async ({ name, format }) => {
        const file = await exportModelAs(store, name, format, o.checkDataset);
        return this.deliver(file.fileName, file.kind, file.type, file.bytes);
      },
      'models:import': async () => {
        if (!platform.openDialog) throw new Error('In browser mode, add a model with "Upload a model…".');
        const file = await platform.openDialog();
        return file === null ? null : { name: await store.importFile(file) };
      },
      'models:upload': async ({ fileName, bytes }) => ({ name: await store.importBytes(fileName, bytes) }),
      'models:compare': async ({ names }) => ({ runs: await compareRuns(store, names) }),
    };
  }

  /** Answer one model call (arguments already shape-checked). */
  handle<K extends ModelCallName>(name: K, args: ModelCalls[K]['args']): Promise<ModelCalls[K]['result']> {
    return (this.handlers[name] as (a: ModelCalls[K]['args']) => Promise<ModelCalls[K]['result']>)(args);
  }

  private refuseWhileTraining(name: string, what: string): void {
    if (this.o.autosave.activeName === name) {
      throw new Error(`"${name}" is being trained right now; it can be ${what} when the run has stopped.`);
    }
  }

  /**
   * Resume a model file in the engine until `epochs` epochs in all; its checkpoints go back into the same file.
   * @param keepSchedule stop after `epochs` with the schedule still spanning the planned epochs (fewer than planned only)
   */
  private async continue(name: string, epochs: number, keepSchedule = false): Promise<ModelCalls['models:continue']['result']> {
    const { store, autosave, engine, checkDataset } = this.o;
    const { bytes, checkpoint } = await store.load(name);
    const training = checkpoint.training;
    if (!training) throw new Error(`${name}${MODEL_EXTENSION}: has no training state (another tool wrote it), so it can be opened but not trained further.`);
    if (epochs <= training.epoch) throw new Error(`"${name}" has already trained ${training.epoch} epochs; continue to at least epoch ${training.epoch + 1}.`);
    checkDataset(training.config.dataset);
    const planned = training.config.epochs;
    if (keepSchedule && epochs > planned) {
      throw new Error(`"${name}" has a learning-rate schedule planned for ${planned} epochs; to train to epoch ${epochs}, let the schedule stretch over them.`);
    }
    const args = { ...continueSettings(training.config, epochs, keepSchedule), resume: bytes };
    return autosave.startRun(name, () => engine.call('train:start', args));
  }

  /** Desktop: the Save As dialog, then an atomic write; browser: the bytes for a download. */
  private async deliver(fileName: string, kind: ExportKind, type: string, bytes: Uint8Array): Promise<ExportResult> {
    const { platform } = this.o;
    if (!platform.saveDialog) return { download: { fileName, type, bytes }, savedTo: null };
    const file = await platform.saveDialog(fileName, kind);
    if (file === null) return { download: null, savedTo: null };
    atomicWrite(file, bytes);
    return { download: null, savedTo: file };
  }
}
