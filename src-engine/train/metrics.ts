/** One epoch's results (names as in the CLI's --json output). */
export interface EpochMetrics {
  epoch: number;
  train_loss: number;
  train_accuracy: number;
  test_loss: number;
  test_accuracy: number;
  /** Present when a validation split is held out. */
  val_loss?: number;
  val_accuracy?: number;
  lr: number;
  seconds: number;
  samples_per_second: number;
}
