/**
 * Run control: starts, pauses, resumes and stops training, and runs it in slices so that pause,
 * stop and predictions are handled between batches; sends the run's events (state, batch losses,
 * epochs, weights, checkpoints). It also holds the engine's model: a run's, or one opened from a file.
 */
import { parameterCount } from '../architecture';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from '../checkpoint/codec';
import type { Dataset } from '../data/dataset';
import { type EngineCalls, MAX_EVENTS_PER_SECOND, type ModelInfo, type RunState } from '../protocol';
import { validateConfig } from '../train/config';
import { runBaseline } from '../train/baseline';
import { memoryProblem } from '../train/memory';
import { modelFromCheckpoint } from '../checkpoint/layout';
import { findLearningRate } from '../train/lr-finder';
import { divergedOutcome, type RunOutcome, stoppedOutcome } from '../train/outcome';
import { architectureFor, DivergenceError, prepareData, type RunData, Trainer } from '../train/trainer';
import { stepsPerEpochOf, trainedSecondsOf } from '../train/training-state';
import type { DatasetCache, HeldModel } from './held-model';
import { weightsSnapshot } from './inspection';
import type { ServiceDeps } from './service-deps';

/** Milliseconds of training between two looks at the message queue. */
const SLICE_MS = 30;
/** The shortest stretch of training that samples/s is measured over (a few slices and the gaps between them). */
const RATE_WINDOW_MS = 250;

type CheckpointReason = 'epoch' | 'pause' | 'stop' | 'done';

export class RunControl {
  private current: HeldModel | null = null;
  private trainer: Trainer | null = null;
  /** The model as a checkpoint when no run holds it: opened from a file, or a finished run. */
  private loadedCheckpoint: Checkpoint | null = null;
  /** The run's step at its last kept checkpoint (null when none is kept for this run). */
  private keptStep: number | null = null;
  private runId = 0;
  private state: RunState = 'idle';
  private pending: number[] = [];
  private firstPendingStep = 0;
  private lastBatchEvent = 0;
  /** The epoch the run stops after, before its schedule's end (train:start's stopAfter), or null. */
  private stopAfter: number | null = null;
  /** Training speed as the person waits for it: steps over the wall time between slices, pauses and epoch ends left out. */
  private stepsPerSecond = 0;
  /**
   * Where the speed's current window began (clock ms, step), or null until a slice has run since
   * the run started or resumed: that first slice compiles code and places the data, and is left out.
   */
  private rateFrom: { at: number; step: number } | null = null;
  /** Seconds the last epoch's end took (test-set evaluation and its events): part of the ETA. */
  private epochEndSeconds = 0;
  private lastAccuracy = 0;
  /** How the run that is ending ended (set just before its last checkpoint). */
  private outcome: RunOutcome | null = null;

  constructor(private readonly deps: ServiceDeps, private readonly datasets: DatasetCache) {}

  /** Whether a run is going (training or paused). */
  busy(): boolean {
    return this.state === 'training' || this.state === 'paused';
  }

  /** The engine's model now; throws when there is none. */
  held(): HeldModel {
    if (!this.current) throw new Error('there is no model yet: train one or open a file');
    return this.current;
  }

  start(config: unknown, resume: unknown, stopAfter: unknown): EngineCalls['train:start']['result'] {
    if (this.busy()) throw new Error('a run is already going; stop it first');
    if (typeof config !== 'object' || config === null) throw new Error('no training settings given');
    validateConfig(config);
    const checkpoint = resume ? this.decode(resume, 'the model to resume') : undefined;
    const loaded = this.datasets.get(config.dataset);
    const data: RunData = prepareData(config, loaded.train, loaded.test);
    // NOTE: before a buffer is allocated: a network too large for memory would otherwise hang here.
    const tooLarge = memoryProblem(checkpoint?.architecture ?? architectureFor(config, data.train), config, this.deps.freeMemory?.());
    if (tooLarge) throw new Error(tooLarge);
    const trainer = new Trainer(config, data, this.deps.clock, checkpoint);
    if (trainer.finished) throw new Error(`the model has already trained ${trainer.state.epoch} epochs; set more epochs to continue`);
    if (stopAfter !== undefined && (!Number.isInteger(stopAfter) || (stopAfter as number) <= trainer.state.epoch || (stopAfter as number) >= config.epochs)) {
      throw new Error(`stop after must be an epoch after ${trainer.state.epoch} and before ${config.epochs} (got ${String(stopAfter)})`);
    }
    this.stopAfter = (stopAfter as number | undefined) ?? null;
    this.trainer = trainer;
    this.keptStep = null;
    this.runId++;
    this.current = {
      model: trainer.model,
      config,
      history: trainer.history,
      epoch: trainer.state.epoch,
      step: trainer.state.step,
      datasetName: data.meta.name,
      baselineAccuracy: trainer.baselineAccuracy(),
      stepsPerEpoch: trainer.stepsPerEpoch,
      trainedSeconds: null,
      test: data.test,
      wrong: null,
      validation: data.validation,
    };
    this.pending = [];
    this.firstPendingStep = trainer.state.step;
    this.stepsPerSecond = 0;
    this.rateFrom = null;
    this.epochEndSeconds = 0;
    this.setState('training', trainer.warning ?? undefined);
    // the weights as training starts: the first frame of the renderer's epoch scrubber. NOTE: only
    // this frame and each epoch's end are sent unasked; a view that shows live weights asks for
    // them (model:weights) while it is on screen, at the pace it can draw them.
    this.deps.emit({ type: 'weights', runId: this.runId, snapshot: weightsSnapshot(this.current), epochEnd: false });
    this.deps.defer(() => this.loop(this.runId));
    return { runId: this.runId, info: this.info() };
  }

  /** The range test runs on its own model and optimizer: the run and the kept model are untouched. */
  lrFind(config: unknown): EngineCalls['train:lr-find']['result'] {
    if (typeof config !== 'object' || config === null) throw new Error('no training settings given');
    validateConfig(config);
    const loaded = this.datasets.get(config.dataset);
    return findLearningRate(config, prepareData(config, loaded.train, loaded.test));
  }

  pause(): { state: RunState } {
    if (this.state !== 'training') throw new Error('nothing is training');
    this.flushBatch(true);
    if (this.emitCheckpoint('pause')) this.setState('paused');
    return { state: this.state };
  }

  resume(): { state: RunState } {
    if (this.state !== 'paused' || !this.trainer) throw new Error('nothing is paused');
    this.rateFrom = null; // the pause is not training time
    this.setState('training');
    const id = this.runId;
    this.deps.defer(() => this.loop(id));
    return { state: this.state };
  }

  stop(): { state: RunState } {
    if (!this.busy()) throw new Error('nothing is training');
    this.flushBatch(true);
    const t = this.trainer!;
    this.outcome = stoppedOutcome(t.state.epoch, t.config.epochs, t.state.stepInEpoch, t.stepsPerEpoch);
    if (this.emitCheckpoint('stop')) this.finish('stopped');
    return { state: this.state };
  }

  /** Open a model file: it becomes the engine's model (with the test images, where known). */
  load(bytes: unknown, fileName: unknown): ModelInfo {
    if (this.busy()) throw new Error('stop the current run before opening another model');
    const c = this.decode(bytes, typeof fileName === 'string' ? fileName : 'model');
    const model = modelFromCheckpoint(c);
    const config = c.training?.config ?? null;
    let test: Dataset | null = null;
    let validation: Dataset | null = null;
    let baseline = c.dataset?.baseline ?? null;
    try {
      // NOTE: only the bundled MNIST is loaded on the file's say-so: a path written inside a
      // model file (perhaps from someone else) is never read. Other data must be chosen again.
      if (config) {
        const known = config.dataset.kind === 'mnist' ? this.datasets.get(config.dataset) : this.datasets.known(config.dataset);
        const data = known ? prepareData(config, known.train, known.test) : null;
        test = data?.test ?? null;
        validation = data?.validation ?? null;
        // a file saved before checkpoints recorded the baseline: measure it on the same data (0.15 s for MNIST)
        if (baseline === null && data) baseline = runBaseline(data);
      } else if (model.inputSize === 784 && model.outputSize === 10) test = this.datasets.get({ kind: 'mnist' }).test;
    } catch {
      test = null; // the model still opens; its test digits are just not available
    }
    this.loadedCheckpoint = c;
    this.trainer = null;
    this.state = 'idle';
    this.current = {
      model,
      config,
      history: c.history,
      epoch: c.training?.epoch ?? c.history.length,
      step: c.training?.step ?? 0,
      datasetName: c.dataset?.name ?? 'unknown',
      baselineAccuracy: baseline,
      stepsPerEpoch: stepsPerEpochOf(c.training, c.dataset),
      trainedSeconds: trainedSecondsOf(c.training),
      test: test && test.rows * test.cols === model.inputSize ? test : null,
      wrong: null,
      validation: validation && validation.rows * validation.cols === model.inputSize ? validation : null,
    };
    return this.info();
  }

  /** The engine's model as a safetensors file. */
  save(): { bytes: Uint8Array } {
    return { bytes: encodeCheckpoint(this.checkpoint()) };
  }

  info(): ModelInfo {
    const c = this.held();
    return {
      architecture: c.model.architecture,
      config: c.config,
      history: [...c.history],
      epoch: c.epoch,
      step: c.step,
      datasetName: c.datasetName,
      baselineAccuracy: c.baselineAccuracy,
      stepsPerEpoch: c.stepsPerEpoch,
      trainedSeconds: this.trainer && c.model === this.trainer.model ? this.trainer.trainingSeconds : c.trainedSeconds,
      parameters: parameterCount(c.model.architecture),
    };
  }

  private setState(state: RunState, message?: string): void {
    this.state = state;
    this.deps.emit({ type: 'state', runId: this.runId, state, message });
  }

  private finish(state: RunState, message?: string): void {
    this.setState(state, message);
    const t = this.trainer;
    this.deps.emit({ type: 'done', runId: this.runId, state, message, history: t?.history ?? [], ...(this.outcome ? { outcome: this.outcome } : {}), seconds: t?.trainingSeconds ?? 0 });
    this.outcome = null;
    // The finished run stays the engine's model: model:save and the views keep using it. Every
    // ending but an unexpected error has just sent (and kept) a checkpoint of this very step.
    try {
      if (this.trainer && this.keptStep !== this.trainer.state.step) {
        this.loadedCheckpoint = this.trainer.checkpoint(this.deps.now(), this.deps.appVersion);
      }
    } catch {
      // weights that cannot be saved: model:save offers the last checkpoint kept
    }
    this.trainer = null;
  }

  /** Train for a slice of time, emit throttled events, and come back after pending messages. */
  private loop(id: number): void {
    const t = this.trainer;
    if (id !== this.runId || this.state !== 'training' || !t) return;
    try {
      const sliceEnd = this.deps.clock() + SLICE_MS;
      do {
        const r = t.trainBatch();
        this.pending.push(r.loss);
        this.lastAccuracy = r.correct / r.n;
        this.current!.step = t.state.step;
        if (!r.epochEnded && t.timeUp) {
          this.flushBatch(true);
          this.stopAtTimeLimit();
          return;
        }
        if (r.epochEnded) {
          this.flushBatch(true);
          const endStart = this.deps.clock();
          const metrics = t.finishEpoch();
          this.current!.epoch = t.state.epoch;
          this.current!.wrong = null;
          this.deps.emit({ type: 'epoch', runId: id, metrics });
          this.deps.emit({ type: 'weights', runId: id, snapshot: weightsSnapshot(this.current!), epochEnd: true });
          if (t.finished) this.outcome = t.finishedOutcome();
          if (!this.emitCheckpoint(t.finished ? 'done' : 'epoch')) return;
          const endMs = this.deps.clock() - endStart;
          this.epochEndSeconds = endMs / 1000;
          if (this.rateFrom) this.rateFrom.at += endMs; // samples/s is the training's, as each epoch's figure is
          if (t.finished) {
            this.finish('done');
            return;
          }
          if (this.stopAfter !== null && t.state.epoch >= this.stopAfter) {
            this.finish('stopped');
            return;
          }
          if (t.timeUp) {
            this.stopAtTimeLimit();
            return;
          }
          break; // give the host a moment after an epoch's heavy events
        }
      } while (this.deps.clock() < sliceEnd);
      this.measureSpeed(t);
      this.flushBatch(false);
    } catch (e) {
      this.flushBatch(true);
      if (e instanceof DivergenceError) this.diverged(e);
      else this.finish('failed', e instanceof Error ? e.message : String(e));
      return;
    }
    this.deps.defer(() => this.loop(id));
  }

  /**
   * The run's time limit is reached: keep (send and hold) the epoch with the best validation
   * accuracy, or the latest weights without a validation split; the outcome says which.
   */
  private stopAtTimeLimit(): void {
    const t = this.trainer!;
    t.ensureFinite();
    const c = t.timeLimitCheckpoint(this.deps.now(), this.deps.appVersion);
    this.outcome = c.outcome ?? null;
    this.loadedCheckpoint = c;
    this.keptStep = t.state.step;
    if (c.training && c.training.step !== t.state.step) {
      // NOTE: the held model becomes the kept epoch's, so the views and model:save show what the file holds.
      // (the run's own seconds stay the dashboard's: it trained that long; the file keeps its epoch's)
      this.current = {
        ...this.current!, model: modelFromCheckpoint(c), history: c.history, epoch: c.training.epoch, step: c.training.step, wrong: null,
        trainedSeconds: trainedSecondsOf(c.training),
      };
    }
    this.deps.emit({ type: 'checkpoint', runId: this.runId, reason: 'done', bytes: encodeCheckpoint(c), info: this.info() });
    this.finish('stopped', c.outcome?.message);
  }

  /**
   * Update samples/s at the end of a slice.
   * NOTE: it counts the wall time from slice to slice, not just the slices: the time between them
   * (the host's and the window's turn on the same cores) is time the person waits too. Timing the
   * slices alone showed 25-50% more samples/s than the run's own epoch figures, and an ETA as short.
   */
  private measureSpeed(t: Trainer): void {
    const now = this.deps.clock();
    const from = this.rateFrom;
    if (from === null) {
      this.rateFrom = { at: now, step: t.state.step };
      return;
    }
    if (now - from.at < RATE_WINDOW_MS || t.state.step <= from.step) return;
    const rate = (t.state.step - from.step) / ((now - from.at) / 1000);
    this.stepsPerSecond = this.stepsPerSecond ? 0.5 * this.stepsPerSecond + 0.5 * rate : rate;
    this.rateFrom = { at: now, step: t.state.step };
  }

  /** Send the losses gathered since the last batch event, at most MAX_EVENTS_PER_SECOND times a second. */
  private flushBatch(force: boolean): void {
    const t = this.trainer;
    const now = this.deps.clock();
    if (!t || this.pending.length === 0) return;
    if (!force && now - this.lastBatchEvent < 1000 / MAX_EVENTS_PER_SECOND) return;
    this.lastBatchEvent = now;
    const lastEpoch = this.stopAfter ?? t.config.epochs;
    const remaining = lastEpoch * t.stepsPerEpoch - t.state.step;
    const epochEnds = Math.max(0, lastEpoch - t.state.epoch) * this.epochEndSeconds;
    this.deps.emit({
      type: 'batch',
      runId: this.runId,
      epoch: t.state.epoch + (t.state.stepInEpoch > 0 ? 1 : 0),
      firstStep: this.firstPendingStep,
      losses: Float64Array.from(this.pending),
      accuracy: this.lastAccuracy,
      lr: t.lr,
      stepInEpoch: t.state.stepInEpoch,
      stepsPerEpoch: t.stepsPerEpoch,
      samplesPerSecond: this.stepsPerSecond * t.config.batch,
      eta: this.stepsPerSecond > 0 ? remaining / this.stepsPerSecond + epochEnds : NaN,
      seconds: t.trainingSeconds,
    });
    this.firstPendingStep = t.state.step;
    this.pending = [];
    const samples = t.health?.take() ?? [];
    if (samples.length) this.deps.emit({ type: 'health', runId: this.runId, samples });
  }

  /**
   * Send the run as a checkpoint to be saved. False when the weights turned out non-finite: the
   * run has then failed, and the checkpoint sent holds the last good weights.
   */
  private emitCheckpoint(reason: CheckpointReason): boolean {
    if (!this.trainer) return true;
    try {
      this.sendCheckpoint(reason);
    } catch (e) {
      if (!(e instanceof DivergenceError)) throw e;
      this.diverged(e);
      return false;
    }
    return true;
  }

  /** The run diverged (its weights are back to the last good ones): save them and fail the run. */
  private diverged(e: DivergenceError): void {
    this.outcome = divergedOutcome(e.message, e.epoch, e.step);
    this.sendCheckpoint('stop');
    this.finish('failed', e.message);
  }

  /** Build and send the run's checkpoint, and keep it: it is the model once the run ends. */
  private sendCheckpoint(reason: CheckpointReason): void {
    const t = this.trainer!;
    const c = t.checkpoint(this.deps.now(), this.deps.appVersion);
    if (this.outcome) c.outcome = this.outcome;
    this.loadedCheckpoint = c;
    this.keptStep = t.state.step;
    this.deps.emit({ type: 'checkpoint', runId: this.runId, reason, bytes: encodeCheckpoint(c), info: this.info() });
  }

  private checkpoint(): Checkpoint {
    if (this.trainer) return this.trainer.checkpoint(this.deps.now(), this.deps.appVersion);
    if (!this.loadedCheckpoint) throw new Error('there is no model yet: train one or open a file');
    return this.loadedCheckpoint;
  }

  private decode(bytes: unknown, fileName: string): Checkpoint {
    if (!(bytes instanceof Uint8Array)) throw new Error('model bytes must be a Uint8Array');
    return decodeCheckpoint(bytes, fileName);
  }
}
