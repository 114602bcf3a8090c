/**
 * One training session as the dashboard sees it: the run's state, progress, the series the
 * charts draw, the summary, and any error — all fed by engine events. Large series live in plain
 * arrays (not deep-reactive proxies); `revision` ticks when they change so charts redraw.
 */
import type { EpochMetrics, HealthSample, ModelInfo, RunOutcome, RunState, TrainConfig } from '../../src-engine/protocol';
import { endsEpoch } from '../../src-engine/protocol';
import type { ApiEvent, RunStatus, ScratchnetApi } from '../../src-main/host/api-contract';
import { Ema, smoothingFor } from '../lib/ema';
import { atPosition } from '../lib/run-position';
import { TrainedSeconds } from '../../src-main/host/trained-seconds';
import type { RunOrigin } from '../lib/run-plan';

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

/**
 * What the session shows as its state: the engine's, plus the moments between Start (or Stop) and
 * the engine's answer.
 */
export type SessionState = RunState | 'starting' | 'stopping';

const EMPTY_PROGRESS: Progress = { epoch: 0, epochs: 0, stepInEpoch: 0, stepsPerEpoch: 0, samplesPerSecond: 0, eta: NaN, fraction: 0 };

/** Plain arrays of chart points, replaced on each new run. */
export class Series {
  /** Batch loss by step. */
  loss: Point[] = [];
  /** Bias-corrected EMA of the batch loss by step. */
  smooth: Point[] = [];
  /** Learning rate by step. */
  lr: Point[] = [];
  /**
   * The learning rate at the start and at each epoch's end, from a saved model's history, by step:
   * what the chart can show of a run whose steps were not seen (the file keeps no per-step values).
   */
  lrAtEpochs: Point[] = [];
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
  private ema = new Ema(smoothingFor(0));

  /**
   * Smooth for the steps these losses will cover (smoothingFor): the run's to its last epoch from
   * the step its losses start after (a continued run's are only its own). Only before the first
   * loss, so every point is smoothed alike.
   * @param perEpoch batches an epoch (0 when unknown) @param epochs the run's last epoch @param firstStep the step before its first loss
   */
  planSteps(perEpoch: number, epochs: number, firstStep: number): void {
    if (this.loss.length === 0) this.ema = new Ema(smoothingFor(Math.max(0, perEpoch * epochs - firstStep)));
  }

  /** A batch's loss at `step`, and the smoothed loss there. */
  addLoss(step: number, loss: number): void {
    this.loss.push({ x: step, y: loss });
    this.smooth.push({ x: step, y: this.ema.push(loss) });
  }

  /** Steps trained before the first loss here (a continued run's file's); 0 without losses. */
  get stepsBefore(): number {
    return this.loss.length ? this.loss[0].x - 1 : 0;
  }

  /**
   * A fresh run's first batch event comes after a slice of steps: its learning rate is drawn from
   * step 0 at the base rate (every schedule starts there), as a file's is, not from where that
   * slice ended. @param firstStep the step before the first event's losses
   */
  startAtBaseRate(firstStep: number, config: TrainConfig | null): void {
    if (firstStep === 0 && this.lr.length === 0 && config) this.lr.push({ x: 0, y: config.lr });
  }
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
  /** Step of the last checkpoint the host keeps: past its epoch's end when saved at a pause or stop. */
  savedStep = $state<number | null>(null);
  /**
   * The steps per epoch of the run or the model shown, as the engine says (its info, its batch events;
   * 0 when unknown), to place a step in its epoch. NOTE: kept apart from
   * the progress, which a continued run's reply resets; that reply can come after a short run's
   * last batch event.
   */
  stepsPerEpoch = $state(0);
  /** The model file the run the host reported is saved in (restore), null before its first save. */
  restoredName = $state<string | null>(null);
  /** The engine stopped unexpectedly mid-run and the run can resume from its last checkpoint. */
  recoverable = $state(false);
  /**
   * Seconds spent training (pauses and evaluation excluded): the engine's figure at its last event,
   * counted on by this page's clock between events (not during an epoch end's evaluation); a run
   * ends at the engine's own count, which its file records (a time-limited run's file keeps the
   * seconds of the epoch it kept).
   */
  elapsed = $state(0);
  /** What elapsed shows, between the engine's events (the host's run record counts the same way). */
  private readonly trained = new TrainedSeconds(() => this.now());
  /** Ticks whenever `series` changes. */
  revision = $state(0);
  series = $state.raw(new Series());
  /**
   * Where the going (or last) run came from: a new run started here, a saved model continued (to
   * the epoch it stops after), a run recovered after a crash; null when this page did not start it.
   */
  origin = $state.raw<RunOrigin | null>(null);
  /** How the last run ended (null while it runs, or when not known). */
  outcome = $state.raw<RunOutcome | null>(null);

  private lowestRunId = 1;
  /** Stop was pressed while starting: the host is restarting the engine to cancel the start. */
  private cancelling = false;
  private runId: number | null = null;
  /** Whether this page's own start (or continue, recover) is waiting for the engine's reply. */
  private starting = false;
  private restoring: Promise<void> | null = null;
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
    return this.state === 'starting' || this.state === 'training' || this.state === 'paused' || this.state === 'stopping';
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
    this.savedStep = null;
    this.stepsPerEpoch = 0;
    this.outcome = null;
    this.config = config;
    this.origin = { kind: 'new' };
    this.progress = { ...EMPTY_PROGRESS, epochs: config.epochs };
    this.trained.engine(0);
    this.elapsed = 0;
    this.state = 'starting';
    this.starting = true;
    this.recoverable = false;
    try {
      const { runId, info } = await this.api.call('training:start', { config });
      this.runId = runId;
      this.info = info;
      if (this.state === 'starting') this.setState('training');
    } catch (error) {
      this.starting = false;
      if (this.cancelling) return this.fail(error); // this page's own Stop cancelled the start
      // NOTE: another window started a run a moment before: this page shows that run, and says why
      const status = await this.api.call('training:status', {}).catch(() => null);
      if (status && (status.state === 'training' || status.state === 'paused') && status.runId !== null) {
        this.showStatus(status);
        this.note = 'Another window started a run just before this one could; this page shows that run.';
      } else this.fail(error);
    } finally {
      this.starting = false;
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

  /** Stop a training or paused run ("Stopping…" at once, then what the engine confirms); cancel a start the engine has not answered yet. */
  async stop(): Promise<void> {
    if (this.state === 'starting') return this.cancelStart();
    const from = this.state;
    if (from !== 'training' && from !== 'paused') return;
    this.setState('stopping');
    try {
      const { state } = await this.api.call('training:stop', {});
      if (this.state === 'stopping') this.setState(state);
    } catch (error) {
      // NOTE: a run that ended by itself meanwhile has already said so; else the host's account is shown
      if (this.state !== 'stopping') return;
      this.error = error instanceof Error ? error.message : String(error);
      await this.restore();
    }
  }

  /**
   * Show the run the host knows, whole: on opening the page (a reload, a second tab) and when
   * another page starts a run. Events that arrive meanwhile are part of what the host answers.
   */
  restore(): Promise<void> {
    this.restoring ??= this.api
      .call('training:status', {})
      .then((status) => {
        if (status) this.showStatus(status);
      })
      .catch((error: unknown) => {
        this.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => (this.restoring = null));
    return this.restoring;
  }

  private showStatus(status: RunStatus): void {
    if (this.starting) return; // this page's own start wins: its reply and events follow
    const series = new Series();
    const perEpoch = status.progress?.stepsPerEpoch ?? status.info?.stepsPerEpoch ?? 0;
    series.planSteps(perEpoch, Math.max(status.info?.config?.epochs ?? 0, status.info?.epoch ?? 0), status.firstStep);
    const step0 = status.firstStep;
    status.losses.forEach((l, i) => series.addLoss(step0 + i + 1, l));
    series.startAtBaseRate(step0, status.info?.config ?? null);
    for (let i = 0; i + 1 < status.lr.length; i += 2) series.lr.push({ x: status.lr[i], y: status.lr[i + 1] });
    for (let i = 0; i + 1 < status.batchAccuracy.length; i += 2) series.batchAccuracy.push({ x: status.batchAccuracy[i], y: status.batchAccuracy[i + 1] });
    for (const m of status.history) {
      series.train.push({ x: m.epoch, y: m.train_accuracy });
      if (Number.isFinite(m.test_accuracy)) series.test.push({ x: m.epoch, y: m.test_accuracy });
      if (m.val_accuracy !== undefined) series.val.push({ x: m.epoch, y: m.val_accuracy });
      if (perEpoch) pushEpochLoss(series, m, m.epoch * perEpoch);
    }
    series.health.push(...status.health);
    this.series = series;
    this.revision++;
    this.runId = status.runId;
    // NOTE: a run that did not learn (or diverged) stays so after a reload, never a green "Done"
    this.outcome = status.outcome;
    this.lowestRunId = (status.runId ?? 0) + 1;
    this.info = status.info;
    this.config = status.info?.config ?? null;
    this.history = status.history;
    this.savedEpoch = status.savedEpoch;
    this.savedStep = status.savedStep;
    this.stepsPerEpoch = perEpoch;
    this.restoredName = status.savedName;
    const epochs = Math.max(this.config?.epochs ?? 0, status.info?.epoch ?? 0);
    const p = status.progress;
    const at = p ? p.epoch - 1 + p.stepInEpoch / p.stepsPerEpoch : (status.info?.epoch ?? 0);
    this.progress = p
      ? { ...p, epochs, fraction: epochs ? Math.min(1, at / epochs) : 0 }
      : { ...EMPTY_PROGRESS, epoch: status.info?.epoch ?? 0, epochs, fraction: epochs ? at / epochs : 0 };
    if (status.state === 'done') this.progress = { ...this.progress, fraction: 1, eta: 0 };
    this.error = status.state === 'failed' ? status.message : null;
    this.recoverable = status.recoverable;
    this.note = status.state === 'training' ? status.message : this.stoppedNote(status);
    this.trained.engine(status.seconds, p !== null && endsEpoch(p));
    this.setState(status.state);
    this.elapsed = status.seconds;
    this.onShown?.();
  }

  /**
   * Called after the session shows a run the host reported (a reload, or a run another page
   * started): the rest of the app (form, dataset, Weights' name) follows it.
   */
  onShown: (() => void) | null = null;

  /** Where a stopped run was saved, for a page that opens after it stopped. */
  private stoppedNote(status: RunStatus): string | null {
    if (status.state !== 'stopped' || status.savedName === null || status.savedStep === null) return null;
    // NOTE: in the progress bar's terms (epoch, and step in it). The step the run stopped at (its last
    // checkpoint sent) and the step its file holds differ when the stop's save failed or is still being written.
    const perEpoch = this.stepsPerEpoch; // showStatus set it first
    const stoppedAt = status.info ? { epoch: status.info.epoch, step: status.info.step } : { epoch: status.savedEpoch ?? 0, step: status.savedStep };
    const saved = atPosition(status.savedEpoch ?? 0, status.savedStep, perEpoch);
    if (stoppedAt.step !== status.savedStep) {
      return `This run stopped ${atPosition(stoppedAt.epoch, stoppedAt.step, perEpoch)}; "${status.savedName}" holds its last save, ${saved}. Continue it from the Models view.`;
    }
    return `This run stopped ${saved} and was saved as "${status.savedName}". Continue it from the Models view.`;
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
    this.starting = true;
    this.recoverable = false;
    try {
      const { runId, info } = await this.api.call('training:recover', {});
      this.runId = runId;
      this.origin = { kind: 'recovered' };
      // NOTE: the crashed run got further than its checkpoint; what it drew after it is dropped,
      // so the recovered run's steps carry on from the checkpoint instead of running backwards.
      this.showHistory(info, this.series);
      this.savedEpoch = info.epoch;
      this.savedStep = info.step;
      this.stepsPerEpoch = info.stepsPerEpoch;
      if (this.state === 'starting') this.setState('training');
    } catch (error) {
      this.fail(error);
    } finally {
      this.starting = false;
    }
  }

  /**
   * Continue a saved model (Models view): its past epochs stay on the charts and the new ones
   * follow. Throws the host's message when it cannot start (the session is then left idle).
   * @param epochs epochs in all to train to
   * @param keepSchedule fewer than planned: the schedule keeps its planned length and the run stops after `epochs`
   */
  async continueModel(name: string, epochs: number, keepSchedule = false): Promise<void> {
    if (this.active) throw new Error('A run is going; stop it first.');
    this.lowestRunId = (this.runId ?? this.lowestRunId - 1) + 1;
    this.runId = null;
    this.error = null;
    this.note = null;
    this.savedEpoch = null;
    this.savedStep = null;
    this.stepsPerEpoch = 0;
    this.outcome = null;
    this.trained.engine(0);
    this.elapsed = 0;
    this.state = 'starting';
    this.starting = true;
    this.recoverable = false;
    // NOTE: only this run's events land here until the reply: a short run can send its batches and
    // epochs before it, and they must follow the model's history, not be replaced by it.
    this.series = new Series();
    this.history = [];
    try {
      const { runId, info } = await this.api.call('models:continue', { name, epochs, ...(keepSchedule ? { keepSchedule } : {}) });
      this.runId = runId;
      this.origin = { kind: 'continue', name, to: epochs };
      const early = { series: this.series, history: this.history, progress: this.stepsPerEpoch > 0 ? this.progress : null };
      this.showHistory(info);
      this.stepsPerEpoch = info.stepsPerEpoch;
      this.followWith(early);
      // the file's seconds until the run's first batch event says more (not 0 s, then a jump)
      if (early.series.loss.length === 0) this.engineSeconds(info.trainedSeconds ?? 0);
      if (this.state === 'starting') this.setState('training');
    } catch (error) {
      this.cancelling = false;
      this.setState('idle');
      throw error;
    } finally {
      this.starting = false;
    }
  }

  /** Append what a continued run sent before its reply (continueModel) after the model's history. */
  private followWith(early: { series: Series; history: EpochMetrics[]; progress: Progress | null }): void {
    const s = this.series;
    for (const p of early.series.loss) s.addLoss(p.x, p.y);
    s.lr.push(...early.series.lr);
    s.batchAccuracy.push(...early.series.batchAccuracy);
    s.health.push(...early.series.health);
    for (const m of early.history) this.addEpoch(m, this.stepsPerEpoch > 0 ? m.epoch * this.stepsPerEpoch : (s.loss.at(-1)?.x ?? 0));
    if (early.progress) this.progress = early.progress;
    this.revision++;
  }

  /** An epoch's metrics on the charts and in the history; `step` is the step that ended it. */
  private addEpoch(m: EpochMetrics, step: number): void {
    this.history = [...this.history, m];
    pushEpochLoss(this.series, m, step);
    this.series.train.push({ x: m.epoch, y: m.train_accuracy });
    if (Number.isFinite(m.test_accuracy)) this.series.test.push({ x: m.epoch, y: m.test_accuracy });
    if (m.val_accuracy !== undefined) this.series.val.push({ x: m.epoch, y: m.val_accuracy });
  }

  /** Show a model opened from the library: its history on the charts, nothing running. */
  showModel(info: ModelInfo): void {
    if (this.active) return;
    this.error = null;
    this.note = null;
    this.outcome = null;
    this.savedEpoch = info.epoch;
    this.savedStep = info.config ? info.step : null; // a file without its training state does not know its step
    this.stepsPerEpoch = info.stepsPerEpoch;
    // the file's own count includes an unfinished epoch's time, which no history entry holds
    this.trained.engine(info.trainedSeconds ?? info.history.reduce((s, m) => s + (Number.isFinite(m.seconds) ? m.seconds : 0), 0));
    this.elapsed = this.trained.value();
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
    series.planSteps(info.stepsPerEpoch, Math.max(info.config?.epochs ?? 0, info.epoch), batches?.loss.length ? batches.stepsBefore : info.step);
    if (batches) {
      for (const p of batches.loss) if (p.x <= info.step) series.addLoss(p.x, p.y);
      series.lr = batches.lr.filter((p) => p.x <= info.step);
      series.batchAccuracy = batches.batchAccuracy.filter((p) => p.x <= info.epoch);
    }
    // NOTE: not info.step / info.epoch: a file saved at a pause or stop is part of the way into its next epoch
    const seen = series.lr.length > 0;
    // every schedule starts at the base rate; EpochMetrics.lr is the rate of the step after the epoch, as
    // planned then (a continued run that stretched its schedule went on from another)
    if (!seen && info.stepsPerEpoch && info.config && info.history[0]?.epoch === 1) series.lrAtEpochs.push({ x: 0, y: info.config.lr });
    for (const m of info.history) {
      if (info.stepsPerEpoch) pushEpochLoss(series, m, m.epoch * info.stepsPerEpoch);
      if (info.stepsPerEpoch && !seen) series.lrAtEpochs.push({ x: m.epoch * info.stepsPerEpoch, y: m.lr });
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
    // a file saved at a pause or stop is part of the way into its next epoch: the bar says where
    const perEpoch = info.stepsPerEpoch;
    const into = perEpoch ? info.step - info.epoch * perEpoch : 0;
    const at = info.epoch + (into > 0 ? into / perEpoch : 0);
    this.progress = {
      ...EMPTY_PROGRESS,
      epoch: into > 0 ? info.epoch + 1 : info.epoch,
      stepInEpoch: into > 0 ? into : info.epoch > 0 ? perEpoch : 0,
      stepsPerEpoch: perEpoch,
      epochs,
      fraction: epochs ? at / epochs : 0,
    };
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

  /** Give up on a start the engine is stuck in (e.g. a network too large for memory): the host restarts it. */
  private async cancelStart(): Promise<void> {
    this.cancelling = true;
    try {
      await this.api.call('training:cancel', {});
    } catch {
      this.cancelling = false; // the start was answered meanwhile: nothing to cancel
    }
  }

  private fail(error: unknown): void {
    if (this.cancelling) {
      this.cancelling = false;
      this.setState('stopped');
      return;
    }
    this.error = error instanceof Error ? error.message : String(error);
    this.setState('failed');
  }

  private setState(state: SessionState): void {
    const wasActive = this.state === 'training';
    this.state = state;
    this.trained.setTraining(state === 'training');
    if (state === 'training' && !wasActive) {
      this.ticker ??= setInterval(() => this.tick(), 500);
    } else if (state !== 'training' && wasActive) {
      this.tick();
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  /**
   * The engine's own count of seconds trained. NOTE: the page's clock alone also counted the epoch
   * ends' evaluation and the events' way here: a run showed 2.7 s live and 2.2 s once opened.
   */
  private engineSeconds(seconds: number, atEpochEnd = false): void {
    if (!(seconds > 0)) return; // no run trained (a start that failed)
    this.trained.engine(seconds, atEpochEnd);
    this.elapsed = seconds;
  }

  private tick(): void {
    this.elapsed = this.trained.value();
  }

  private ours(runId: number): boolean {
    return this.runId === null ? this.starting && runId >= this.lowestRunId : runId === this.runId;
  }

  /** Apply one event from the host. */
  handle(event: ApiEvent): void {
    switch (event.type) {
      case 'batch': {
        if (!this.ours(event.runId)) return;
        const s = this.series;
        s.planSteps(event.stepsPerEpoch, this.config?.epochs ?? this.progress.epochs, event.firstStep);
        // NOTE: steps already drawn (given whole by restore) are not drawn twice
        const drawn = s.loss.at(-1)?.x ?? -Infinity;
        event.losses.forEach((l, i) => {
          const step = event.firstStep + i + 1;
          if (step <= drawn) return;
          s.addLoss(step, l);
        });
        this.engineSeconds(event.seconds, endsEpoch(event));
        const lastStep = event.firstStep + event.losses.length;
        s.startAtBaseRate(event.firstStep, this.config);
        s.lr.push({ x: lastStep, y: event.lr });
        const at = event.epoch - 1 + event.stepInEpoch / event.stepsPerEpoch;
        s.batchAccuracy.push({ x: at, y: event.accuracy });
        const epochs = this.config?.epochs ?? this.progress.epochs;
        this.stepsPerEpoch = event.stepsPerEpoch;
        this.progress = {
          epoch: event.epoch,
          epochs,
          stepInEpoch: event.stepInEpoch,
          stepsPerEpoch: event.stepsPerEpoch,
          // NOTE: 0 is "not measured yet" (the engine's first slice after a start or a resume): keep what is known.
          samplesPerSecond: event.samplesPerSecond > 0 ? event.samplesPerSecond : this.progress.samplesPerSecond,
          eta: event.eta,
          fraction: epochs ? Math.min(1, at / epochs) : 0,
        };
        this.revision++;
        return;
      }
      case 'epoch': {
        if (!this.ours(event.runId)) return;
        const m = event.metrics;
        this.addEpoch(m, this.series.loss.at(-1)?.x ?? 0);
        // A run too short for the engine to measure its pace between slices still has its epoch's.
        if (!(this.progress.samplesPerSecond > 0) && m.samples_per_second > 0) this.progress = { ...this.progress, samplesPerSecond: m.samples_per_second };
        this.revision++;
        return;
      }
      case 'state':
        if (!this.ours(event.runId)) {
          // a run this page did not start (another tab, or one going when it opened): show it whole
          if (event.state === 'training' && event.runId >= this.lowestRunId) void this.restore();
          return;
        }
        this.runId ??= event.runId;
        if (event.message && event.state === 'training') this.note = event.message;
        // NOTE: while stopping, only the engine's end of the run is news
        if (this.state === 'stopping' && (event.state === 'training' || event.state === 'paused')) return;
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
        this.engineSeconds(event.seconds);
        return;
      case 'models:saved':
        // NOTE: the file on disk, not the engine's checkpoint: a write under way or failed is no save.
        if (this.ours(event.runId)) {
          this.savedEpoch = event.epoch;
          this.savedStep = event.step;
        }
        return;
      case 'error':
        this.error = event.message;
        return;
      case 'engine:stopped':
        // NOTE: a fresh worker numbers its runs from 1 again.
        this.recoverable = event.recoverable;
        this.runId = null;
        this.lowestRunId = 1;
        if (this.active) this.setState(this.cancelling ? 'stopped' : 'failed');
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
