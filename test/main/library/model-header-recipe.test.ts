/**
 * A model's summary carries its recipe (issue 14 #13): the loss, the optimizer and its settings,
 * the schedule, batch, weight decay, seed and dataset, read from the header of a real checkpoint;
 * a file without a training state has none (and says so in the Models view).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkModelFile } from '../../../src-main/library/model-header';
import { FIXTURE_SOURCE, fixtureConfig, tempDir, trainedModel } from './model-fixtures';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import { prepareData } from '../../../src-engine/train/trainer';
import { baselineAccuracy, meanImages } from '../../../src-engine/train/baseline';

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

  it("carries the mean-image baseline of the run's own data, measured when it was saved", async () => {
    const config = { epochs: 1, limit: 300, classes: [3, 7] };
    const file = path.join(root.dir, 'baseline.safetensors');
    writeFileSync(file, trainedModel(config));
    const s = await checkModelFile(file, 'baseline.safetensors');
    // the same figure, from the same images: the class filter and limit applied
    const { train, test } = loadDataset(FIXTURE_SOURCE);
    const data = prepareData(fixtureConfig(config), train, test);
    expect(s.baselineAccuracy).toBe(baselineAccuracy(meanImages(data.train), data.test!));
    expect(s.baselineAccuracy).toBeGreaterThan(0.5);
  });

  it('a file saved before baselines were recorded has none', async () => {
    const c = decodeCheckpoint(trainedModel(), 'm');
    const file = path.join(root.dir, 'old.safetensors');
    const { baseline: _, ...dataset } = c.dataset!;
    writeFileSync(file, encodeCheckpoint({ ...c, dataset }));
    expect((await checkModelFile(file, 'old.safetensors')).baselineAccuracy).toBeNull();
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
