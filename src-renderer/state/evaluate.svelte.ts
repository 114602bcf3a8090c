/**
 * The Evaluate view's state: the engine's evaluation report of the open (or training) model on the
 * test or validation images, the galleries, and the hidden-layer map, whose projection runs in a
 * worker. Nothing is asked of the engine unless the view is open (DESIGN.md: heavy views).
 */
import type { EvalSplit, EvaluationReport, Gallery, GalleryQuery, HiddenActivations } from '../../src-engine/protocol';
import type { ApiEvent, ApiCalls, ScratchnetApi } from '../../src-main/host/api-contract';
import type { ProjectionMethod, ProjectionProgress } from '../lib/projection';
import type { ProjectionReply, ProjectionRequest } from '../lib/projection-messages';

type EvaluateCall = 'model:evaluate' | 'model:gallery' | 'model:hidden';

/** The part of the app API the view uses (ScratchnetApi, or a fake in tests). */
export interface EvaluateApi extends Pick<ScratchnetApi, 'onEvent'> {
  call<K extends EvaluateCall>(name: K, args: ApiCalls[K]['args']): Promise<ApiCalls[K]['result']>;
}

/** What the projection needs of a worker (a Web Worker, or a fake in tests). */
export interface ProjectionWorker {
  postMessage(m: ProjectionRequest): void;
  onmessage: ((e: MessageEvent<ProjectionReply>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  terminate(): void;
}

/** Digits shown per gallery. */
export const GALLERY_SIZE = 48;
/** Digits a gallery shows when asked for all of them (the host's cap). */
export const GALLERY_ALL = 1000;

/** The map's usual sizes; a split smaller than one offers all of its digits instead. */
const MAP_COUNTS = [1000, 2000, 5000];

/**
 * The numbers of digits the map offers for a split of `size` images (null: not known yet): never
 * more than the split holds, so the count on show is the count on the map.
 */
export function mapCountChoices(size: number | null): number[] {
  if (size === null) return MAP_COUNTS;
  const fewer = MAP_COUNTS.filter((n) => n < size);
  return size <= MAP_COUNTS[MAP_COUNTS.length - 1] ? [...fewer, size] : fewer;
}

/** The projection worker the app uses (a module Web Worker bundled by Vite). */
export function defaultWorker(): ProjectionWorker {
  return new Worker(new URL('../lib/projection-worker.ts', import.meta.url), { type: 'module' }) as unknown as ProjectionWorker;
}

/** The Evaluate view's report, galleries and hidden-layer map. */
export class EvaluateState {
  split = $state<EvalSplit>('test');
  summary = $state.raw<EvaluationReport | null>(null);
  /** Evaluating now. */
  busy = $state(false);
  error = $state<string | null>(null);
  /** The chosen confusion cell and its digits. */
  cell = $state.raw<{ truth: number; predicted: number } | null>(null);
  cellGallery = $state.raw<Gallery | null>(null);
  wrong = $state.raw<Gallery | null>(null);
  unsure = $state.raw<Gallery | null>(null);
  /** The weights changed (an epoch ended) since this report. */
  stale = $state(false);

  /** Hidden-layer map: layer index in architecture.layers, digits, method, and the result. */
  layer = $state<number | null>(null);
  /** The number of digits chosen for the map; mapDigits is what the evaluated split can give of it. */
  mapCount = $state(2000);

  /** The chosen count, or the most the split holds when it holds fewer (a 1,000-image validation split: all 1,000). */
  get mapDigits(): number {
    const choices = mapCountChoices(this.summary?.count ?? null);
    return choices.includes(this.mapCount) ? this.mapCount : Math.max(choices[0], ...choices.filter((n) => n <= this.mapCount));
  }
  method = $state<ProjectionMethod>('pca');
  hidden = $state.raw<HiddenActivations | null>(null);
  points = $state.raw<Float32Array | null>(null);
  progress = $state.raw<ProjectionProgress | null>(null);
  mapSeconds = $state<number | null>(null);
  /** The method of the map on show. */
  mapMethod = $state<ProjectionMethod | null>(null);
  mapError = $state<string | null>(null);
  /** The map on show is of earlier weights (a UMAP map, which takes seconds, is drawn again only when asked). */
  mapStale = $state(false);
  /**
   * Counts changes of the engine's weights (epoch ends, another model); a map is of the count at which
   * its activations were fetched. NOTE: not reactive: modelChanged runs inside the app's effects.
   */
  private weightsVersion = 0;
  private mapVersion = 0;
  /** The activations of the map being drawn, shown with its points. */
  private pendingHidden: HiddenActivations | null = null;

  /** The view is on screen: only then does the state ask the engine for anything. */
  private open = false;
  private generation = 0;
  private worker: ProjectionWorker | null = null;
  private job = 0;
  private readonly stopListening: () => void;

  constructor(
    private readonly api: EvaluateApi,
    private readonly makeWorker: () => ProjectionWorker = defaultWorker,
  ) {
    this.stopListening = api.onEvent((e) => this.handle(e));
  }

  /**
   * The view opened: evaluate the model as it is now.
   * @param hasModel false when the engine holds no model yet (one trained or opened later is evaluated then)
   */
  show(hasModel = true): Promise<void> {
    this.open = true;
    return hasModel ? this.evaluate() : Promise.resolve();
  }

  /** The view closed: stop any projection and ask nothing more. */
  hide(): void {
    this.open = false;
    this.cancelMap();
  }

  /** Another model is in the engine: forget everything about the last one. */
  modelChanged(): void {
    this.summary = null;
    this.cell = null;
    this.cellGallery = this.wrong = this.unsure = null;
    this.hidden = null;
    this.points = null;
    this.layer = null;
    this.weightsVersion++;
    this.mapStale = false;
    this.cancelMap(); // a projection of the last model's activations must not land on this one
    if (this.open) void this.evaluate();
  }

  setSplit(split: EvalSplit): Promise<void> {
    this.split = split;
    this.cell = null;
    this.cellGallery = null;
    this.points = null;
    this.mapStale = false;
    this.hidden = null;
    this.cancelMap();
    return this.evaluate();
  }

  /** Evaluate the engine's model on the split and fetch the galleries. */
  async evaluate(): Promise<void> {
    const generation = ++this.generation;
    const split = this.split;
    const version = this.weightsVersion;
    this.busy = true;
    this.error = null;
    try {
      const summary = await this.api.call('model:evaluate', { split });
      const [wrong, unsure, cellGallery] = await Promise.all([
        this.gallery({ kind: 'wrong' }),
        this.gallery({ kind: 'unsure' }),
        this.cell ? this.gallery({ kind: 'cell', ...this.cell }) : Promise.resolve(null),
      ]);
      if (generation !== this.generation) return;
      this.summary = summary;
      this.wrong = wrong;
      this.unsure = unsure;
      this.cellGallery = cellGallery;
      // NOTE: an epoch that ended while this ran (handle() skips a busy evaluation) is evaluated now
      this.stale = version !== this.weightsVersion;
      if (this.stale && this.open) {
        void this.evaluate();
        return;
      }
      this.refreshMap();
    } catch (error) {
      if (generation !== this.generation) return;
      this.summary = null;
      this.error = messageOf(error);
    } finally {
      if (generation === this.generation) this.busy = false;
    }
  }

  /** Every digit of a gallery (up to GALLERY_ALL), where the first GALLERY_SIZE left some out. */
  async showAll(which: 'wrong' | 'unsure' | 'cell'): Promise<void> {
    const generation = this.generation;
    const cell = this.cell;
    if (which === 'cell' && !cell) return;
    try {
      const query: GalleryQuery = which === 'cell' ? { kind: 'cell', ...cell! } : { kind: which };
      const g = await this.api.call('model:gallery', { split: this.split, query, limit: GALLERY_ALL });
      // NOTE: not over a newer evaluation's galleries, nor another cell's
      if (generation !== this.generation) return;
      if (which === 'wrong') this.wrong = g;
      else if (which === 'unsure') this.unsure = g;
      else if (this.cell === cell) this.cellGallery = g;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Show one confusion cell's digits, most confident first. */
  async showCell(truth: number, predicted: number): Promise<void> {
    this.cell = { truth, predicted };
    try {
      const g = await this.gallery({ kind: 'cell', truth, predicted });
      if (this.cell?.truth === truth && this.cell.predicted === predicted) this.cellGallery = g;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /**
   * A PCA map takes a fraction of a second: it is drawn with the report, and again for new weights
   * (the old one stays on screen, said to be of earlier weights, until the new one is in).
   */
  private refreshMap(): void {
    if (!this.open || this.layer === null || this.method !== 'pca' || this.progress) return;
    if (this.points === null) void this.makeMap();
    else if (this.mapStale && this.mapMethod === 'pca') void this.makeMap(true);
  }

  /**
   * Fetch a hidden layer's activations and project them in the worker.
   * @param keep leave the map on show until the new one replaces it (a redraw for new weights)
   */
  async makeMap(keep = false): Promise<void> {
    if (this.layer === null) return;
    this.stopWorker();
    this.mapError = null;
    if (!keep) {
      this.points = null;
      this.hidden = null;
      this.mapStale = false;
    }
    this.mapSeconds = null;
    this.progress = { stage: 'asking the engine for activations', fraction: 0 };
    const job = ++this.job;
    const method = this.method;
    const version = this.weightsVersion;
    try {
      const hidden = await this.api.call('model:hidden', { split: this.split, layer: this.layer, count: this.mapDigits });
      if (job !== this.job) return;
      this.pendingHidden = hidden;
      const worker = this.makeWorker();
      this.worker = worker;
      worker.onmessage = (e) => this.onWorker(job, e.data);
      worker.onerror = (e) => this.onWorker(job, { type: 'error', id: job, message: e.message || 'the projection worker failed' });
      // NOTE: a copy goes to the worker; the activations stay here for re-projection.
      this.mapMethod = method;
      this.mapVersion = version;
      worker.postMessage({ id: job, method, rows: hidden.activations.slice(), n: hidden.count, d: hidden.units });
    } catch (error) {
      if (job !== this.job) return;
      this.progress = null;
      this.mapError = messageOf(error);
    }
  }

  /** Stop the projection running now (if any). */
  cancelMap(): void {
    this.job++;
    this.stopWorker();
    this.progress = null;
  }

  handle(event: ApiEvent): void {
    // NOTE: new weights at an epoch's end: re-evaluate only while the view is on screen.
    if (event.type === 'epoch' || (event.type === 'done' && this.summary)) {
      this.stale = true;
      this.weightsVersion++;
      if (this.points) this.mapStale = true;
      if (this.open && !this.busy) void this.evaluate();
    }
  }

  dispose(): void {
    this.stopListening();
    this.stopWorker();
  }

  private gallery(query: GalleryQuery): Promise<Gallery> {
    return this.api.call('model:gallery', { split: this.split, query, limit: GALLERY_SIZE });
  }

  private onWorker(job: number, m: ProjectionReply): void {
    if (job !== this.job) return;
    if (m.type === 'progress') this.progress = { stage: m.stage, fraction: m.fraction };
    else {
      this.progress = null;
      if (m.type === 'done') {
        // the digits and their places together: the old map's stay until both are new
        this.hidden = this.pendingHidden;
        this.points = m.points;
        this.mapStale = this.mapVersion !== this.weightsVersion;
        this.mapSeconds = m.seconds;
        this.stopWorker();
        this.refreshMap(); // the weights changed while it was drawn
        return;
      }
      this.mapError = m.message;
      this.stopWorker();
    }
  }

  private stopWorker(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
