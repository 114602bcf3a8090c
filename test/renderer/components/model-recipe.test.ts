/**
 * The Models view shows how a model was trained (issue 14 #13): optimizer, learning rate and
 * schedule, batch, loss, weight decay, seed and the dataset; a file that does not record it says so.
 */
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import type { ModelSummary } from '../../../src-main/library/models-contract';
import ModelDetails from '../../../src-renderer/components/ModelDetails.svelte';
import { summary } from '../models-fixtures';

const noop = () => undefined;

function details(model: ModelSummary): Record<string, string> {
  render(ModelDetails, {
    props: { model, mode: 'browser', busy: false, runActive: false, onOpen: noop, onContinue: noop, onRename: noop, onDuplicate: noop, onDelete: noop, onReveal: noop, onExport: noop, onExportCsv: noop, onExportAs: noop },
  });
  const rows: Record<string, string> = {};
  for (const dt of screen.getByRole('region', { name: 'Model details' }).querySelectorAll('dt')) rows[dt.textContent!] = dt.nextElementSibling!.textContent!;
  return rows;
}

describe('Model details: the recipe', () => {
  it('shows optimizer, learning rate and schedule, batch, loss, weight decay, seed and dataset', () => {
    const rows = details(
      summary({
        name: 'lecun',
        loss: 'mse',
        recipe: { ...DEFAULT_CONFIG, hidden: [300], activation: 'tanh', loss: 'mse', lr: 0.05, momentum: 0.9, nesterov: true, schedule: 'step', batch: 32, epochs: 20, weightDecay: 0.0005, seed: 3, classes: [3, 7], limit: 5000 },
        datasetSize: { train: 5000, test: 2038 },
      }),
    );
    expect(rows).toMatchObject({
      Loss: 'mean squared error',
      Optimizer: 'SGD, momentum 0.9 (Nesterov)',
      'Learning rate': '0.05, step decay schedule over 20 epochs',
      'Batch size': '32',
      'Weight decay': '0.0005',
      Seed: '3',
      'Trained on': 'MNIST (bundled) · 5,000 train / 2,038 test images · classes 3, 7 only · the first 5,000 training images',
    });
  });

  const mnist = { ...DEFAULT_CONFIG, dataset: { kind: 'mnist' as const } };
  it('does not name an image limit past the dataset (older files): it trained on every image', () => {
    expect(details(summary({ recipe: { ...mnist, limit: 100000 }, datasetSize: { train: 60000, test: 10000 } }))['Trained on'])
      .toBe('MNIST (bundled) · 60,000 train / 10,000 test images');
  });

  it('names an image limit that cut the training set, a validation split held out of it', () => {
    // 2,000 with a tenth held out: 1,800 trained on
    expect(details(summary({ recipe: { ...mnist, limit: 2000, validation: 0.1 }, datasetSize: { train: 1800, test: 10000 } }))['Trained on'])
      .toBe('MNIST (bundled) · 1,800 train / 10,000 test images · the first 2,000 training images · 10% held out for validation');
  });

  it('says when the file does not record how it was trained', () => {
    const rows = details(summary({ recipe: null, datasetSize: null, dataset: null, resumable: false, plannedEpochs: null, schedule: null }));
    expect(rows).toMatchObject({ Loss: 'cross-entropy', Recipe: 'not recorded in the file (another tool wrote it)', 'Trained on': 'not recorded' });
    expect(rows.Optimizer).toBeUndefined();
  });
});
