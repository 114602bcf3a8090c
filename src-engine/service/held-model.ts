/**
 * What the engine holds between calls: the model it trains or opened, and the datasets it has
 * loaded (each loaded once, by its source).
 */
import type { Dataset } from '../data/dataset';
import type { Model } from '../nn/model';
import type { DatasetSource, EpochMetrics, TrainConfig } from '../protocol';

/** The model the engine holds now: trained here or opened from a file. */
export interface HeldModel {
  model: Model;
  config: TrainConfig | null;
  history: EpochMetrics[];
  epoch: number;
  step: number;
  datasetName: string;
  /** The mean-image baseline's test accuracy on the run's data (null when unknown). */
  baselineAccuracy: number | null;
  /** Batches an epoch (0 when unknown). */
  stepsPerEpoch: number;
  /** Seconds trained as the file says (null when unknown); a running trainer knows its own. */
  trainedSeconds: number | null;
  /** Test images for samples and "misclassified" (null when unknown). */
  test: Dataset | null;
  /** Indices of test images the model gets wrong, computed lazily. */
  wrong: number[] | null;
  /** The run's validation split (null when none is held out or known). */
  validation: Dataset | null;
}

export interface LoadedData {
  train: Dataset;
  test: Dataset | null;
}

/** The datasets loaded so far, by source. */
export class DatasetCache {
  private readonly loaded = new Map<string, LoadedData>();

  constructor(private readonly load: (source: DatasetSource) => LoadedData) {}

  /** The dataset, loaded now if it was not before. */
  get(source: DatasetSource): LoadedData {
    if (!source || typeof source !== 'object') throw new Error('no dataset given');
    const key = JSON.stringify(source);
    let d = this.loaded.get(key);
    if (!d) {
      d = this.load(source);
      this.loaded.set(key, d);
    }
    return d;
  }

  /** The dataset if it is loaded already, without reading anything. */
  known(source: DatasetSource): LoadedData | undefined {
    return this.loaded.get(JSON.stringify(source));
  }
}
