/**
 * A Scratchnet model as an ONNX graph: Mul (the input scale), then per layer Gemm (transB=1, so
 * the weights keep PyTorch's [out, in] layout) or the activation (Relu, LeakyRelu, Sigmoid,
 * Tanh; in float64, leaky_relu is Where(x > 0, x, slope·x): see below). In float64 by default,
 * so the outputs are the engine's to ~1e-14; float32 on request.
 *
 * The input contract (the same as Scratchnet's): input "pixels" of shape [batch, pixels], the
 * image bytes 0..255 flattened row-major, as float64 (or float32) numbers; the graph multiplies
 * them by architecture.input.scale itself. Output "logits" [batch, outputs]: the last layer's
 * output (softmax gives class probabilities; a bce model has one logit, class 1 when > 0).
 */
import type { Architecture } from '../architecture';
import type { Checkpoint } from '../checkpoint/codec';
import { AttributeType, DataType, modelProto, ONNX_IR_VERSION, ONNX_OPSET } from './onnx-schema';

export interface OnnxOptions {
  /** Write float32 weights and a float32 input instead of float64. */
  float32?: boolean;
  /** Scratchnet's version, recorded as the producer's. */
  appVersion?: string;
}

export const ONNX_INPUT = 'pixels';
export const ONNX_OUTPUT = 'logits';

/**
 * Why ONNX cannot express this architecture, or null when it can. Every layer Scratchnet trains
 * today has an ONNX op; a future layer type without one gets its sentence here.
 */
export function onnxProblem(arch: Architecture): string | null {
  for (const [i, l] of arch.layers.entries()) {
    if (!['linear', 'relu', 'leaky_relu', 'sigmoid', 'tanh', 'dropout'].includes(l.type)) {
      return `ONNX export cannot express layer ${i} (${(l as { type: string }).type}): only linear, relu, leaky_relu, sigmoid, tanh and dropout layers have an ONNX op here.`;
    }
  }
  return null;
}

function tensorProto(name: string, dims: number[], values: ArrayLike<number>, float32: boolean) {
  const typed = float32 ? Float32Array.from(values) : Float64Array.from(values);
  // NOTE: raw_data is little-endian by the ONNX spec; typed arrays are little-endian on every
  // platform Scratchnet runs on (x86, ARM), so their bytes go as they are.
  return { name, dims, dataType: float32 ? DataType.FLOAT : DataType.DOUBLE, rawData: new Uint8Array(typed.buffer) };
}

function valueInfo(name: string, elemType: number, dims: (number | string)[], docString: string) {
  return {
    name,
    docString,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** The ONNX model (protobuf bytes) of a checkpoint's network. Throws the onnxProblem sentence when it has none. */
export function exportOnnx(c: Checkpoint, options: OnnxOptions = {}): Uint8Array {
  const arch = c.architecture;
  const problem = onnxProblem(arch);
  if (problem) throw new Error(problem);
  const f32 = options.float32 === true;
  const elemType = f32 ? DataType.FLOAT : DataType.DOUBLE;
  const inputSize = arch.input.shape.reduce((p, d) => p * d, 1);
  const outputs = arch.loss === 'bce' ? 1 : arch.classes.length;

  const initializer = [tensorProto('input_scale', [], [arch.input.scale], f32)];
  const node: object[] = [{ name: 'scale', opType: 'Mul', input: [ONNX_INPUT, 'input_scale'], output: ['x'] }];
  let h = 'x';
  arch.layers.forEach((l, i) => {
    const out = i === arch.layers.length - 1 ? ONNX_OUTPUT : `${i}.output`;
    const name = `${i}`;
    if (l.type === 'linear') {
      const w = c.params.get(`${i}.weight`)!;
      const b = c.params.get(`${i}.bias`)!;
      initializer.push(tensorProto(`${i}.weight`, w.shape, w.data, f32), tensorProto(`${i}.bias`, b.shape, b.data, f32));
      node.push({ name, opType: 'Gemm', input: [h, `${i}.weight`, `${i}.bias`], output: [out], attribute: [{ name: 'transB', type: AttributeType.INT, i: 1 }] });
    } else if (l.type === 'leaky_relu' && f32) {
      node.push({ name, opType: 'LeakyRelu', input: [h], output: [out], attribute: [{ name: 'alpha', type: AttributeType.FLOAT, f: l.slope ?? 0.01 }] });
    } else if (l.type === 'leaky_relu') {
      // NOTE: onnxruntime has no float64 LeakyRelu kernel, and its alpha attribute is a float32
      // (0.01 would become 0.0099999998). So in float64 it is spelled out as the engine computes
      // it: Where(x > 0, x, slope·x), with the slope a float64 constant.
      initializer.push(tensorProto(`${i}.slope`, [], [l.slope ?? 0.01], f32), tensorProto(`${i}.zero`, [], [0], f32));
      node.push(
        { name: `${i}.positive`, opType: 'Greater', input: [h, `${i}.zero`], output: [`${i}.positive`] },
        { name: `${i}.scaled`, opType: 'Mul', input: [h, `${i}.slope`], output: [`${i}.scaled`] },
        { name, opType: 'Where', input: [`${i}.positive`, h, `${i}.scaled`], output: [out] },
      );
    } else if (l.type === 'dropout') {
      // NOTE: dropout only acts while training; an exported model infers, so it is the identity.
      node.push({ name, opType: 'Identity', input: [h], output: [out] });
    } else {
      const opType = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh' }[l.type];
      node.push({ name, opType, input: [h], output: [out] });
    }
    h = out;
  });

  const type = modelProto();
  const message = type.fromObject({
    irVersion: ONNX_IR_VERSION,
    producerName: 'Scratchnet',
    producerVersion: options.appVersion ?? '',
    docString: `A Scratchnet MLP. Input "${ONNX_INPUT}": [batch, ${inputSize}] image bytes 0..255 (row-major), as ${f32 ? 'float32' : 'float64'}; the graph multiplies them by ${arch.input.scale}. Output "${ONNX_OUTPUT}": [batch, ${outputs}].`,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    metadataProps: [
      { key: 'scratchnet.architecture', value: JSON.stringify(arch) },
      { key: 'classes', value: JSON.stringify(arch.classes) },
    ],
    graph: {
      name: 'scratchnet_mlp',
      node,
      initializer,
      input: [valueInfo(ONNX_INPUT, elemType, ['batch', inputSize], `image bytes 0..255, ${arch.input.shape.join('x')} flattened row-major`)],
      output: [valueInfo(ONNX_OUTPUT, elemType, ['batch', outputs], arch.loss === 'bce' ? `logit of class "${arch.classes[1]}"` : `logits of ${arch.classes.join(', ')}`)],
    },
  });
  const bytes = type.encode(message).finish();
  // NOTE: protobufjs gives a Node Buffer under Node; a plain Uint8Array is what the app's wire
  // codec (browser mode) and structured clone carry.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
