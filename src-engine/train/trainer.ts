import { type Architecture, mlpArchitecture } from '../architecture';
import type { Checkpoint } from '../checkpoint/codec';
import { copyFromFileLayout, modelCheckpoint, slotsFromFileLayout } from '../checkpoint/layout';
import { Augmenter } from '../data/augment';
import { Batcher, epochOrder } from '../data/batcher';
import { type Dataset, datasetMeta, filterClasses, limitDataset, splitValidation } from '../data/dataset';
import { Model } from '../nn/model';
import { Optimizer } from '../optim/optimizer';
import { learningRate } from '../optim/schedule';
import { Random } from '../random';
import { backward } from '../autograd';
import { scratchScope } from '../kernels/kernels';
import { Tensor } from '../tensor';
import { type TrainConfig, validateConfig } from './config';
import { runBaseline } from './baseline';
import { evaluate } from './evaluate';
import type { DatasetMeta } from '../data/dataset-source';
import { HealthMonitor, healthEvery } from './health';
import type { EpochMetrics } from './metrics';
import { finishedOutcome, type RunOutcome, timeLimitOutcome } from './outcome';
import { batchesPerEpoch, type TrainingState } from './training-state';

/** What one batch did. */
export interface BatchResult {
  loss: number;
  correct: number;
  n: number;
  lr: number;
  /** This batch was the last of its epoch: call finishEpoch() next. */
  epochEnded: boolean;
}

/** The data a run trains and tests on, after class filtering, limit and validation split. */
export interface RunData {
  train: Dataset;
  validation: Dataset | null;
  test: Dataset | null;
  meta: DatasetMeta;
}

/** Thrown when the loss stops being a number; the model holds the last good weights. */
export class DivergenceError extends Error {
  /** Where: 1-based epoch and step within it. */
  constructor(message: string, readonly epoch = 0, readonly step = 0) {
    super(message);
  }
}

/**
 * Prepare a run's data from loaded datasets: keep the chosen classes, the first `limit`
 * training images, and hold out a seeded validation split.
 */
export function prepareData(config: TrainConfig, train: Dataset, test: Dataset | null): RunData {
  let tr = train;
  let te = test;
  if (config.classes?.length) {
    tr = filterClasses(tr, config.classes);
    te = te && filterClasses(te, config.classes);
  }
  if (config.limit) tr = limitDataset(tr, Math.min(config.limit, tr.count));
  let validation: Dataset | null = null;
  if (config.validation) {
    // NOTE: a separate stream from the training RNG, so the split never shifts the shuffles.
    const split = splitValidation(tr, config.validation, new Random(config.seed ^ 0x5eed));
    tr = split.train;
    validation = split.validation;
  }
  if (tr.count === 0) throw new Error('no training images left after the class filter and limit');
  return { train: tr, validation, test: te, meta: datasetMeta(tr, te) };
}

/** The architecture a config builds for a dataset. */
export function architectureFor(config: TrainConfig, train: Dataset): Architecture {
  const inputs = train.rows * train.cols;
  const outputs = config.loss === 'bce' ? 1 : train.classes.length;
  if (config.loss === 'bce' && train.classes.length !== 2) {
    throw new Error(`the bce loss needs exactly two classes, the data has ${train.classes.length}`);
  }
  return mlpArchitecture([inputs, ...config.hidden, outputs], config.activation, config.loss, train.classes, [train.rows, train.cols], undefined, config.dropout);
}

/**
 * A training run: model, optimizer, shuffling and metrics. Its step is synchronous (one batch),
 * so the worker can pause or stop between any two batches; the CLI just loops.
 */
export class Trainer {
  readonly config: TrainConfig;
  readonly data: RunData;
  readonly model: Model;
  readonly optimizer: Optimizer;
  readonly state: TrainingState;
  readonly history: EpochMetrics[];
  readonly stepsPerEpoch: number;
  private readonly rng: Random;
  private readonly batcher: Batcher;
  private readonly clock: () => number;
  private order: Uint32Array | null = null;
  /**
   * The unfinished epoch's clock runs from epochStart while training: a checkpoint (a pause, a stop,
   * a save) banks it and stops it, the next step starts it again. So a paused or stopped run's time
   * does not grow while it waits.
   */
  private clockOn = false;
  private epochStart = 0;
  /** Health measured every few steps (null: not measured, e.g. the bench's baseline). */
  health: HealthMonitor | null;
  /** The loss of the run's first batch (before any update), for the outcome's "no lower than at the start". */
  private startLoss: number | null = null;

  /**
   * @param clock milliseconds, for samples/s (the engine core reads no clock itself)
   * @param resume a checkpoint to continue from exactly; config.epochs is the new total
   */
  constructor(config: TrainConfig, data: RunData, clock: () => number, resume?: Checkpoint) {
    validateConfig(config);
    this.config = config;
    this.data = data;
    this.clock = clock;
    this.created = resume?.created ?? '';
    this.rng = new Random(config.seed);
    const arch = resume?.architecture ?? architectureFor(config, data.train);
    this.model = new Model(arch, this.rng);
    this.optimizer = new Optimizer(this.model.parameters(), {
      name: config.optimizer,
      momentum: config.momentum,
      nesterov: config.nesterov,
      weightDecay: config.weightDecay,
    });
    this.batcher = new Batcher(data.train, arch.input.scale, config.batch);
    if (config.augment && config.augment.kind !== 'none') {
      this.batcher.augmenter = new Augmenter(config.augment, data.train.rows, data.train.cols, config.seed);
    }
    this.stepsPerEpoch = batchesPerEpoch(data.train.count, config.batch);
    this.health = new HealthMonitor(this.model, healthEvery(this.stepsPerEpoch));
    this.history = resume ? [...resume.history] : [];
    this.state = {
      config,
      epoch: 0,
      step: 0,
      stepInEpoch: 0,
      epochRng: this.rng.getState(),
      partial: { lossSum: 0, correct: 0, count: 0, seconds: 0 },
      seconds: 0,
    };
    if (resume) this.restore(resume);
  }

  private restore(c: Checkpoint): void {
    const pixels = this.data.train.rows * this.data.train.cols;
    if (this.model.inputSize !== pixels) {
      throw new Error(`the model takes ${this.model.inputSize}-pixel images but this dataset has ${pixels}`);
    }
    for (const p of this.model.parameters()) {
      const saved = c.params.get(p.name)!;
      copyFromFileLayout(saved.data, p.tensor);
    }
    const modelClasses = c.architecture.classes.join(', ');
    const dataClasses = this.data.train.classes.join(', ');
    if (modelClasses !== dataClasses) {
      throw new Error(`the model tells apart classes ${modelClasses} but this data has classes ${dataClasses}`);
    }
    const t = c.training;
    if (!t) return; // a foreign model: start training from its weights with fresh state
    if (t.stepInEpoch >= this.stepsPerEpoch) {
      throw new Error(
        `the model stopped after batch ${t.stepInEpoch} of an epoch, but this data makes only ${this.stepsPerEpoch} batches an epoch: resume it on the data it was trained on`,
      );
    }
    if (t.config.batch !== this.config.batch) {
      throw new Error(`this run was trained with batch size ${t.config.batch}; resume it with the same batch size`);
    }
    if (t.config.optimizer !== this.config.optimizer) {
      throw new Error(`this run was trained with ${t.config.optimizer}; resume it with the same optimizer`);
    }
    try {
      this.optimizer.restoreSlots(slotsFromFileLayout(c.optimizer, this.model));
    } catch (e) {
      throw new Error(`the saved optimizer state does not fit ${this.config.optimizer} with momentum ${this.config.momentum}: ${(e as Error).message}`);
    }
    this.optimizer.t = t.step;
    Object.assign(this.state, { epoch: t.epoch, step: t.step, stepInEpoch: t.stepInEpoch, epochRng: t.epochRng, partial: { ...t.partial }, seconds: t.seconds });
    if (c.dataset && c.dataset.hash !== this.data.meta.hash) {
      // Not fatal: fine-tuning on other data is legitimate; but the shuffle then differs.
      this.warning = `the model was trained on ${c.dataset.name} (${c.dataset.train} images); this data differs`;
    }
  }

  /** Set when resuming on different data than the checkpoint's. */
  warning: string | null = null;

  /** All epochs of the config are done. */
  get finished(): boolean {
    return this.state.epoch >= this.config.epochs;
  }

  /** Steps in the whole run. */
  get totalSteps(): number {
    return this.config.epochs * this.stepsPerEpoch;
  }

  /** The learning rate of the next step. */
  get lr(): number {
    return learningRate(this.config.schedule, this.config.lr, this.state.step, this.totalSteps);
  }

  /** Train one batch. Throws DivergenceError (weights restored) when the loss is not finite. */
  trainBatch(): BatchResult {
    // NOTE: the step's activations and gradients live in the kernels' scratch arena, freed at
    // its end; nothing below keeps a tensor past the step.
    return scratchScope(() => this.step());
  }

  private step(): BatchResult {
    if (this.finished) throw new Error('training is finished');
    const st = this.state;
    if (!this.order) {
      this.rng.setState(st.epochRng);
      this.order = epochOrder(this.data.train.count, this.rng);
    }
    if (!this.clockOn) {
      this.epochStart = this.clock();
      this.clockOn = true;
    }
    const start = st.stepInEpoch * this.config.batch;
    const count = Math.min(this.config.batch, this.data.train.count - start);
    this.batcher.epoch = st.epoch;
    const { x, labels, n } = this.batcher.fill(this.order, start, count);
    const lr = this.lr;
    this.optimizer.zeroGrad();
    const health = this.health?.due(st.step, this.totalSteps) ? this.health : null;
    const { output: logits, layerOutputs } = this.model.forwardLayers(new Tensor(x, [n, this.model.inputSize]), { seed: this.config.seed, step: st.step });
    const lossT = this.model.loss(logits, labels);
    const loss = lossT.item();
    if (!Number.isFinite(loss)) this.diverged(`loss became ${Number.isNaN(loss) ? 'NaN' : 'infinite'}`);
    // NOTE: only a run that starts from scratch knows its starting loss; a resumed one starts where it had got to.
    if (st.step === 0) this.startLoss = loss;
    backward(lossT);
    health?.observe(layerOutputs, n);
    this.optimizer.step(lr);
    health?.afterStep(st.step + 1);
    const pred = this.model.predictClasses(logits.data, n);
    let correct = 0;
    for (let i = 0; i < n; i++) if (pred[i] === labels[i]) correct++;
    st.step++;
    st.stepInEpoch++;
    st.partial.lossSum += loss * n;
    st.partial.correct += correct;
    st.partial.count += n;
    this.lastBatch = { loss, correct, n };
    return { loss, correct, n, lr, epochEnded: st.stepInEpoch >= this.stepsPerEpoch };
  }

  /** The last batch's contribution to the epoch's running sums (to take back with its step). */
  private lastBatch: { loss: number; correct: number; n: number } | null = null;

  /**
   * Go back to the weights before the last step, and count that step as not taken, so a
   * checkpoint of the result resumes consistently. At an epoch boundary nothing is undone: the
   * epoch's end was evaluated and saved with the weights as they are.
   */
  private undoLastStep(): void {
    const st = this.state;
    if (st.stepInEpoch === 0 || !this.lastBatch || !this.optimizer.undoLastStep()) return;
    st.step--;
    st.stepInEpoch--;
    st.partial.lossSum -= this.lastBatch.loss * this.lastBatch.n;
    st.partial.correct -= this.lastBatch.correct;
    st.partial.count -= this.lastBatch.n;
    this.lastBatch = null;
  }

  private diverged(what: string): never {
    // NOTE: the weights that produced a non-finite loss are already bad; go back to those
    // before the previous step, whose loss was finite.
    const epoch = this.state.epoch + 1;
    const step = this.state.stepInEpoch + 1;
    this.undoLastStep();
    throw new DivergenceError(`${what} at epoch ${epoch}, step ${step} — the learning rate ${this.config.lr} is probably too high`, epoch, step);
  }

  /**
   * Stop with a DivergenceError (weights rolled back) if the last step left a weight NaN or
   * infinite while its loss was still finite; called before the weights are evaluated or saved.
   */
  ensureFinite(): void {
    for (const p of this.model.parameters()) {
      const w = p.tensor.data;
      for (let i = 0; i < w.length; i++) {
        if (!Number.isFinite(w[i])) this.diverged(`weights of layer ${p.name.split('.')[0]} became ${Number.isNaN(w[i]) ? 'NaN' : 'infinite'}`);
      }
    }
  }

  /** The outcome of a run whose planned epochs all ran: done, or not learning (outcome.ts). */
  finishedOutcome(): RunOutcome {
    return finishedOutcome({ history: this.history, classes: this.model.architecture.classes.length, startLoss: this.startLoss });
  }

  /** Close the current epoch: test-set metrics, history entry, next epoch's shuffle state. */
  finishEpoch(): EpochMetrics {
    this.ensureFinite();
    const st = this.state;
    const seconds = st.partial.seconds + this.clockSeconds();
    const test = this.data.test ? evaluate(this.model, this.data.test) : null;
    const val = this.data.validation ? evaluate(this.model, this.data.validation) : null;
    const metrics: EpochMetrics = {
      epoch: st.epoch + 1,
      train_loss: st.partial.lossSum / st.partial.count,
      train_accuracy: st.partial.correct / st.partial.count,
      test_loss: test?.loss ?? NaN,
      test_accuracy: test?.accuracy ?? NaN,
      lr: this.lr,
      seconds,
      samples_per_second: st.partial.count / Math.max(seconds, 1e-9),
    };
    if (val) Object.assign(metrics, { val_loss: val.loss, val_accuracy: val.accuracy });
    this.history.push(metrics);
    st.epoch++;
    st.stepInEpoch = 0;
    st.seconds += seconds;
    st.partial = { lossSum: 0, correct: 0, count: 0, seconds: 0 };
    st.epochRng = this.rng.getState();
    this.order = null;
    this.clockOn = false;
    if (val && this.config.timeLimit !== undefined && (!this.best || val.accuracy > this.best.valAccuracy)) {
      this.best = { valAccuracy: val.accuracy, checkpoint: this.checkpoint('', '') };
    }
    return metrics;
  }

  /** With a time limit and a validation split: the epoch end with the best validation accuracy so far. */
  private best: { valAccuracy: number; checkpoint: Checkpoint } | null = null;

  /** Seconds of training so far (all sessions, this one's unfinished epoch included; evaluation excluded). */
  get trainingSeconds(): number {
    const st = this.state;
    return st.seconds + st.partial.seconds + this.clockSeconds();
  }

  /** Seconds on the unfinished epoch's clock since it last started or was banked. */
  private clockSeconds(): number {
    return this.clockOn ? (this.clock() - this.epochStart) / 1000 : 0;
  }

  /** The config's time limit is reached: stop, and save timeLimitCheckpoint(). */
  get timeUp(): boolean {
    return this.config.timeLimit !== undefined && !this.finished && this.trainingSeconds >= this.config.timeLimit * 60;
  }

  /**
   * What a run stopped by its time limit keeps: the epoch end with the best validation accuracy
   * (the run resumes from there), or, with no validation split to judge by, the weights as they
   * are; the outcome says which.
   */
  timeLimitCheckpoint(now: string, appVersion: string): Checkpoint {
    const kept = this.best ? { ...this.best.checkpoint, appVersion } : this.checkpoint(now, appVersion);
    const keptEpoch = this.best ? this.best.checkpoint.training!.epoch : null;
    kept.outcome = timeLimitOutcome({
      minutes: this.config.timeLimit!,
      seconds: this.trainingSeconds,
      epochsDone: this.state.epoch,
      planned: this.config.epochs,
      keptEpoch,
      valAccuracy: this.best?.valAccuracy ?? null,
    });
    return kept;
  }

  /**
   * Fold the time of the unfinished epoch into the state (before a mid-epoch checkpoint) and stop
   * its clock until the next step, so samples/s stays right across a pause or a resume.
   */
  banktime(): void {
    this.state.partial.seconds += this.clockSeconds();
    this.clockOn = false;
  }

  /**
   * The run as a checkpoint (weights in PyTorch layout, optimizer slots, state, history).
   * @param now the time; a model's `created` stays that of its first save (or of the file it resumed)
   */
  checkpoint(now: string, appVersion: string): Checkpoint {
    this.ensureFinite();
    this.banktime();
    const baseline = this.baselineAccuracy();
    const meta = baseline === null ? this.data.meta : { ...this.data.meta, baseline };
    this.created ||= now;
    return modelCheckpoint(this.model, this.optimizer, structuredClone(this.state), this.history, meta, this.created, appVersion);
  }

  /** When the model was first saved ('' until then, and for a resumed file that does not say). */
  private created = '';

  private baseline: number | null | undefined;

  /**
   * Test accuracy of the mean-image baseline on this run's data (after the class filter, limit and
   * validation split): what the run has to beat, stored with its checkpoints (null without test images).
   * NOTE: measured when first asked (0.15 s for MNIST): at the first save, or as the app starts a
   * run (to show it); a run that does neither, such as the bench's, never pays for it.
   */
  baselineAccuracy(): number | null {
    if (this.baseline === undefined) this.baseline = runBaseline(this.data);
    return this.baseline;
  }
}
