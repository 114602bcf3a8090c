/**
 * A model's summary carries its recipe (issue 14 #13): the loss, the optimizer and its settings,
 * the schedule, batch, weight decay, seed and dataset, read from the header of a real checkpoint;
 * a file without a training state has none (and says so in the Models view).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkModelFile } from '../../../src-main/library/model-header';
import { FIXTURE_SOURCE, tempDir, trainedModel } from './model-fixtures';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src-engine/checkpoint/codec';

const root = tempDir();
afterAll(() => root.cleanup());

describe('model header: the recipe', () => {
  it('reads the run settings, the loss and the dataset sizes from the file', async () => {
    const file = path.join(root.dir, 'adam.safetensors');
    writeFileSync(file, trainedModel({ optimizer: 'adam', lr: 0.005, momentum: 0, weightDecay: 0.0001, seed: 7, batch: 25, epochs: 2, schedule: 'cosine', limit: 400 }));
    const s = await checkModelFile(file, 'adam.safetensors');
    expect(s.loss).toBe('cross_entropy');
    expect(s.recipe).toMatchObject({
      optimizer: 'adam', lr: 0.005, momentum: 0, weightDecay: 0.0001, seed: 7, batch: 25, epochs: 2, schedule: 'cosine', limit: 400, dataset: FIXTURE_SOURCE,
    });
    expect(s.datasetSize).toEqual({ train: 400, test: expect.any(Number) });
  });

  it('a file without training state has no recipe, but still its loss', async () => {
    const c = decodeCheckpoint(trainedModel(), 'm');
    const file = path.join(root.dir, 'weights-only.safetensors');
    writeFileSync(file, encodeCheckpoint({ ...c, training: null, optimizer: new Map() }));
    const s = await checkModelFile(file, 'weights-only.safetensors');
    expect(s.recipe).toBeNull();
    expect(s.loss).toBe('cross_entropy');
  });
});
