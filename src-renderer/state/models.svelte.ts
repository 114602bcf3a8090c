/**
 * The model library as the Models view sees it: the list from the host, the selected model, and
 * every action on it, each ending in a message the person reads (what happened, or why not).
 * Refreshes itself when a run saves a model.
 */
import type { ModelInfo } from '../../src-engine/protocol';
import type { ApiEvent, ScratchnetApi } from '../../src-main/host/api-contract';
import { modelNameProblem } from '../../src-main/library/model-names';
import type { ExportFormat, ExportResult, ModelCallName, ModelCalls, ModelList, ModelSummary } from '../../src-main/library/models-contract';
import { downloadFile, readPickedFile } from '../lib/download';
import { byteSize, MAX_MODEL_UPLOAD_BYTES } from '../../src-main/host/upload-limits';

/** The part of the app API the library uses (ScratchnetApi, or a fake in tests). */
export interface LibraryApi extends Pick<ScratchnetApi, 'mode' | 'onEvent'> {
  call<K extends ModelCallName>(name: K, args: ModelCalls[K]['args']): Promise<ModelCalls[K]['result']>;
}

/** What the rest of the app does when a model is opened or continued. */
export interface LibraryHooks {
  /** The engine now holds this model: show its history on the dashboard. */
  opened?(info: ModelInfo, name: string): void;
  /** Continue the model until `epochs` epochs in all and follow the run on the dashboard (default: just the call). */
  continue?(name: string, epochs: number, keepSchedule: boolean): Promise<void>;
  /** Offer bytes as a download (browser mode); replaceable in tests. */
  download?(file: NonNullable<ExportResult['download']>): void;
}

/** Events after which the list may have changed. */
const REFRESH_ON = new Set<ApiEvent['type']>(['models:saved', 'done', 'engine:stopped']);

/** The Models view's state: the library list, the selection, and every action with its outcome. */
export class ModelLibrary {
  list = $state.raw<ModelList | null>(null);
  selectedName = $state<string | null>(null);
  /** An action is running (buttons wait). */
  busy = $state(false);
  error = $state<string | null>(null);
  /** What the last action did. */
  message = $state<string | null>(null);
  readonly selected = $derived(this.list?.models.find((m) => m.name === this.selectedName) ?? null);
  /** Runs stopped or paused before their first epoch ended: kept (they can be continued), listed apart. */
  readonly unfinished = $derived(this.list?.models.filter(isUnfinishedRun) ?? []);
  /** Every other model. */
  readonly finished = $derived(this.list?.models.filter((m) => !isUnfinishedRun(m)) ?? []);
  private readonly stopListening: () => void;
  private refreshing: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly api: LibraryApi,
    private readonly hooks: LibraryHooks = {},
  ) {
    this.stopListening = api.onEvent((event) => {
      if (REFRESH_ON.has(event.type)) void this.refresh();
    });
  }

  /** Read the list again (one request at a time; a request during one runs once after it). */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        try {
          this.list = await this.api.call('models:list', {});
          if (!this.selected) this.selectedName = this.list.models[0]?.name ?? null;
        } catch (error) {
          this.error = messageOf(error);
        }
      } while (this.again);
    })();
    try {
      await this.refreshing;
    } finally {
      this.refreshing = null;
    }
  }

  /** Show a model's details. */
  select(name: string): void {
    this.selectedName = name;
  }

  /** Load the model into the engine (weights view, digit pad, dashboard). */
  open(name: string): Promise<boolean> {
    return this.act(async () => {
      const info = await this.api.call('models:open', { name });
      this.hooks.opened?.(info, name);
      return `Opened "${name}". Weights, the Digit pad, Step inside and Evaluate now use it, and the Train view shows its history and the settings it was trained with.`;
    });
  }

  /**
   * Train on from where the file stopped.
   * @param more epochs to add to those completed (an interrupted run finishes with planned − done)
   * @param keepSchedule for fewer than the planned epochs: keep the schedule planned and stop after them
   */
  continueTraining(model: ModelSummary, more: number, keepSchedule = false): Promise<boolean> {
    return this.act(async () => {
      if (!Number.isInteger(more) || more < 1) throw new Error('Train at least 1 more epoch.');
      const epochs = model.epochs + more;
      if (this.hooks.continue) await this.hooks.continue(model.name, epochs, keepSchedule);
      else await this.api.call('models:continue', { name: model.name, epochs, ...(keepSchedule ? { keepSchedule } : {}) });
      return `Training "${model.name}" to epoch ${model.epochs + more}; every epoch is saved into it.`;
    }, false);
  }

  /** Rename; the name is checked here first so that the person sees why at once. Resolves to whether it was renamed. */
  rename(name: string, to: string): Promise<boolean> {
    return this.act(async () => {
      const wanted = to.trim();
      if (wanted === name) return null;
      const problem = modelNameProblem(wanted);
      if (problem) throw new Error(problem);
      const renamed = await this.api.call('models:rename', { name, to: wanted });
      this.selectedName = renamed.name;
      return `Renamed "${name}" to "${renamed.name}".`;
    });
  }

  /** Copy under a free name and select the copy. */
  duplicate(name: string): Promise<boolean> {
    return this.act(async () => {
      const copy = await this.api.call('models:duplicate', { name });
      this.selectedName = copy.name;
      return `Duplicated "${name}" as "${copy.name}".`;
    });
  }

  /** Delete (the view asks for confirmation first). */
  remove(name: string): Promise<boolean> {
    return this.act(async () => {
      await this.api.call('models:delete', { name });
      if (this.selectedName === name) this.selectedName = null;
      return this.api.mode === 'desktop' ? `Moved "${name}" to the trash.` : `Deleted "${name}".`;
    });
  }

  /** Delete every run that stopped before its first epoch ended (the view asks first). */
  removeUnfinished(): Promise<boolean> {
    return this.act(async () => {
      const names = this.unfinished.map((m) => m.name);
      for (const name of names) await this.api.call('models:delete', { name });
      if (this.selectedName !== null && names.includes(this.selectedName)) this.selectedName = null;
      const runs = names.length === 1 ? '1 unfinished run' : `${names.length} unfinished runs`;
      return this.api.mode === 'desktop' ? `Moved ${runs} to the trash.` : `Deleted ${runs}.`;
    });
  }

  /** Show the file in the system file manager (desktop). */
  reveal(name: string): Promise<boolean> {
    return this.act(async () => {
      await this.api.call('models:reveal', { name });
      return null;
    }, false);
  }

  /** A copy of the model file: Save As dialog (desktop) or a download (browser). */
  exportModel(name: string): Promise<boolean> {
    return this.act(async () => this.deliver(await this.api.call('models:export', { name }), `a copy of "${name}"`), false);
  }

  /** The per-epoch metrics as CSV: Save As dialog (desktop) or a download (browser). */
  exportCsv(name: string): Promise<boolean> {
    return this.act(async () => this.deliver(await this.api.call('models:export-csv', { name }), `the metrics of "${name}"`), false);
  }

  /** The model as a Jupyter notebook or ONNX: Save As dialog (desktop) or a download (browser). */
  exportAs(name: string, format: ExportFormat): Promise<boolean> {
    const what = `the ${{ notebook: 'notebook', onnx: 'ONNX export', 'onnx-float32': 'float32 ONNX export' }[format]} of "${name}"`;
    return this.act(async () => this.deliver(await this.api.call('models:export-as', { name, format }), what), false);
  }

  /** Desktop: pick a .safetensors file in the Open dialog and add it to the library. */
  importWithDialog(): Promise<boolean> {
    return this.act(async () => {
      const added = await this.api.call('models:import', {});
      if (!added) return null;
      this.selectedName = added.name;
      return `Imported "${added.name}".`;
    });
  }

  /** Browser mode: add an uploaded file to the library. */
  upload(file: File): Promise<boolean> {
    return this.act(async () => {
      if (file.size > MAX_MODEL_UPLOAD_BYTES) {
        throw new Error(`${file.name} is ${byteSize(file.size)}; a model uploaded from the page can be at most ${byteSize(MAX_MODEL_UPLOAD_BYTES)}. Copy it into the models folder on this machine instead.`);
      }
      const added = await this.api.call('models:upload', await readPickedFile(file));
      this.selectedName = added.name;
      return `Imported ${file.name} as "${added.name}".`;
    });
  }

  dispose(): void {
    this.stopListening();
  }

  private deliver(result: ExportResult, what: string): string | null {
    if (result.download) {
      (this.hooks.download ?? downloadFile)(result.download);
      return `Downloading ${what} as ${result.download.fileName}.`;
    }
    return result.savedTo ? `Saved ${what} to ${result.savedTo}.` : null;
  }

  /**
   * Run one action: busy meanwhile, its message or its error after, the list refreshed when it
   * changed. Resolves to whether it succeeded.
   */
  private async act(action: () => Promise<string | null>, changesList = true): Promise<boolean> {
    this.busy = true;
    this.error = null;
    this.message = null;
    let ok = false;
    try {
      this.message = await action();
      ok = true;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = false;
    }
    if (changesList) await this.refresh();
    return ok;
  }
}

/** A run of this app that was stopped or paused before it completed an epoch (not one going now). */
export function isUnfinishedRun(model: ModelSummary): boolean {
  return model.resumable && model.epochs === 0 && !model.training;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
