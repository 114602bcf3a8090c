/** Where training data comes from. Paths are resolved by the host, never by the renderer. */
export type DatasetSource =
  | { kind: 'mnist' }
  /** A folder with the four MNIST-layout IDX files (raw or .gz). */
  | { kind: 'idx'; dir: string }
  /** A CSV file (label first, then pixels; Kaggle layout), optionally a second one for testing. */
  | { kind: 'csv'; train: string; test?: string };

/** Dataset identity stored with a model. */
export interface DatasetMeta {
  name: string;
  train: number;
  test: number;
  /** FNV-1a 32-bit hash of the training images and labels, hex. */
  hash: string;
  /**
   * Test accuracy of the mean-image baseline on this run's data (0..1): the figure the run has to
   * beat. Absent without test images, and in files written before it was recorded.
   */
  baseline?: number;
}
