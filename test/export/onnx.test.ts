/**
 * The ONNX export run for real in onnxruntime-node on the 10,000 MNIST test digits: in float64
 * every digit gets the engine's class and every output is within 1e-9 of the engine's; in
 * float32 the outputs are within float32's rounding. Models come from the real engine.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type { Checkpoint } from '../../src-engine/checkpoint/codec';
import { exportOnnx, ONNX_INPUT, ONNX_OUTPUT, onnxProblem } from '../../src-engine/export/onnx';
import { modelProto } from '../../src-engine/export/onnx-schema';
import { argmaxRows, bundledMnist, fastKernels, engineOutputs, type Recipe, trainModel } from './trained-models';

/** The export's outputs for the first `count` test digits, run by onnxruntime. */
async function runOnnx(bytes: Uint8Array, images: Uint8Array, count: number, pixels: number, float32: boolean): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(bytes);
  const x = float32 ? Float32Array.from(images.subarray(0, count * pixels)) : Float64Array.from(images.subarray(0, count * pixels));
  const out = await session.run({ [ONNX_INPUT]: new ort.Tensor(float32 ? 'float32' : 'float64', x, [count, pixels]) });
  return Float64Array.from(out[ONNX_OUTPUT].data as Float64Array | Float32Array);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const RECIPES: [string, Recipe][] = [
  ['784-32-10 relu', { hidden: [32] }],
  ['784-24-16-10 leaky_relu', { hidden: [24, 16], activation: 'leaky_relu' }],
  ['784-16-10 sigmoid, Adam', { hidden: [16], activation: 'sigmoid', optimizer: 'adam', limit: 1000 }],
  ['784-16-10 tanh, mse', { hidden: [16], activation: 'tanh', loss: 'mse', limit: 1000 }],
  ['784-12-1 tanh, bce 3 vs 7', { hidden: [12], activation: 'tanh', loss: 'bce', classes: [3, 7] }],
  ['784-32-16-10 relu, dropout 0.5 and 0.2 (the identity at inference)', { hidden: [32, 16], dropout: [0.5, 0.2] }],
];

describe(`ONNX export in onnxruntime-node ${ort.env.versions.node}`, () => {
  beforeAll(fastKernels);
  const { test } = bundledMnist();
  const pixels = test.rows * test.cols;

  for (const [name, recipe] of RECIPES) {
    it(`${name}: float64 gives the engine's class for all 10,000 test digits and outputs within 1e-9`, async () => {
      const c: Checkpoint = trainModel(recipe);
      const width = recipe.loss === 'bce' ? 1 : 10;
      const engine = engineOutputs(c, test.images, test.count);
      const onnx = await runOnnx(exportOnnx(c), test.images, test.count, pixels, false);
      const diff = maxAbsDiff(onnx, engine);
      console.log(`${name}: float64 max |onnx - engine| = ${diff.toExponential(2)} over ${engine.length} outputs`);
      expect(diff).toBeLessThan(1e-9);
      const engineClasses = argmaxRows(engine, width);
      expect(argmaxRows(onnx, width)).toEqual(engineClasses);

      const onnx32 = await runOnnx(exportOnnx(c, { float32: true }), test.images, test.count, pixels, true);
      const diff32 = maxAbsDiff(onnx32, engine);
      const agree = argmaxRows(onnx32, width).filter((k, i) => k === engineClasses[i]).length;
      console.log(`${name}: float32 max |onnx - engine| = ${diff32.toExponential(2)}, same class for ${agree} of ${test.count}`);
      expect(diff32).toBeLessThan(1e-3);
      expect(agree).toBeGreaterThanOrEqual(test.count - 5); // only near-ties may flip in float32
    }, 60_000);
  }

  it('writes a valid ModelProto: Mul by the input scale, Gemm with transB, the activations, float64 weights in PyTorch layout', () => {
    const c = trainModel({ hidden: [8], limit: 200 });
    const bytes = exportOnnx(c, { appVersion: '9.9.9' });
    expect(bytes.constructor).toBe(Uint8Array); // not a Node Buffer: browser mode's wire codec refuses those
    const m = modelProto().toObject(modelProto().decode(bytes), { longs: Number, bytes: Array }) as {
      irVersion: number; producerName: string; producerVersion: string; opsetImport: { version: number }[];
      metadataProps: { key: string; value: string }[];
      graph: { node: { opType: string; input: string[]; attribute?: { name: string; i: number }[] }[]; initializer: { name: string; dims: number[]; dataType: number; rawData: number[] }[] };
    };
    expect(m.producerName).toBe('Scratchnet');
    expect(m.producerVersion).toBe('9.9.9');
    expect(m.graph.node.map((n) => n.opType)).toEqual(['Mul', 'Gemm', 'Relu', 'Gemm']);
    expect(m.graph.node[1].attribute).toEqual([{ name: 'transB', i: 1, type: 2 }]);
    const w = m.graph.initializer.find((t) => t.name === '0.weight')!;
    expect(w.dims).toEqual([8, 784]);
    expect(w.dataType).toBe(11);
    const first = new Float64Array(Uint8Array.from(w.rawData.slice(0, 8)).buffer)[0];
    expect(first).toBe(c.params.get('0.weight')!.data[0]);
    const scale = m.graph.initializer.find((t) => t.name === 'input_scale')!;
    expect(new Float64Array(Uint8Array.from(scale.rawData).buffer)[0]).toBe(1 / 255);
    expect(JSON.parse(m.metadataProps.find((p) => p.key === 'scratchnet.architecture')!.value)).toEqual(c.architecture);
  });

  it('refuses a layer it cannot express with one sentence', () => {
    const c = trainModel({ hidden: [8], limit: 200 });
    const odd = { ...c, architecture: { ...c.architecture, layers: [c.architecture.layers[0], { type: 'softplus' }, c.architecture.layers[2]] } } as unknown as Checkpoint;
    const sentence = 'ONNX export cannot express layer 1 (softplus): only linear, relu, leaky_relu, sigmoid, tanh and dropout layers have an ONNX op here.';
    expect(onnxProblem(odd.architecture)).toBe(sentence);
    expect(() => exportOnnx(odd)).toThrow(sentence);
    expect(onnxProblem(c.architecture)).toBeNull();
  });
});
