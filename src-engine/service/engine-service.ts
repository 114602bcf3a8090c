import { describeArchitecture, parameterCount } from '../architecture';
import { backward } from '../autograd';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from '../checkpoint/codec';
import type { Dataset } from '../data/dataset';
import type { Model } from '../nn/model';
import {
  type DatasetInfo,
  type DatasetSource,
  type EngineCallName,
  type EngineCalls,
  type EngineEvent,
  type EpochMetrics,
  type KernelsInfo,
  MAX_EVENTS_PER_SECOND,
  type ModelInfo,
  type Prediction,
  type RunState,
  type Sample,
  type TrainConfig,
  type WeightsSnapshot,
} from '../protocol';
import { Random } from '../random';
import { kernels } from '../kernels/kernels';
import { noGrad, Tensor } from '../tensor';
import { baselineAccuracy, meanImageBytes, meanImages } from '../train/baseline';
import { validateConfig } from '../train/config';
import { evaluate } from '../train/evaluate';
import { memoryProblem } from '../train/memory';
import { modelFromCheckpoint } from '../checkpoint/layout';
import { architectureFor, DivergenceError, prepareData, type RunData, Trainer } from '../train/trainer';
import { findLearningRate } from '../train/lr-finder';
import { divergedOutcome, type RunOutcome, stoppedOutcome } from '../train/outcome';
import { EvaluationCalls } from './evaluation-calls';

/** What the service needs from its surroundings (Node in the worker, anything in tests). */
export interface ServiceDeps {
  loadDataset(source: DatasetSource): { train: Dataset; test: Dataset | null };
  /** Milliseconds, monotonic. */
  clock(): number;
  /** ISO timestamp for checkpoints. */
  now(): string;
  /** Run fn soon, after pending messages are handled (setImmediate). */
  defer(fn: () => void): void;
  emit(event: EngineEvent): void;
  appVersion: string;
  /** Switches the kernels' thread count (the worker's threaded backends); absent: one thread only. */
  kernels?: KernelsControl;
  /** Bytes of memory the engine may still take; absent: runs start without a memory check. */
  freeMemory?(): number;
}

/** What the process that hosts the service can do with its kernels. */
export interface KernelsControl {
  info(): KernelsInfo;
  /** Installs the best backend on `threads` threads (1 <= threads <= info().maxThreads). */
  setThreads(threads: number): KernelsInfo;
}

/** Milliseconds of training between two looks at the message queue. */
const SLICE_MS = 30;

/** The model the engine holds now: trained here or opened from a file. */
interface Current {
  model: Model;
  config: TrainConfig | null;
  history: EpochMetrics[];
  epoch: number;
  step: number;
  datasetName: string;
  /** Test images for samples and "misclassified" (null when unknown). */
  test: Dataset | null;
  /** Indices of test images the model gets wrong, computed lazily. */
  wrong: number[] | null;
  /** The run's validation split (null when none is held out or known). */
  validation: Dataset | null;
}

/**
 * The engine's dispatcher: answers the protocol's calls and runs training in slices so that
 * pause, stop and predictions are handled between batches. Pure: all I/O comes through deps.
 */
export class EngineService {
  private readonly deps: ServiceDeps;
  private readonly datasets = new Map<string, { train: Dataset; test: Dataset | null }>();
  private readonly infos = new Map<string, DatasetInfo>();
  private current: Current | null = null;
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
  private stepsPerSecond = 0;
  private lastAccuracy = 0;
  private readonly random = new Random(12345);
  private readonly evaluation = new EvaluationCalls();

  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }

  /** One handler per call; arguments come off the wire, so each checks its own. */
  private readonly handlers: { [K in EngineCallName]: (a: Record<string, unknown>) => EngineCalls[K]['result'] } = {
    'train:start': (a) => this.start(a.config, a.resume, a.stopAfter),
    'train:pause': () => this.pause(),
    'train:resume': () => this.resume(),
    'train:stop': () => this.stop(),
    'model:load': (a) => this.load(a.bytes, a.fileName),
    'model:save': () => ({ bytes: encodeCheckpoint(this.checkpoint()) }),
    'model:weights': () => this.weights(),
    'model:predict': (a) => this.predict(a.pixels, a.saliency === true),
    'dataset:info': (a) => this.datasetInfo(a.source as DatasetSource),
    'dataset:sample': (a) => this.sample(a.which, a.after),
    'engine:kernels': () => this.kernelsInfo(),
    'engine:set-threads': (a) => this.setThreads(a.threads),
    'train:lr-find': (a) => this.lrFind(a.config),
    'model:evaluate': (a) => this.evaluation.evaluate(this.model(), a.split),
    'model:gallery': (a) => this.evaluation.gallery(this.model(), a.split, a.query, a.limit),
    'model:hidden': (a) => this.evaluation.hidden(this.model(), a.split, a.layer, a.count),
  };

  /** The range test runs on its own model and optimizer: the run and the kept model are untouched. */
  private lrFind(config: unknown): EngineCalls['train:lr-find']['result'] {
    if (typeof config !== 'object' || config === null) throw new Error('no training settings given');
    validateConfig(config);
    const loaded = this.data(config.dataset);
    return findLearningRate(config, prepareData(config, loaded.train, loaded.test));
  }

  /** How the run that is ending ended (set just before its last checkpoint). */
  private outcome: RunOutcome | null = null;

  private kernelsInfo(): KernelsInfo {
    return this.deps.kernels?.info() ?? { name: kernels().name, threads: 1, maxThreads: 1 };
  }

  private setThreads(threads: unknown): KernelsInfo {
    const { maxThreads } = this.kernelsInfo();
    if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > maxThreads) {
      throw new Error(`the thread count must be a whole number from 1 to ${maxThreads} on this machine (got ${String(threads)})`);
    }
    if (this.state === 'training' || this.state === 'paused') {
      // NOTE: a run's buffers live in its backend's memory; a new backend would copy them on every call.
      throw new Error('stop the run before changing the thread count (results are the same with any count)');
    }
    return this.deps.kernels?.setThreads(threads) ?? this.kernelsInfo();
  }

  /** Answer one call; throws an Error with a user-facing message on bad input. */
  handle<K extends EngineCallName>(call: K, args: EngineCalls[K]['args']): EngineCalls[K]['result'] {
    if (typeof call !== 'string' || !Object.hasOwn(this.handlers, call)) throw new Error(`unknown engine call "${String(call)}"`);
    const a = typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : {};
    return (this.handlers[call] as (a: Record<string, unknown>) => EngineCalls[K]['result'])(a);
  }

  private data(source: DatasetSource): { train: Dataset; test: Dataset | null } {
    if (!source || typeof source !== 'object') throw new Error('no dataset given');
    const key = JSON.stringify(source);
    let d = this.datasets.get(key);
    if (!d) {
      d = this.deps.loadDataset(source);
      this.datasets.set(key, d);
    }
    return d;
  }

  private busy(): boolean {
    return this.state === 'training' || this.state === 'paused';
  }

  private start(config: unknown, resume: unknown, stopAfter: unknown): EngineCalls['train:start']['result'] {
    if (this.busy()) throw new Error('a run is already going; stop it first');
    if (typeof config !== 'object' || config === null) throw new Error('no training settings given');
    validateConfig(config);
    const checkpoint = resume ? this.decode(resume, 'the model to resume') : undefined;
    const loaded = this.data(config.dataset);
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
      test: data.test,
      wrong: null,
      validation: data.validation,
    };
    this.pending = [];
    this.firstPendingStep = trainer.state.step;
    this.stepsPerSecond = 0;
    this.setState('training', trainer.warning ?? undefined);
    // the weights as training starts: the first frame of the renderer's epoch scrubber. NOTE: only
    // this frame and each epoch's end are sent unasked; a view that shows live weights asks for
    // them (model:weights) while it is on screen, at the pace it can draw them.
    this.deps.emit({ type: 'weights', runId: this.runId, snapshot: this.weights(), epochEnd: false });
    this.deps.defer(() => this.loop(this.runId));
    return { runId: this.runId, info: this.info() };
  }

  private pause(): { state: RunState } {
    if (this.state !== 'training') throw new Error('nothing is training');
    this.flushBatch(true);
    if (this.emitCheckpoint('pause')) this.setState('paused');
    return { state: this.state };
  }

  private resume(): { state: RunState } {
    if (this.state !== 'paused' || !this.trainer) throw new Error('nothing is paused');
    this.setState('training');
    const id = this.runId;
    this.deps.defer(() => this.loop(id));
    return { state: this.state };
  }

  private stop(): { state: RunState } {
    if (!this.busy()) throw new Error('nothing is training');
    this.flushBatch(true);
    const t = this.trainer!;
    this.outcome = stoppedOutcome(t.state.epoch, t.config.epochs);
    if (this.emitCheckpoint('stop')) this.finish('stopped');
    return { state: this.state };
  }

  private setState(state: RunState, message?: string): void {
    this.state = state;
    this.deps.emit({ type: 'state', runId: this.runId, state, message });
  }

  private finish(state: RunState, message?: string): void {
    this.setState(state, message);
    this.deps.emit({ type: 'done', runId: this.runId, state, message, history: this.trainer?.history ?? [], ...(this.outcome ? { outcome: this.outcome } : {}) });
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
      const sliceStart = this.deps.clock();
      let steps = 0;
      do {
        const r = t.trainBatch();
        steps++;
        this.pending.push(r.loss);
        this.lastAccuracy = r.correct / r.n;
        this.current!.step = t.state.step;
        if (r.epochEnded) {
          this.flushBatch(true);
          const metrics = t.finishEpoch();
          this.current!.epoch = t.state.epoch;
          this.current!.wrong = null;
          this.deps.emit({ type: 'epoch', runId: id, metrics });
          this.deps.emit({ type: 'weights', runId: id, snapshot: this.weights(), epochEnd: true });
          if (t.finished) this.outcome = t.finishedOutcome();
          if (!this.emitCheckpoint(t.finished ? 'done' : 'epoch')) return;
          if (t.finished) {
            this.finish('done');
            return;
          }
          if (this.stopAfter !== null && t.state.epoch >= this.stopAfter) {
            this.finish('stopped');
            return;
          }
          break; // give the host a moment after an epoch's heavy events
        }
      } while (this.deps.clock() < sliceEnd);
      const elapsed = (this.deps.clock() - sliceStart) / 1000;
      if (elapsed > 0) {
        const rate = steps / elapsed;
        this.stepsPerSecond = this.stepsPerSecond ? 0.8 * this.stepsPerSecond + 0.2 * rate : rate;
      }
      this.flushBatch(false);
    } catch (e) {
      this.flushBatch(true);
      if (e instanceof DivergenceError) this.diverged(e);
      else this.finish('failed', e instanceof Error ? e.message : String(e));
      return;
    }
    this.deps.defer(() => this.loop(id));
  }

  /** Send the losses gathered since the last batch event, at most MAX_EVENTS_PER_SECOND times a second. */
  private flushBatch(force: boolean): void {
    const t = this.trainer;
    const now = this.deps.clock();
    if (!t || this.pending.length === 0) return;
    if (!force && now - this.lastBatchEvent < 1000 / MAX_EVENTS_PER_SECOND) return;
    this.lastBatchEvent = now;
    const remaining = (this.stopAfter ?? t.config.epochs) * t.stepsPerEpoch - t.state.step;
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
      eta: this.stepsPerSecond > 0 ? remaining / this.stepsPerSecond : NaN,
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
  private emitCheckpoint(reason: 'epoch' | 'pause' | 'stop' | 'done'): boolean {
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
  private sendCheckpoint(reason: 'epoch' | 'pause' | 'stop' | 'done'): void {
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

  private load(bytes: unknown, fileName: unknown): ModelInfo {
    if (this.busy()) throw new Error('stop the current run before opening another model');
    const c = this.decode(bytes, typeof fileName === 'string' ? fileName : 'model');
    const model = modelFromCheckpoint(c);
    const config = c.training?.config ?? null;
    let test: Dataset | null = null;
    let validation: Dataset | null = null;
    try {
      // NOTE: only the bundled MNIST is loaded on the file's say-so: a path written inside a
      // model file (perhaps from someone else) is never read. Other data must be chosen again.
      if (config) {
        const known = config.dataset.kind === 'mnist' ? this.data(config.dataset) : this.datasets.get(JSON.stringify(config.dataset));
        const data = known ? prepareData(config, known.train, known.test) : null;
        test = data?.test ?? null;
        validation = data?.validation ?? null;
      } else if (model.inputSize === 784 && model.outputSize === 10) test = this.data({ kind: 'mnist' }).test;
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
      test: test && test.rows * test.cols === model.inputSize ? test : null,
      wrong: null,
      validation: validation && validation.rows * validation.cols === model.inputSize ? validation : null,
    };
    return this.info();
  }

  private model(): Current {
    if (!this.current) throw new Error('there is no model yet: train one or open a file');
    return this.current;
  }

  private info(): ModelInfo {
    const c = this.model();
    return {
      architecture: c.model.architecture,
      config: c.config,
      history: [...c.history],
      epoch: c.epoch,
      step: c.step,
      datasetName: c.datasetName,
      parameters: parameterCount(c.model.architecture),
    };
  }

  private weights(): WeightsSnapshot {
    const c = this.model();
    return {
      epoch: c.epoch,
      step: c.step,
      layers: c.model.linears.map((l) => ({
        name: String(l.index),
        in: l.in,
        out: l.out,
        weight: Float32Array.from(l.weight.data),
        bias: Float32Array.from(l.bias.data),
      })),
    };
  }

  private predict(pixels: unknown, saliency: boolean): Prediction {
    const { model } = this.model();
    if (!(pixels instanceof Uint8Array) || pixels.length !== model.inputSize) {
      throw new Error(`the model (${describeArchitecture(model.architecture)}) takes ${model.inputSize} pixels per image`);
    }
    const scale = model.architecture.input.scale;
    const x = new Tensor(Float64Array.from(pixels, (p) => p * scale), [1, model.inputSize], saliency);
    // NOTE: without saliency no graph is recorded (the parameters would otherwise pull one in);
    // with it, only the input's: the parameters' gradients (800 kB for 784-128-10) are not wanted.
    const params = model.parameters().map((p) => p.tensor);
    const wanted = params.map((p) => p.requiresGrad);
    for (const p of params) p.requiresGrad = false;
    try {
      return this.predictWith(model, x, saliency);
    } finally {
      params.forEach((p, i) => (p.requiresGrad = wanted[i]!));
    }
  }

  private predictWith(model: Model, x: Tensor, saliency: boolean): Prediction {
    const scale = model.architecture.input.scale;
    const { output, layerOutputs } = saliency ? model.forwardLayers(x) : noGrad(() => model.forwardLayers(x));
    const logits = output.data.slice();
    const predicted = model.predictClasses(logits, 1)[0];
    let sal: Float64Array | null = null;
    if (saliency && output.requiresGrad) {
      // ∂ logit[predicted] / ∂ pixel (for bce: of the single logit, signed toward the answer)
      const seed = new Float64Array(output.size);
      if (model.outputSize === 1) seed[0] = predicted === 1 ? 1 : -1;
      else seed[predicted] = 1;
      backward(output, seed);
      sal = Float64Array.from(x.grad!, (g) => g * scale); // per raw byte → per scaled input
    }
    const hidden = model.linears.length > 1 ? layerOutputs[1] : null;
    const topHidden = hidden
      ? Array.from(hidden.data, (activation, unit) => ({ unit, activation }))
          .sort((a, b) => b.activation - a.activation)
          .slice(0, 10)
      : [];
    return { classes: model.architecture.classes, probabilities: model.probabilities(logits), logits, saliency: sal, topHidden };
  }

  private datasetInfo(source: DatasetSource): DatasetInfo {
    const key = JSON.stringify(source);
    const cached = this.infos.get(key);
    if (cached) return cached;
    const { train, test } = this.data(source);
    const means = meanImages(train);
    const info: DatasetInfo = {
      name: train.name,
      train: train.count,
      test: test?.count ?? 0,
      rows: train.rows,
      cols: train.cols,
      classes: train.classes,
      meanImages: meanImageBytes(means),
      baselineAccuracy: test ? baselineAccuracy(means, test) : NaN,
    };
    this.infos.set(key, info);
    return info;
  }

  private sample(which: unknown, after?: unknown): Sample {
    const c = this.model();
    const test = c.test;
    if (!test) throw new Error('no test images are known for this model');
    let index: number;
    let wrong: Sample['wrong'];
    if (which === 'random') index = this.random.int(test.count);
    else if (which === 'misclassified') {
      if (!c.wrong) {
        const wrong: number[] = [];
        evaluate(c.model, test, 1000, (i, p) => {
          if (p !== test.labels[i]) wrong.push(i);
        });
        c.wrong = wrong;
      }
      if (!c.wrong.length) throw new Error('the model gets every test image right');
      const next = typeof after === 'number' ? c.wrong.findIndex((i) => i > after) : -1;
      const position = typeof after === 'number' ? Math.max(0, next) : this.random.int(c.wrong.length);
      index = c.wrong[position];
      wrong = { position, count: c.wrong.length };
    } else if (typeof which === 'number' && Number.isInteger(which) && which >= 0 && which < test.count) index = which;
    else throw new Error(`test image index must be 0 to ${test.count - 1}`);
    const n = test.rows * test.cols;
    const pixels = test.images.slice(index * n, (index + 1) * n);
    const prediction = c.model.predictClasses(this.predict(pixels, false).logits, 1)[0];
    return wrong ? { index, pixels, label: test.labels[index], prediction, wrong } : { index, pixels, label: test.labels[index], prediction };
  }
}
