/**
 * The command line: the engine without the window, for scripting and benchmarks.
 * Progress goes to stderr; with --json the last stdout line is one JSON object of results;
 * a mistake or a bad file is one line on stderr and a non-zero exit, never a stack trace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describeArchitecture, layerSizes } from '../architecture';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from '../checkpoint/codec';
import { filterClasses } from '../data/dataset';
import { checkAllOps, checkMlp, type GradcheckResult } from '../gradcheck';
import type { Activation, LossName } from '../architecture';
import { type DatasetSource, MAX_KERNEL_THREADS, type OptimizerName, type ScheduleName, type TrainConfig } from '../protocol';
import { baselineAccuracy, meanImages } from '../train/baseline';
import { intoEpochOf } from '../train/training-state';
import { DEFAULT_CONFIG, validateConfig } from '../train/config';
import type { Recipe } from '../train/presets';
import { evaluate } from '../train/evaluate';
import { modelFromCheckpoint } from '../checkpoint/layout';
import { binaryAnswer, outputKind, outputNote } from '../nn/output-reading';
import { DivergenceError, prepareData, Trainer } from '../train/trainer';
import { continueSettings, scheduleOnContinue } from '../train/continue-schedule';
import { divergedOutcome, type RunOutcome, stoppedOutcome } from '../train/outcome';
import { healthJson, lrFindCommand } from './lr-find-command';
import { appVersion } from './app-version';
import { atomicWrite } from './atomic-write';
import { runBench } from './bench';
import { exportCommand } from './export-command';
import { explainCommand } from './explain-command';
import { exerciseCommand } from './exercise-command';
import { AUGMENT_FLAGS, augmentFlags, datasetFlag, dropoutFlag, type Flags, listFlag, numberFlag, parseCommandLine, presetFlag, USAGE, UsageError } from './cli-args';
import { loadDataset, readIdxImages } from './dataset-files';
import { endQuietlyWhenOutputCloses, exitWhenFlushed } from './exit';
import { formatDuration, Progress } from './progress';
import { useBackend } from './backend';

/** The kernel backend in use, for the progress header. */
let kernelsName = 'typescript';

function out(line: string): void {
  process.stdout.write(line + '\n');
}

function emitJson(flags: Flags, result: unknown): void {
  if (flags.json) out(JSON.stringify(result));
}

function readCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
  return decodeCheckpoint(new Uint8Array(readFileSync(path)), path);
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a';
}

const RESUME_FORBIDS = [
  'layers', 'activation', 'loss', 'optimizer', 'lr', 'momentum', 'nesterov', 'weight-decay', 'schedule', 'batch', 'seed', 'limit', 'validation', 'classes',
  'preset', 'augment', ...AUGMENT_FLAGS, 'dropout', 'time-limit',
] as const;

/** A dataset as the --dataset flag writes it: mnist, idx:DIR, csv:FILE[,TEST]. */
function datasetText(source: DatasetSource): string {
  if (source.kind === 'idx') return `idx:${source.dir}`;
  if (source.kind === 'csv') return `csv:${source.train}${source.test !== undefined ? `,${source.test}` : ''}`;
  return source.kind;
}

/**
 * The dataset for a model file: --dataset when given, else the bundled MNIST when the model was
 * trained on it. NOTE: a path stored in a file is shown, never opened: the file may come from
 * anyone (a model can name /etc/shadow), and only the person at the command line chooses paths.
 * @param doing what the command does with the data, for the message ("evaluate")
 */
function datasetForModel(flags: Flags, modelPath: string, stored: DatasetSource | undefined, doing: string): DatasetSource {
  if (flags.dataset !== undefined) return datasetFlag(flags);
  if (!stored || stored.kind === 'mnist') return { kind: 'mnist' };
  const text = datasetText(stored);
  throw new UsageError(
    `${modelPath} was trained on ${text}, a path stored inside the model file; the command line never opens a path it finds in a file. ` +
      `To ${doing} on that data, give it yourself: --dataset ${text}`,
  );
}

/** How a run continues from a file: its settings, the epoch it stops after (before the planned end), and what its schedule does. */
interface Continuation {
  config: TrainConfig;
  stopAfter: number | null;
  /** What the learning rate will do, said before training (the Models view says the same). */
  schedule: string;
}

/** `train --resume FILE --epochs N`: N more epochs, keeping the planned schedule unless --stretch-schedule. */
function continuation(flags: Flags, resume: Checkpoint): Continuation {
  const given = RESUME_FORBIDS.filter((f) => flags[f] !== undefined);
  if (given.length) throw new UsageError(`--${given[0]} cannot change when resuming: the run continues with its own settings (only --epochs, --stretch-schedule, --dataset, --out and --json apply)`);
  const training = resume.training;
  if (!training) throw new UsageError('this model has no training state (written by another tool?): it can be evaluated, not resumed');
  const more = numberFlag(flags, 'epochs', true) ?? 1;
  if (more < 1) throw new UsageError(`--epochs must be at least 1 (got ${more})`);
  const dataset = datasetForModel(flags, String(flags.resume), training.config.dataset, 'continue training');
  const keep = flags['stretch-schedule'] !== true;
  const to = training.epoch + more;
  const { config, stopAfter } = continueSettings({ ...training.config, dataset }, to, keep);
  const said = scheduleOnContinue(training.config, training.epoch, more, keep, intoEpochOf(training, resume.dataset));
  const other = !said.canKeep ? '' : keep ? ` (--stretch-schedule lays it over ${to} epochs instead.)` : ` (Without --stretch-schedule it keeps its plan of ${training.config.epochs} epochs.)`;
  return { config, stopAfter: stopAfter ?? null, schedule: said.text + other };
}

/** The training config from flags (a new run). */
function trainConfig(flags: Flags): TrainConfig {
  if (flags['stretch-schedule']) throw new UsageError('--stretch-schedule applies only with --resume FILE (continuing a run for fewer epochs than it planned)');
  const layers = listFlag(flags, 'layers');
  const preset = presetFlag(flags);
  // NOTE: a preset is the base that the other flags change; without one, the defaults are.
  const { augment: presetAugment, timeLimit: presetTimeLimit, validation: presetValidation, dropout: presetDropout, ...recipe } = preset?.recipe ?? ({} as Partial<Recipe>);
  const base: TrainConfig = { ...DEFAULT_CONFIG, ...recipe };
  const config: TrainConfig = {
    ...base,
    dataset: datasetFlag(flags),
    hidden: layers ? layers.slice(1, -1) : base.hidden,
    activation: (flags.activation as Activation) ?? base.activation,
    loss: (flags.loss as LossName) ?? base.loss,
    optimizer: (flags.optimizer as OptimizerName) ?? base.optimizer,
    lr: numberFlag(flags, 'lr') ?? base.lr,
    momentum: numberFlag(flags, 'momentum') ?? (flags.optimizer && flags.optimizer !== 'sgd' ? 0 : base.momentum),
    nesterov: flags.nesterov === true || (flags.nesterov === undefined && base.nesterov),
    weightDecay: numberFlag(flags, 'weight-decay') ?? base.weightDecay,
    schedule: (flags.schedule as ScheduleName) ?? base.schedule,
    batch: numberFlag(flags, 'batch', true) ?? base.batch,
    epochs: numberFlag(flags, 'epochs', true) ?? base.epochs,
    seed: numberFlag(flags, 'seed', true) ?? DEFAULT_CONFIG.seed,
  };
  delete config.classes;
  const limit = numberFlag(flags, 'limit', true);
  if (limit !== undefined) config.limit = limit;
  const validation = numberFlag(flags, 'validation') ?? presetValidation;
  if (validation !== undefined) config.validation = validation;
  const classes = listFlag(flags, 'classes') ?? (recipe.classes?.length ? recipe.classes : undefined);
  if (classes) config.classes = classes;
  if (config.loss === 'bce' && !classes) config.classes = [3, 7]; // the seeds' 3-vs-7 classifier
  const dropout = dropoutFlag(flags, config.hidden.length) ?? (layers ? undefined : presetDropout);
  if (dropout?.some((p) => p > 0)) config.dropout = dropout;
  const augment = augmentFlags(flags, presetAugment);
  if (augment && augment.kind !== 'none') config.augment = augment;
  const timeLimit = numberFlag(flags, 'time-limit') ?? presetTimeLimit;
  if (timeLimit !== undefined) config.timeLimit = timeLimit;
  if (preset) config.preset = preset.id;
  if (layers && layers.length < 2) throw new UsageError('--layers needs at least an input and an output size, e.g. 784,10');
  validateConfig(config);
  return config;
}

function train(flags: Flags): void {
  const resume = flags.resume ? readCheckpoint(String(flags.resume)) : null;
  const continued = resume ? continuation(flags, resume) : null;
  const config = continued?.config ?? trainConfig(flags);
  const stopAfter = continued?.stopAfter ?? null;
  /** The epoch this session ends after: the planned end, or earlier when continuing keeps the plan. */
  const lastEpoch = stopAfter ?? config.epochs;
  const outPath = flags.out !== undefined ? String(flags.out) : resume ? String(flags.resume) : null;
  const { train: trainSet, test } = loadDataset(config.dataset);
  const data = prepareData(config, trainSet, test);
  const layers = listFlag(flags, 'layers');
  const pixels = data.train.rows * data.train.cols;
  const outputs = config.loss === 'bce' ? 1 : data.train.classes.length;
  if (layers && layers[0] !== pixels) throw new UsageError(`--layers starts with ${layers[0]} but the images have ${pixels} pixels (${data.train.rows}x${data.train.cols})`);
  if (layers && layers[layers.length - 1] !== outputs) {
    throw new UsageError(`--layers ends with ${layers[layers.length - 1]} but the ${config.loss} model needs ${outputs} output${outputs > 1 ? 's' : ''} (classes: ${data.train.classes.join(', ')})`);
  }
  const trainer = new Trainer(config, data, () => performance.now(), resume ?? undefined);
  if (trainer.warning) process.stderr.write(`warning: ${trainer.warning}\n`);
  const progress = new Progress();
  const arch = describeArchitecture(trainer.model.architecture);
  progress.line(
    `${resume ? 'resuming' : 'training'} ${arch} on ${data.meta.name} (${data.train.count} train, ${data.test?.count ?? 0} test) — ` +
      `${config.optimizer} lr ${config.lr}${config.momentum ? ` momentum ${config.momentum}` : ''} ${config.schedule}, batch ${config.batch}, epochs ${trainer.state.epoch + 1}-${lastEpoch}${stopAfter !== null ? ` of ${config.epochs} planned` : ''}, seed ${config.seed}, kernels ${kernelsName}`,
  );
  if (continued) process.stderr.write(`${String(flags.resume)}: ${continued.schedule.charAt(0).toLowerCase()}${continued.schedule.slice(1)}\n`);
  const save = (outcome?: RunOutcome) => {
    if (!outPath) return;
    const c = trainer.checkpoint(new Date().toISOString(), appVersion());
    if (outcome) c.outcome = outcome;
    atomicWrite(outPath, encodeCheckpoint(c));
  };
  const startedAt = performance.now();
  const firstEpoch = trainer.state.epoch;
  let smoothLoss = NaN;
  let outcome: RunOutcome;
  /** What a run stopped by its time limit keeps (its history ends at the kept epoch). */
  let kept: Checkpoint | null = null;
  try {
    while (trainer.state.epoch < lastEpoch) {
      const r = trainer.trainBatch();
      smoothLoss = Number.isNaN(smoothLoss) ? r.loss : 0.98 * smoothLoss + 0.02 * r.loss;
      const done = (trainer.state.epoch - firstEpoch) * trainer.stepsPerEpoch + trainer.state.stepInEpoch;
      const total = (lastEpoch - firstEpoch) * trainer.stepsPerEpoch;
      const elapsed = (performance.now() - startedAt) / 1000;
      progress.update(done, total, `epoch ${trainer.state.epoch + 1}/${lastEpoch} step ${trainer.state.stepInEpoch}/${trainer.stepsPerEpoch} loss ${smoothLoss.toFixed(4)}`, (elapsed / Math.max(done, 1)) * (total - done));
      if (!r.epochEnded) {
        if (trainer.timeUp) break;
        continue;
      }
      const m = trainer.finishEpoch();
      progress.line(
        `epoch ${m.epoch}: train loss ${m.train_loss.toFixed(4)} acc ${pct(m.train_accuracy)} | test loss ${m.test_loss.toFixed(4)} acc ${pct(m.test_accuracy)}` +
          `${m.val_accuracy !== undefined ? ` | val acc ${pct(m.val_accuracy)}` : ''} | ${m.seconds.toFixed(1)} s, ${Math.round(m.samples_per_second)} samples/s`,
      );
      save();
      if (trainer.timeUp) break;
    }
    if (trainer.timeUp) {
      kept = trainer.timeLimitCheckpoint(new Date().toISOString(), appVersion());
      outcome = kept.outcome!;
      if (outPath) atomicWrite(outPath, encodeCheckpoint(kept));
    } else {
      // NOTE: a run that keeps its planned schedule and stops before its end is stopped, not done.
      outcome = trainer.finished ? trainer.finishedOutcome() : stoppedOutcome(trainer.state.epoch, config.epochs, trainer.state.stepInEpoch, trainer.stepsPerEpoch);
      if (outcome.kind !== 'done') save(outcome);
    }
  } catch (e) {
    if (!(e instanceof DivergenceError)) {
      save(); // the divergence guard restored the last good weights: keep them
      throw e;
    }
    outcome = divergedOutcome(e.message, e.epoch, e.step);
    save(outcome);
    process.exitCode = 1;
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const history = trainer.history;
  const last = (kept?.history ?? history).at(-1);
  const ran = history.slice(firstEpoch);
  const samples = ran.reduce((s, m) => s + m.samples_per_second * m.seconds, 0);
  const trainSeconds = ran.reduce((s, m) => s + m.seconds, 0);
  const peak = process.resourceUsage().maxRSS / 1024;
  if (outcome.kind !== 'done') progress.line(`outcome: ${outcome.kind.replace('_', ' ')} — ${outcome.message}`);
  progress.line(`${outcome.kind === 'done' ? 'done' : 'ended'} in ${formatDuration(seconds)} (${(trainer.trainingSeconds / 60).toFixed(2)} min of training): test accuracy ${pct(last?.test_accuracy ?? NaN)}${outPath ? `, saved ${outPath}` : ''} (peak memory ${peak.toFixed(0)} MB)`);
  emitJson(flags, {
    outcome: outcome.kind,
    outcome_message: outcome.message,
    health: healthJson(trainer),
    test_accuracy: last?.test_accuracy ?? null,
    test_loss: last?.test_loss ?? null,
    epochs: history.map((m) => ({ epoch: m.epoch, train_loss: m.train_loss, train_accuracy: m.train_accuracy, test_accuracy: m.test_accuracy, test_loss: m.test_loss, seconds: m.seconds })),
    samples_per_second: samples / Math.max(trainSeconds, 1e-9),
    seconds,
    training_seconds: trainer.trainingSeconds,
    kept_epoch: last?.epoch ?? null,
    peak_rss_mb: peak,
    architecture: layerSizes(trainer.model.architecture),
    out: outPath,
  });
}

function evalCommand(positionals: string[], flags: Flags): void {
  if (!positionals[0]) throw new UsageError('eval needs a model file: npm run cli -- eval MODEL.safetensors');
  const c = readCheckpoint(positionals[0]);
  const model = modelFromCheckpoint(c);
  const config = c.training?.config;
  const loaded = loadDataset(datasetForModel(flags, positionals[0], config?.dataset, 'evaluate'));
  let test = loaded.test;
  if (!test) throw new UsageError('the dataset has no test set (give a test CSV: --dataset csv:TRAIN,TEST)');
  if (config?.classes?.length) test = filterClasses(test, config.classes);
  if (test.rows * test.cols !== model.inputSize) throw new UsageError(`the model takes ${model.inputSize} pixels per image but the test images have ${test.rows * test.cols}`);
  const e = evaluate(model, test);
  const classes = model.architecture.classes;
  out(`${positionals[0]}: ${describeArchitecture(model.architecture)} on ${test.name} test (${e.count} images)`);
  out(`accuracy ${pct(e.accuracy)}  loss ${e.loss.toFixed(4)}`);
  out('confusion matrix (rows: true class, columns: predicted)');
  const w = Math.max(5, ...Array.from(e.confusion, (v) => String(v).length + 1));
  out('      ' + classes.map((k) => k.padStart(w)).join('') + '  accuracy');
  classes.forEach((k, i) => {
    const row = Array.from(e.confusion.subarray(i * classes.length, (i + 1) * classes.length), (v) => String(v).padStart(w)).join('');
    out(k.padStart(5) + ' ' + row + '  ' + pct(e.perClass[i]));
  });
  const n = classes.length;
  emitJson(flags, {
    test_accuracy: e.accuracy,
    test_loss: e.loss,
    count: e.count,
    classes,
    confusion: Array.from({ length: n }, (_, i) => Array.from(e.confusion.subarray(i * n, (i + 1) * n))),
    per_class_accuracy: e.perClass,
    // right / predicted as the class (null where nothing was predicted as it)
    per_class_precision: classes.map((_, p) => {
      let predicted = 0;
      for (let t = 0; t < n; t++) predicted += e.confusion[t * n + p];
      return predicted ? e.confusion[p * n + p] / predicted : null;
    }),
  });
}

/**
 * Each image's class and the model's outputs, named for what they are (see nn/output-reading.ts):
 * probabilities (cross-entropy; bce's two, of its second class against its first) with the
 * logits, or scores for a model trained with mse.
 */
function predictCommand(positionals: string[], flags: Flags): void {
  if (!positionals[0]) throw new UsageError('predict needs a model file: npm run cli -- predict MODEL --images FILE.idx');
  if (!flags.images) throw new UsageError('predict needs --images FILE.idx[.gz] (an IDX file of images)');
  const model = modelFromCheckpoint(readCheckpoint(positionals[0]));
  const imgs = readIdxImages(String(flags.images));
  const pixels = imgs.rows * imgs.cols;
  if (pixels !== model.inputSize) throw new UsageError(`the model takes ${model.inputSize}-pixel images but ${String(flags.images)} holds ${imgs.rows}x${imgs.cols} images`);
  const limit = numberFlag(flags, 'limit', true) ?? imgs.count;
  const { classes, loss } = model.architecture;
  const outputs = outputKind(loss);
  const note = outputNote(loss, classes, 'whatever the image');
  if (note) process.stderr.write(`${positionals[0]}: ${note}\n`);
  const predictions = [];
  for (let i = 0; i < Math.min(limit, imgs.count); i++) {
    const p = predictImage(model, imgs.images.subarray(i * pixels, (i + 1) * pixels));
    const row = `${String(i).padStart(5)}  ${classes[p.best].padStart(3)}`;
    if (outputs === 'scores') {
      predictions.push({ index: i, class: classes[p.best], scores: Array.from(p.logits) });
      out(`${row}  score=${p.logits[p.best].toFixed(4)}`);
    } else {
      predictions.push({ index: i, class: classes[p.best], probabilities: Array.from(p.probabilities), logits: Array.from(p.logits) });
      const rather = binaryAnswer(loss, classes, p.best);
      out(`${row}  p=${p.probabilities[p.best].toFixed(4)}${rather ? ` (${rather})` : ''}`);
    }
  }
  emitJson(flags, { loss, outputs, classes, predictions });
}

/** One image's outputs (logits, or scores for mse), class probabilities and predicted class. */
function predictImage(model: ReturnType<typeof modelFromCheckpoint>, bytes: Uint8Array) {
  const scale = model.architecture.input.scale;
  const logits = model.infer(Float64Array.from(bytes, (b) => b * scale));
  return { logits, probabilities: model.probabilities(logits), best: model.predictClasses(logits, 1)[0] };
}

function baselineCommand(flags: Flags): void {
  const loaded = loadDataset(datasetFlag(flags));
  const classes = listFlag(flags, 'classes');
  let { train: tr, test } = loaded;
  if (!test) throw new UsageError('the dataset has no test set (give a test CSV: --dataset csv:TRAIN,TEST)');
  if (classes) {
    tr = filterClasses(tr, classes);
    test = filterClasses(test, classes);
  }
  const t0 = performance.now();
  const acc = baselineAccuracy(meanImages(tr), test);
  out(`mean-image baseline on ${tr.name} (${tr.count} train, ${test.count} test): test accuracy ${pct(acc)} (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
  emitJson(flags, { test_accuracy: acc, train: tr.count, test: test.count });
}

function gradcheckCommand(flags: Flags): void {
  const sizes = listFlag(flags, 'layers') ?? [20, 8, 5];
  if (sizes.length < 2 || sizes.some((s) => s < 1)) throw new UsageError('--layers needs at least two positive sizes, e.g. 20,8,5');
  const results: GradcheckResult[] = [...checkAllOps()];
  for (const act of ['relu', 'leaky_relu', 'sigmoid', 'tanh'] as const) {
    for (const loss of ['cross_entropy', 'mse', 'bce'] as const) results.push(checkMlp(sizes, act, loss, undefined, 64));
  }
  if (sizes.length > 2) results.push(checkMlp(sizes, 'relu', 'cross_entropy', undefined, 64, 0.5));
  for (const r of results) out(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(40)} max |analytic - numeric| ${r.maxError.toExponential(2)} (${r.checked} values)`);
  const failed = results.filter((r) => !r.ok).length;
  out(failed ? `${failed} of ${results.length} gradient checks FAILED` : `all ${results.length} gradient checks passed`);
  emitJson(flags, { passed: results.length - failed, failed, results });
  if (failed) process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const { command, positionals, flags } = parseCommandLine(argv);
  if (flags.help || !command) {
    out(USAGE);
    if (!command && !flags.help) process.exitCode = 2;
    return;
  }
  const threads = numberFlag(flags, 'threads', true);
  if (threads !== undefined && (threads < 1 || threads > MAX_KERNEL_THREADS)) throw new UsageError(`--threads must be 1 to ${MAX_KERNEL_THREADS} (got ${threads})`);
  if (command === 'exercise') {
    const { lines, passed, verdict } = await exerciseCommand(positionals);
    lines.forEach(out);
    if (verdict) emitJson(flags, { exercise: verdict.exercise, passed, error: verdict.error, hint: verdict.hint });
    if (!passed) process.exitCode = 1;
    return;
  }
  if (command !== 'bench') kernelsName = (await useBackend(flags.backend as string | undefined, threads)).name;
  switch (command) {
    case 'train':
      return train(flags);
    case 'eval':
      return evalCommand(positionals, flags);
    case 'predict':
      return predictCommand(positionals, flags);
    case 'baseline':
      return baselineCommand(flags);
    case 'gradcheck':
      return gradcheckCommand(flags);
    case 'bench':
      return runBench(flags, threads);
    case 'lr-find':
      return lrFindCommand(flags, trainConfig(flags));
    case 'explain': {
      const { lines, json } = explainCommand(positionals, flags, (path, stored) => datasetForModel(flags, path, stored, 'step through an image'));
      lines.forEach(out);
      return emitJson(flags, json);
    }
    case 'export': {
      const { lines, ...written } = exportCommand(positionals, flags);
      lines.forEach(out);
      return emitJson(flags, written);
    }
    default:
      throw new UsageError(`unknown command "${command}" (train, eval, predict, baseline, gradcheck, bench, lr-find, explain, export, exercise; --help for more)`);
  }
}

endQuietlyWhenOutputCloses();
main(process.argv.slice(2))
  .catch((e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`\nerror: ${msg}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  })
  // NOTE: exit promptly (kernel threads or a stray timer must not keep us alive), but only once the
  // output has reached its reader: a bare process.exit() cut piped output short (issue 19).
  .finally(() => exitWhenFlushed(Number(process.exitCode ?? 0)));
