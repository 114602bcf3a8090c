/**
 * One training session as the dashboard sees it: the run's state, progress, the series the
 * charts draw, the summary, and any error — all fed by engine events. Large series live in plain
 * arrays (not deep-reactive proxies); `revision` ticks when they change so charts redraw.
 */
import type { EpochMetrics, HealthSample, ModelInfo, RunOutcome, RunState, TrainConfig } from '../../src-engine/protocol';
import type { ApiEvent, ScratchnetApi } from '../../src-main/api-contract';
import { Ema } from '../lib/ema';

/** One chart point. */
export interface Point {
  x: number;
  y: number;
}

export interface Progress {
  /** 1-based epoch in progress (0 before the first batch). */
  epoch: number;
  epochs: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  samplesPerSecond: number;
  /** Seconds left (NaN while unknown). */
  eta: number;
  /** 0..1 over the whole run. */
  fraction: number;
}

/** What the session shows as its state: the engine's, plus the moment between Start and the reply. */
export type SessionState = RunState | 'starting';

const EMPTY_PROGRESS: Progress = { epoch: 0, epochs: 0, stepInEpoch: 0, stepsPerEpoch: 0, samplesPerSecond: 0, eta: NaN, fraction: 0 };

/** Plain arrays of chart points, replaced on each new run. */
export class Series {
  /** Batch loss by step. */
  loss: Point[] = [];
  /** Bias-corrected EMA of the batch loss by step. */
  smooth: Point[] = [];
  /** Learning rate by step. */
  lr: Point[] = [];
  /** Last batch's accuracy by (fractional) epoch. */
  batchAccuracy: Point[] = [];
  train: Point[] = [];
  test: Point[] = [];
  val: Point[] = [];
  /** Test and validation loss per epoch, at the step that ended it (for the loss chart). */
  testLoss: Point[] = [];
  valLoss: Point[] = [];
  /** The engine's health measurements, in step order. */
  health: HealthSample[] = [];
  readonly ema = new Ema(0.95);
}

export class TrainingSession {
  state = $state<SessionState>('idle');
  /** A message from the engine or the host that the person should read. */
  error = $state<string | null>(null);
  /** A note that is not an error (e.g. a trainer warning). */
  note = $state<string | null>(null);
  info = $state.raw<ModelInfo | null>(null);
  config = $state.raw<TrainConfig | null>(null);
  history = $state.raw<EpochMetrics[]>([]);
  progress = $state.raw<Progress>(EMPTY_PROGRESS);
  /** Epoch of the last checkpoint the host keeps. */
  savedEpoch = $state<number | null>(null);
  /** Seconds spent training (pauses excluded). */
  elapsed = $state(0);
  /** Ticks whenever `series` changes. */
  revision = $state(0);
  series = $state.raw(new Series());
  /** How the last run ended (null while it runs, or when not known). */
  outcome = $state.raw<RunOutcome | null>(null);

  private lowestRunId = 1;
  private runId: number | null = null;
  private activeSince: number | null = null;
  private activeBefore = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private readonly stopListening: () => void;

  constructor(
    private readonly api: ScratchnetApi,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.stopListening = api.onEvent((event) => this.handle(event));
  }

  /** Whether a run is going (training or paused). */
  get active(): boolean {
    return this.state === 'starting' || this.state === 'training' || this.state === 'paused';
  }

  /** The best test accuracy so far and its epoch. */
  get best(): { accuracy: number; epoch: number } | null {
    let best: { accuracy: number; epoch: number } | null = null;
    for (const m of this.history) {
      if (Number.isFinite(m.test_accuracy) && (!best || m.test_accuracy > best.accuracy)) best = { accuracy: m.test_accuracy, epoch: m.epoch };
    }
    return best;
  }

  /** Start a run with a sound config. */
  async start(config: TrainConfig): Promise<void> {
    if (this.active) return;
    this.lowestRunId = (this.runId ?? this.lowestRunId - 1) + 1;
    this.runId = null;
    this.series = new Series();
    this.revision++;
    this.history = [];
    this.info = null;
    this.error = null;
    this.note = null;
    this.savedEpoch = null;
    this.outcome = null;
    this.config = config;
    this.progress = { ...EMPTY_PROGRESS, epochs: config.epochs };
    this.activeBefore = 0;
    this.elapsed = 0;
    this.state = 'starting';
    try {
      const { runId, info } = await this.api.call('training:start', { config });
      this.runId = runId;
      this.info = info;
      if (this.state === 'starting') this.setState('training');
    } catch (error) {
      this.fail(error);
    }
  }

  /** Pause a training run. */
  pause(): Promise<void> {
    return this.command('training:pause', 'training');
  }

  /** Resume a paused run. */
  resume(): Promise<void> {
    return this.command('training:resume', 'paused');
  }

  /** Stop a training or paused run. */
  async stop(): Promise<void> {
    if (this.state !== 'training' && this.state !== 'paused') return;
    await this.command('training:stop', this.state);
  }

  /** Pause when training, resume when paused. */
  togglePause(): Promise<void> {
    return this.state === 'paused' ? this.resume() : this.pause();
  }

  /** Resume the run a crash ended, from its last checkpoint (the host refuses when there is none). */
  async recover(): Promise<void> {
    if (this.active) return;
    this.error = null;
    this.lowestRunId = 1;
    this.state = 'starting';
    try {
      const { runId, info } = await this.api.call('training:recover', {});
      this.runId = runId;
      // NOTE: the crashed run got further than its checkpoint; what it drew after it is dropped,
      // so the recovered run's steps carry on from the checkpoint instead of running backwards.
      this.showHistory(info, this.series);
      this.savedEpoch = info.epoch;
      if (this.state === 'starting') this.setState('training');
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Continue a saved model (Models view): its past epochs stay on the charts and the new ones
   * follow. Throws the host's message when it cannot start (the session is then left idle).
   * @param epochs epochs in all to train to
   */
  async continueModel(name: string, epochs: number): Promise<void> {
    if (this.active) throw new Error('A run is going; stop it first.');
    this.lowestRunId = (this.runId ?? this.lowestRunId - 1) + 1;
    this.runId = null;
    this.error = null;
    this.note = null;
    this.savedEpoch = null;
    this.outcome = null;
    this.activeBefore = 0;
    this.elapsed = 0;
    this.state = 'starting';
    try {
      const { runId, info } = await this.api.call('models:continue', { name, epochs });
      this.runId = runId;
      this.showHistory(info);
      if (this.state === 'starting') this.setState('training');
    } catch (error) {
      this.setState('idle');
      throw error;
    }
  }

  /** Show a model opened from the library: its history on the charts, nothing running. */
  showModel(info: ModelInfo): void {
    if (this.active) return;
    this.error = null;
    this.note = null;
    this.outcome = null;
    this.savedEpoch = info.epoch;
    this.elapsed = info.history.reduce((s, m) => s + (Number.isFinite(m.seconds) ? m.seconds : 0), 0);
    this.showHistory(info);
    this.setState('idle');
  }

  /**
   * Replace the charts with a model's per-epoch history.
   * @param batches the per-batch series of the run this model is a checkpoint of: its points up to the
   *   checkpoint's step (and its finished epochs) are kept
   */
  private showHistory(info: ModelInfo, batches?: Series): void {
    const series = new Series();
    if (batches) {
      series.loss = batches.loss.filter((p) => p.x <= info.step);
      for (const p of series.loss) series.smooth.push({ x: p.x, y: series.ema.push(p.y) });
      series.lr = batches.lr.filter((p) => p.x <= info.step);
      series.batchAccuracy = batches.batchAccuracy.filter((p) => p.x <= info.epoch);
    }
    const stepsPerEpoch = info.epoch > 0 ? info.step / info.epoch : 0;
    for (const m of info.history) {
      if (stepsPerEpoch) pushEpochLoss(series, m, m.epoch * stepsPerEpoch);
      series.train.push({ x: m.epoch, y: m.train_accuracy });
      if (Number.isFinite(m.test_accuracy)) series.test.push({ x: m.epoch, y: m.test_accuracy });
      if (m.val_accuracy !== undefined) series.val.push({ x: m.epoch, y: m.val_accuracy });
    }
    this.series = series;
    this.revision++;
    this.info = info;
    this.config = info.config;
    this.history = info.history;
    const epochs = Math.max(info.config?.epochs ?? 0, info.epoch);
    this.progress = { ...EMPTY_PROGRESS, epoch: info.epoch, epochs, fraction: epochs ? info.epoch / epochs : 0 };
  }

  /** Stop listening (component teardown). */
  dispose(): void {
    this.stopListening();
    if (this.ticker) clearInterval(this.ticker);
  }

  private async command(name: 'training:pause' | 'training:resume' | 'training:stop', from: SessionState): Promise<void> {
    if (this.state !== from) return;
    try {
      const { state } = await this.api.call(name, {});
      this.setState(state);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  private fail(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
    this.setState('failed');
  }

  private setState(state: SessionState): void {
    const wasActive = this.state === 'training';
    this.state = state;
    const t = this.now();
    if (state === 'training' && !wasActive) {
      this.activeSince = t;
      this.ticker ??= setInterval(() => this.tick(), 500);
    } else if (state !== 'training' && wasActive) {
      this.tick();
      this.activeBefore = this.elapsed;
      this.activeSince = null;
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  private tick(): void {
    if (this.activeSince !== null) this.elapsed = this.activeBefore + (this.now() - this.activeSince) / 1000;
  }

  private ours(runId: number): boolean {
    return this.runId === null ? runId >= this.lowestRunId : runId === this.runId;
  }

  /** Apply one event from the host. */
  handle(event: ApiEvent): void {
    switch (event.type) {
      case 'batch': {
        if (!this.ours(event.runId)) return;
        const s = this.series;
        event.losses.forEach((l, i) => {
          const step = event.firstStep + i + 1;
          s.loss.push({ x: step, y: l });
          s.smooth.push({ x: step, y: s.ema.push(l) });
        });
        const lastStep = event.firstStep + event.losses.length;
        s.lr.push({ x: lastStep, y: event.lr });
        const at = event.epoch - 1 + event.stepInEpoch / event.stepsPerEpoch;
        s.batchAccuracy.push({ x: at, y: event.accuracy });
        const epochs = this.config?.epochs ?? this.progress.epochs;
        this.progress = {
          epoch: event.epoch,
          epochs,
          stepInEpoch: event.stepInEpoch,
          stepsPerEpoch: event.stepsPerEpoch,
          samplesPerSecond: event.samplesPerSecond,
          eta: event.eta,
          fraction: epochs ? Math.min(1, at / epochs) : 0,
        };
        this.revision++;
        return;
      }
      case 'epoch': {
        if (!this.ours(event.runId)) return;
        const m = event.metrics;
        this.history = [...this.history, m];
        pushEpochLoss(this.series, m, this.series.loss.at(-1)?.x ?? 0);
        this.series.train.push({ x: m.epoch, y: m.train_accuracy });
        if (Number.isFinite(m.test_accuracy)) this.series.test.push({ x: m.epoch, y: m.test_accuracy });
        if (m.val_accuracy !== undefined) this.series.val.push({ x: m.epoch, y: m.val_accuracy });
        this.revision++;
        return;
      }
      case 'state':
        if (!this.ours(event.runId)) return;
        this.runId ??= event.runId;
        if (event.message && event.state === 'training') this.note = event.message;
        this.setState(event.state);
        return;
      case 'health':
        if (!this.ours(event.runId)) return;
        this.series.health.push(...event.samples);
        this.revision++;
        return;
      case 'done':
        if (!this.ours(event.runId)) return;
        this.outcome = event.outcome ?? null;
        if (event.state === 'failed' && event.message) this.error = event.message;
        if (event.state === 'done') this.progress = { ...this.progress, fraction: 1, eta: 0 };
        this.setState(event.state);
        return;
      case 'checkpoint':
        if (this.ours(event.runId)) this.savedEpoch = event.info.epoch;
        return;
      case 'error':
        this.error = event.message;
        return;
      case 'engine:stopped':
        // NOTE: a fresh worker numbers its runs from 1 again.
        this.runId = null;
        this.lowestRunId = 1;
        if (this.active) this.setState('failed');
        return;
      default:
        return;
    }
  }
}

/** An epoch's test and validation loss on the loss chart, at the step that ended the epoch. */
function pushEpochLoss(series: Series, m: EpochMetrics, step: number): void {
  if (Number.isFinite(m.test_loss)) series.testLoss.push({ x: step, y: m.test_loss });
  if (m.val_loss !== undefined && Number.isFinite(m.val_loss)) series.valLoss.push({ x: step, y: m.val_loss });
}
