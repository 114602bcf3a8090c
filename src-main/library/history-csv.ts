/**
 * A model's per-epoch metrics as CSV, one row per epoch, for a spreadsheet or pandas.
 * Pure (no Node or DOM), so both the host and the page can use it.
 */
import type { EpochMetrics } from '../../src-engine/protocol';

const COLUMNS = ['epoch', 'train_loss', 'train_accuracy', 'test_loss', 'test_accuracy', 'val_loss', 'val_accuracy', 'lr', 'seconds', 'samples_per_second'] as const;

/** "epoch,train_loss,...\n1,0.31,...\n"; a missing or non-finite value is an empty cell. */
export function historyCsv(history: EpochMetrics[]): string {
  const cell = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '' : String(v));
  const rows = history.map((m) => COLUMNS.map((c) => cell(m[c])).join(','));
  return [COLUMNS.join(','), ...rows].join('\n') + '\n';
}
