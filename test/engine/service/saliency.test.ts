import { describe, expect, it } from 'vitest';
import type { Activation } from '../../../src-engine/architecture';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { EngineService } from '../../../src-engine/service/engine-service';
import { modelFromCheckpoint } from '../../../src-engine/checkpoint/layout';
import { fixture, trainedService } from './trained-service';

/**
 * A service that has trained a small model to the end (manual clock and task queue), and the
 * model's last checkpoint; `between` runs between slices of training.
 */
const trained = (activation: Activation, hidden: number[], between?: (service: EngineService) => void) => trainedService({ activation, hidden }, between);

describe('saliency from model:predict', () => {
  for (const [activation, hidden] of [['relu', [32]], ['tanh', [24, 16]]] as const) {
    it(`equals central finite differences of the predicted logit with respect to every pixel byte (${activation}, ${hidden.join('-')})`, () => {
      const { service, bytes } = trained(activation, [...hidden]);
      const model = modelFromCheckpoint(decodeCheckpoint(bytes, 'model'));
      const scale = model.architecture.input.scale;
      const test = fixture.test!;
      for (const index of [0, 7, 42]) {
        const pixels = test.images.slice(index * 784, (index + 1) * 784);
        const p = service.handle('model:predict', { pixels, saliency: true });
        const predicted = p.probabilities.indexOf(Math.max(...p.probabilities));
        expect(p.saliency).toHaveLength(784);
        const x = Float64Array.from(pixels, (v) => v * scale);
        const logit = (i: number, dByte: number) => {
          const xi = x[i];
          x[i] = xi + dByte * scale;
          const out = model.infer(x)[predicted];
          x[i] = xi;
          return out;
        };
        const h = 1e-6; // in byte units
        let largest = 0;
        for (let i = 0; i < 784; i++) {
          const numeric = (logit(i, h) - logit(i, -h)) / (2 * h);
          expect(Math.abs(p.saliency![i] - numeric)).toBeLessThanOrEqual(1e-5 + 1e-3 * Math.abs(numeric));
          largest = Math.max(largest, Math.abs(numeric));
        }
        expect(largest).toBeGreaterThan(1e-4); // a real signal, not all zeros
        // and the saliency map says which way: adding ink along it raises the answer's logit
        const along = Float64Array.from(x, (v, i) => v + 0.5 * scale * Math.sign(p.saliency![i]));
        expect(model.infer(along)[predicted]).toBeGreaterThan(p.logits[predicted]);
      }
    });
  }

  it('asked for between batches of a run, changes nothing of the run', () => {
    const digit = fixture.test!.images.slice(0, 784);
    let asked = 0;
    const plain = trained('relu', [16]);
    const probed = trained('relu', [16], (service) => {
      service.handle('model:predict', { pixels: digit, saliency: true });
      asked++;
    });
    expect(asked).toBeGreaterThan(2);
    expect(probed.bytes).toEqual(plain.bytes); // same weights, optimizer state and history, bit for bit
  });

  it('is left out when not asked for', () => {
    const { service } = trained('relu', [8]);
    const p = service.handle('model:predict', { pixels: new Uint8Array(784), saliency: false });
    expect(p.saliency).toBeNull();
  });
});
