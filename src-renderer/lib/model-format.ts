/** How the Models view words a model's facts. */
import type { ModelSummary } from '../../src-main/models-contract';

/** 1536 -> "1.5 KB", 3.2e6 -> "3.1 MB" */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** An ISO time in the person's locale, e.g. "22 Nov 2026, 14:05" ('–' when absent). */
export function savedAt(iso: string, locale?: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '–';
  return d.toLocaleString(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** "3 epochs", "1 epoch", "2 of 5 epochs (interrupted)" */
export function epochsText(m: Pick<ModelSummary, 'epochs' | 'plannedEpochs'>): string {
  const plural = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`;
  if (m.plannedEpochs !== null && m.epochs < m.plannedEpochs) return `${m.epochs} of ${plural(m.plannedEpochs)} (interrupted)`;
  return plural(m.epochs);
}

/** Epochs "Continue training" offers: the rest of an interrupted run, else as many again (at least 1). */
export function suggestedMoreEpochs(m: Pick<ModelSummary, 'epochs' | 'plannedEpochs'>): number {
  if (m.plannedEpochs !== null && m.epochs < m.plannedEpochs) return m.plannedEpochs - m.epochs;
  return Math.max(1, Math.min(m.epochs, 10));
}
