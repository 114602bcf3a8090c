/**
 * The Train view's settings: every field of a TrainConfig as the person types it, the presets,
 * and the problems the engine's own rules find, grouped under the fields that cause them.
 */
import { dropoutRates, hiddenActivation, layerSizes, type Activation, type LossName } from '../../src-engine/architecture';
import type { DatasetSource, ModelInfo, OptimizerName, ScheduleName, TrainConfig } from '../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../src-engine/train/config';
import { type AugmentKind, type AugmentSettings, DEFAULT_AUGMENT } from '../../src-engine/data/augment';
import { problemsByField, type ConfigField } from '../lib/config-fields';
import { followsRecipe, PRESET_SEED, PRESETS, type Preset } from '../lib/presets';
import { share } from '../lib/format';
import { classNotInDataset } from '../../src-engine/data/dataset';

/** Labels used when a required number is left empty. */
const LABELS: Partial<Record<ConfigField, string>> = {
  lr: 'learning rate',
  momentum: 'momentum',
  weightDecay: 'weight decay',
  batch: 'batch size',
  epochs: 'epochs',
  seed: 'seed',
};

/** The distortion strengths the form edits, in the order it shows them. */
export const STRENGTHS = ['shift', 'rotation', 'scale', 'shear', 'sigma', 'alpha'] as const;
export type Strength = (typeof STRENGTHS)[number];

/** "3, 7" -> [3, 7]; "" -> undefined; a token that is not a number becomes NaN (and a problem). */
export function parseClasses(text: string): number[] | undefined {
  const tokens = text.split(/[\s,]+/).filter(Boolean);
  return tokens.length ? tokens.map((t) => (/^\d+$/.test(t) ? Number(t) : NaN)) : undefined;
}

/** Form state for one training config. */
export class TrainForm {
  hidden = $state<(number | null)[]>([...DEFAULT_CONFIG.hidden]);
  activation = $state<Activation>(DEFAULT_CONFIG.activation);
  loss = $state<LossName>(DEFAULT_CONFIG.loss);
  optimizer = $state<OptimizerName>(DEFAULT_CONFIG.optimizer);
  lr = $state<number | null>(DEFAULT_CONFIG.lr);
  momentum = $state<number | null>(DEFAULT_CONFIG.momentum);
  nesterov = $state(DEFAULT_CONFIG.nesterov);
  weightDecay = $state<number | null>(DEFAULT_CONFIG.weightDecay);
  schedule = $state<ScheduleName>(DEFAULT_CONFIG.schedule);
  batch = $state<number | null>(DEFAULT_CONFIG.batch);
  epochs = $state<number | null>(DEFAULT_CONFIG.epochs);
  seed = $state<number | null>(DEFAULT_CONFIG.seed);
  /** Empty: every training image. */
  limit = $state<number | null>(null);
  /** Empty: no validation split. */
  validation = $state<number | null>(null);
  /** Comma-separated labels; empty: every class. */
  classesText = $state('');
  /** Dropout probability after each hidden layer (kept as long as `hidden`); 0 or empty: none. */
  dropout = $state<(number | null)[]>(DEFAULT_CONFIG.hidden.map(() => 0));
  augmentKind = $state<AugmentKind>('none');
  /** Each distortion strength (used when augmentKind is not none). */
  strengths = $state<Record<Strength, number | null>>(strengthsOf(DEFAULT_AUGMENT));
  /** Minutes; empty: no limit. */
  timeLimit = $state<number | null>(null);
  presetId = $state<string | null>(null);
  /** Set when Start was pressed with problems: the form then lists them. */
  refused = $state(false);
  /** The model whose settings were put in the form, and the settings as they were then. */
  private loaded = $state.raw<{ name: string; recorded: boolean; settings: string } | null>(null);
  /**
   * The model whose settings the form started from (opened or continued in Models), whether its file
   * records how it was trained, and whether they have been changed here since; null for settings
   * of the person's own.
   */
  readonly loadedFrom = $derived(
    this.loaded && { name: this.loaded.name, recorded: this.loaded.recorded, edited: this.settings() !== this.loaded.settings },
  );

  /** Every setting the form holds, as one string to compare. */
  private settings(): string {
    return JSON.stringify([this.hidden, this.activation, this.loss, this.optimizer, this.lr, this.momentum, this.nesterov, this.weightDecay,
      this.schedule, this.batch, this.epochs, this.seed, this.limit, this.validation, this.classesText, this.dropout, this.augmentKind,
      this.strengths, this.timeLimit]);
  }

  /**
   * @param dataset the chosen dataset (kept by DatasetState)
   * @param datasetProblem why there is no dataset to train on now (DatasetState.problem), or null
   */
  constructor(
    private readonly dataset: () => DatasetSource = () => DEFAULT_CONFIG.dataset,
    private readonly datasetProblem: () => string | null = () => null,
    private readonly datasetClasses: () => number | null = () => null,
    private readonly datasetTrainImages: () => number | null = () => null,
  ) {}

  /** The config as typed (possibly unsound). */
  readonly draft: Partial<TrainConfig> = $derived.by(() => {
    const c: Record<string, unknown> = {
      dataset: this.dataset(),
      hidden: [...this.hidden],
      activation: this.activation,
      loss: this.loss,
      optimizer: this.optimizer,
      lr: this.lr,
      momentum: this.momentum,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
      schedule: this.schedule,
      batch: this.batch,
      epochs: this.epochs,
      seed: this.seed,
    };
    if (this.limit !== null) c.limit = this.limit;
    // NOTE: 0 is no split; anything else goes to the config's check (a negative split was dropped unseen)
    if (this.validation !== null && this.validation !== 0) c.validation = this.validation;
    const dropout = this.dropoutList();
    if (dropout) c.dropout = dropout;
    const augment = this.augmentSettings();
    if (augment) c.augment = augment;
    if (this.timeLimit !== null) c.timeLimit = this.timeLimit;
    if (this.presetId !== null) c.preset = this.presetId;
    const classes = parseClasses(this.classesText);
    if (classes) c.classes = classes;
    return c as Partial<TrainConfig>;
  });

  /** Problems by field, with "enter a number for …" for required numbers left empty or not numbers (a number field reads "3e" as empty). */
  readonly problems = $derived.by(() => {
    const { all, byField } = problemsByField(this.draft);
    for (const [field, label] of Object.entries(LABELS) as [ConfigField, string][]) {
      if ((this.draft as Record<string, unknown>)[field] === null) {
        const mine = byField[field] ?? [];
        const message = `enter a number for ${label}`;
        byField[field] = [message];
        all.splice(0, all.length, ...all.filter((p) => !mine.includes(p)), message);
      }
    }
    // classes the chosen dataset does not have: said here, not as a failed run after Start
    const n = this.datasetClasses();
    const missing = n === null ? null : (this.draft.classes ?? []).map((l) => classNotInDataset(l, n)).find((m) => m !== null);
    if (missing && !byField.classes?.length) {
      byField.classes = [missing];
      all.push(missing);
    }
    // a limit past the dataset's training images would read "its first 100,000" and train on 60,000
    const images = this.datasetTrainImages();
    const limit = this.draft.limit;
    if (images !== null && typeof limit === 'number' && limit > images && !byField.limit?.length) {
      const tooMany = `the dataset has ${images.toLocaleString('en-US')} training images: leave the limit empty to use them all`;
      byField.limit = [tooMany];
      all.push(tooMany);
    }
    // NOTE: without a dataset there is nothing to train on, whatever else is typed: that comes first.
    const dataset = this.datasetProblem();
    if (dataset) {
      byField.dataset = [dataset, ...(byField.dataset ?? [])];
      all.unshift(dataset);
    }
    return { all, byField };
  });

  /** Number of classes the network tells apart (from the dataset, or the chosen classes). */
  classCount(datasetClasses: number): number {
    const chosen = parseClasses(this.classesText);
    return chosen?.length ? chosen.length : datasetClasses;
  }

  /** The sound config, or null while there are problems. */
  config(): TrainConfig | null {
    return this.problems.all.length ? null : ($state.snapshot(this.draft) as TrainConfig);
  }

  /** The config to start with; when unsound, null and the form shows why. */
  submit(): TrainConfig | null {
    const config = this.config();
    this.refused = config === null;
    return config;
  }

  /**
   * Show the settings a model was trained with (its network from the architecture, the rest from
   * the file's training config when it has one). Start then begins a new run with them.
   * @param name the model's name in the library
   */
  load(info: ModelInfo, name: string): void {
    const arch = info.architecture;
    this.hidden = layerSizes(arch).slice(1, -1);
    this.activation = hiddenActivation(arch) ?? this.activation;
    this.loss = arch.loss;
    const c = info.config;
    if (c) {
      this.optimizer = c.optimizer;
      this.lr = c.lr;
      this.momentum = c.momentum;
      this.nesterov = c.nesterov;
      this.weightDecay = c.weightDecay;
      this.schedule = c.schedule;
      this.batch = c.batch;
      this.epochs = c.epochs;
      this.seed = c.seed;
      this.limit = c.limit ?? null;
      this.validation = c.validation ?? null;
      this.classesText = (c.classes ?? []).join(', ');
      this.setAugment(c.augment);
      this.timeLimit = c.timeLimit ?? null;
    }
    this.dropout = dropoutRates(arch);
    // the preset it matches, else the one its run began from (kept in its file), changed since
    this.presetId = PRESETS.find((p) => this.matches(p))?.id ?? PRESETS.find((p) => p.id === c?.preset)?.id ?? null;
    this.loaded = { name, recorded: c !== null, settings: this.settings() };
    this.refused = false;
  }

  /**
   * Set a preset's recipe and the conditions its figures were measured in (seed 1, every training
   * image, its validation split or none), so that picking one recreates what it promises; the
   * dataset stays (presetDifferences says when it is not MNIST).
   */
  applyPreset(preset: Preset): void {
    const r = preset.recipe;
    this.hidden = [...r.hidden];
    this.activation = r.activation;
    this.loss = r.loss;
    this.optimizer = r.optimizer;
    this.lr = r.lr;
    this.momentum = r.momentum;
    this.nesterov = r.nesterov;
    this.weightDecay = r.weightDecay;
    this.schedule = r.schedule;
    this.batch = r.batch;
    this.epochs = r.epochs;
    this.classesText = (r.classes ?? []).join(', ');
    this.dropout = r.hidden.map((_, i) => r.dropout?.[i] ?? 0);
    this.setAugment(r.augment);
    this.timeLimit = r.timeLimit ?? null;
    this.validation = r.validation ?? null;
    this.seed = PRESET_SEED;
    this.limit = null;
    this.presetId = preset.id;
    this.loaded = null;
  }

  /** The dropout list for the config: undefined when no layer drops units. */
  private dropoutList(): (number | null)[] | undefined {
    const list = this.hidden.map((_, i) => this.dropout[i] ?? 0);
    return list.some((p) => p !== 0) ? list : undefined;
  }

  /** The augmentation for the config: undefined for none (strengths left empty stay null: a problem). */
  augmentSettings(): AugmentSettings | undefined {
    if (this.augmentKind === 'none') return undefined;
    return { kind: this.augmentKind, ...this.strengths } as AugmentSettings;
  }

  private setAugment(a: AugmentSettings | undefined): void {
    this.augmentKind = a?.kind ?? 'none';
    this.strengths = strengthsOf(a ?? DEFAULT_AUGMENT);
  }

  /**
   * How the run settings differ from those the matching preset's figures were measured with (an
   * empty list when they are the same, or no preset matches): its figures then promise nothing.
   */
  get presetDifferences(): string[] {
    const p = this.matchingPreset;
    if (!p) return [];
    const out: string[] = [];
    if (this.dataset().kind !== 'mnist') out.push('another dataset');
    if (this.limit !== null) out.push(`${this.limit.toLocaleString('en-US')} training images`);
    const val = this.validation ?? 0;
    if (val !== (p.recipe.validation ?? 0)) out.push(val > 0 ? `${share(val)} held out for validation` : 'no validation split');
    if (this.seed !== PRESET_SEED) out.push(`seed ${this.seed ?? 'empty'}`);
    return out;
  }

  /** The preset the fields still match, if any. */
  readonly matchingPreset: Preset | null = $derived.by(() => {
    const p = PRESETS.find((x) => x.id === this.presetId);
    return p && this.matches(p) ? p : null;
  });

  /** Whether the network and trainer as typed are a preset's recipe. */
  private matches(p: Preset): boolean {
    return followsRecipe(this.draft, p.recipe);
  }

  /** Add a hidden layer after the last one (as wide as it, or 64). */
  addLayer(): void {
    this.hidden.push(this.hidden.at(-1) ?? 64);
    this.dropout[this.hidden.length - 1] = 0;
  }

  /** Remove hidden layer i. */
  removeLayer(i: number): void {
    this.hidden.splice(i, 1);
    this.dropout.splice(i, 1);
  }
}

function strengthsOf(a: AugmentSettings): Record<Strength, number | null> {
  return { shift: a.shift, rotation: a.rotation, scale: a.scale, shear: a.shear, sigma: a.sigma, alpha: a.alpha };
}
