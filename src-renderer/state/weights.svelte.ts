/**
 * What the Weights view shows: the latest weights (live while training, or of the opened model),
 * a snapshot at the start of the run and at every epoch end to scrub back through, the drawing
 * options, the selected unit, and the dataset's mean images. Snapshots are kept as the engine
 * sends them (Float32Array), never copied into reactive proxies.
 */
import type { DatasetInfo, DatasetSource, ModelInfo, WeightsSnapshot } from '../../src-engine/protocol';
import type { ApiEvent, ScratchnetApi } from '../../src-main/host/api-contract';
import { inkMask, type ScaleMode } from '../lib/weight-tiles';

/** One point of the scrubber. */
export interface Frame {
  /** "start", "epoch 3" */
  label: string;
  snapshot: WeightsSnapshot;
}

/** The most frames kept per run; beyond it every second one is dropped (first and last stay). */
export const MAX_FRAMES = 64;
/** Fewer frames for big models: their snapshots together stay under about this many bytes. */
const MAX_FRAME_BYTES = 256 * 2 ** 20;
/** While a run trains and a view shows the weights, they are asked for again this long after the last answer (ms). */
export const LIVE_WEIGHTS_EVERY_MS = 400;

export class WeightsState {
  /** The newest weights. */
  live = $state.raw<WeightsSnapshot | null>(null);
  /** The run's start and each epoch's end, oldest first. */
  frames = $state.raw<Frame[]>([]);
  /** Index into frames being looked at, or null to follow the live weights. */
  frame = $state<number | null>(null);
  mode = $state<ScaleMode>('shared');
  /** Grey out the pixels that no training image ever inks. */
  hideUnused = $state(true);
  /** CSS pixels per weight in the grid, or 'fit' to fill the space. */
  zoom = $state<number | 'fit'>('fit');
  /** The unit opened large, or null. */
  selected = $state<number | null>(null);
  /** Units ringed in the grid: the ones that fired most for the digit pad's drawing. */
  marked = $state.raw<number[]>([]);
  model = $state.raw<ModelInfo | null>(null);
  /** The model file these weights are of: the opened model, or the one the run saves into (null until its first save). */
  modelName = $state<string | null>(null);
  dataset = $state.raw<DatasetInfo | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);

  private runId: number | null = null;
  /** Views on screen that show the weights (the Weights view, the digit pad's tiles). */
  private watchers = 0;
  /** Whether the engine's run is training (its weights change). */
  private training = false;
  private asking: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private maskCache: { of: DatasetInfo; mask: Uint8Array } | null = null;
  private datasetKey: string | null = null;
  private readonly stopListening: () => void;

  constructor(private readonly api: ScratchnetApi) {
    this.stopListening = api.onEvent((e) => this.handle(e));
  }

  /** The snapshot on screen: the scrubbed-to frame, or the live one. */
  get shown(): WeightsSnapshot | null {
    return this.frame === null ? this.live : (this.frames[this.frame]?.snapshot ?? this.live);
  }

  /**
   * [inputs] 0 for the pixels no training image inks (drawn grey when hideUnused), or null when
   * off or when the dataset's images do not fit the first layer.
   */
  get mask(): Uint8Array | null {
    const d = this.dataset;
    const inputs = this.live?.layers[0]?.in;
    if (!this.hideUnused || !d || d.rows * d.cols !== inputs) return null;
    if (this.maskCache?.of !== d) this.maskCache = { of: d, mask: inkMask(d.meanImages, inputs) };
    return this.maskCache.mask;
  }

  /** Class names of the model's output (or "0", "1", ...). */
  get classes(): string[] {
    const out = this.live?.layers.at(-1)?.out ?? 0;
    return this.model?.architecture.classes ?? Array.from({ length: out }, (_, i) => String(i));
  }

  /**
   * A view that shows the weights came on screen: they are fetched now and, while a run trains,
   * again after each answer (never more than one request in flight, none while no view looks).
   * Returns the function to call when the view goes.
   */
  watch(): () => void {
    this.watchers++;
    void this.refresh();
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      this.watchers--;
      if (this.watchers === 0 && this.timer) clearTimeout(this.timer);
      if (this.watchers === 0) this.timer = null;
    };
  }

  /** Whether the engine's run is training (a page that opened mid-run learns it from the host). */
  setTraining(training: boolean): void {
    if (training === this.training) return;
    this.training = training;
    if (this.watchers > 0) void this.refresh();
  }

  /** Apply one event: live weights, a new run, a checkpoint's model info, an engine restart. */
  handle(event: ApiEvent): void {
    switch (event.type) {
      case 'state': {
        const training = event.state === 'training';
        if (training && this.runId !== event.runId) this.forgetRun(event.runId);
        // a run that starts is followed live; one that ends is shown as it ended
        if (training !== this.training || !training) {
          this.training = training;
          if (this.watchers > 0) void this.refresh();
        }
        return;
      }
      case 'weights': {
        if (event.runId !== this.runId) this.forgetRun(event.runId);
        this.live = event.snapshot;
        this.error = null;
        if (event.epochEnd) this.addFrame({ label: `epoch ${event.snapshot.epoch}`, snapshot: event.snapshot });
        else if (this.frames.length === 0) {
          const label = event.snapshot.step === 0 ? 'start' : `start (epoch ${event.snapshot.epoch})`;
          this.addFrame({ label, snapshot: event.snapshot });
        }
        return;
      }
      case 'checkpoint':
        if (event.runId === this.runId) void this.useModel(event.info);
        return;
      case 'models:saved':
        this.modelName = event.name;
        return;
      case 'engine:stopped':
        this.runId = null;
        this.training = false;
        return;
      default:
        return;
    }
  }

  /**
   * Show a model: remember its info and load its dataset's mean images. With `opened`, it is a
   * model opened from disk: its weights are fetched and the previous run's frames forgotten.
   */
  async useModel(info: ModelInfo, opened = false): Promise<void> {
    this.model = info;
    if (opened) {
      this.forgetRun(null);
      this.live = null;
      if (this.watchers > 0) await this.refresh();
    }
    const source: DatasetSource | null = info.config?.dataset ?? (info.architecture.input.shape.join('x') === '28x28' ? { kind: 'mnist' } : null);
    if (source) await this.loadDataset(source);
  }

  /**
   * Ask the engine for its current model's weights (live during a run, an opened model, after a
   * restart or a reload). Weights of another model than the one on show (outside the run being
   * followed: not the same step and shape) start a fresh history.
   */
  refresh(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // NOTE: one request at a time; a refresh asked for meanwhile is the next poll's.
    this.asking ??= this.ask().finally(() => {
      this.asking = null;
      if (this.watchers > 0 && this.training && !this.timer) this.timer = setTimeout(() => void this.refresh(), LIVE_WEIGHTS_EVERY_MS);
    });
    return this.asking;
  }

  private async ask(): Promise<void> {
    this.loading = this.live === null;
    try {
      const snapshot = await this.api.call('model:weights', {});
      const followed = this.runId !== null && this.live !== null && sameShape(this.live, snapshot);
      if (!this.live || !(followed || sameModel(this.live, snapshot))) this.forgetRun(null);
      this.live = snapshot;
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  /** Start the history of another run (or of no run: an opened model). */
  private forgetRun(runId: number | null): void {
    this.runId = runId;
    this.frames = [];
    this.frame = null;
    this.selected = null;
    this.marked = [];
  }

  /** Load the mean images of a dataset (kept while the same one is in use). */
  async loadDataset(source: DatasetSource): Promise<void> {
    const key = JSON.stringify(source);
    if (key === this.datasetKey) return;
    this.datasetKey = key;
    try {
      const info = await this.api.call('dataset:info', { source });
      if (this.datasetKey === key) this.dataset = info;
    } catch {
      // NOTE: the grid works without mean images; only the baseline strip and the mask are missing.
      if (this.datasetKey === key) this.dataset = null;
    }
  }

  /** Look at frame i, or follow the live weights (null). */
  scrub(i: number | null): void {
    this.frame = i === null || i >= this.frames.length ? null : Math.max(0, Math.floor(i));
  }

  /** Open a unit large (null closes it). */
  select(unit: number | null): void {
    const units = this.live?.layers[0]?.out ?? 0;
    this.selected = unit !== null && unit >= 0 && unit < units ? unit : null;
  }

  /** Open a unit and ring others (from the digit pad: its most active hidden units). */
  showUnits(unit: number, marked: number[]): void {
    this.frame = null;
    this.marked = marked;
    this.select(unit);
  }

  dispose(): void {
    this.stopListening();
    if (this.timer) clearTimeout(this.timer);
    this.watchers = 0;
  }

  private addFrame(frame: Frame): void {
    let frames = [...this.frames, frame];
    const bytes = frame.snapshot.layers.reduce((n, l) => n + l.weight.byteLength + l.bias.byteLength, 0);
    const most = Math.max(8, Math.min(MAX_FRAMES, Math.floor(MAX_FRAME_BYTES / Math.max(1, bytes))));
    if (frames.length > most) frames = frames.filter((_, i) => i % 2 === 0 || i === frames.length - 1);
    if (this.frame !== null && frames.length < this.frames.length) this.frame = null;
    this.frames = frames;
  }
}

/** Whether two snapshots are of the same model at the same moment (step and layer shapes). */
function sameModel(a: WeightsSnapshot, b: WeightsSnapshot): boolean {
  return a.step === b.step && a.epoch === b.epoch && sameShape(a, b);
}

/** Whether two snapshots have the same layer shapes. */
function sameShape(a: WeightsSnapshot, b: WeightsSnapshot): boolean {
  return a.layers.length === b.layers.length && a.layers.every((l, i) => l.in === b.layers[i].in && l.out === b.layers[i].out);
}
