/**
 * `explain MODEL --index N [--dataset ...] [--grads FILE] [--json]`: one test image's tape (the
 * engine's ops in order with their output shape, values and gradient norm), the loss and the
 * class probabilities; --grads writes that example's gradient of every parameter and every layer's
 * output to one safetensors file (F64, PyTorch's names and layout).
 */
import { existsSync, readFileSync } from 'node:fs';
import { decodeCheckpoint } from '../checkpoint/codec';
import { modelFromCheckpoint, toFileLayout } from '../checkpoint/layout';
import { encodeSafetensors } from '../checkpoint/safetensors';
import { filterClasses } from '../data/dataset';
import { traceExample } from '../inspect/tape';
import type { DatasetSource } from '../protocol';
import { formatShape, Tensor } from '../tensor';
import { atomicWrite } from './atomic-write';
import { type Flags, numberFlag, UsageError } from './cli-args';
import { loadDataset } from './dataset-files';

/** How the command finds the model's data (the CLI's rule: --dataset, or the bundled MNIST). */
export type DatasetFor = (modelPath: string, stored: DatasetSource | undefined) => DatasetSource;

function stats(v: Float64Array): { mean: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return { mean: sum / v.length, min, max };
}

function norm(v: Float64Array | null): number | null {
  if (!v) return null;
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

const num = (x: number | null) => (x === null ? '-' : Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(4));

/** @returns the lines to print and the --json result */
export function explainCommand(positionals: string[], flags: Flags, datasetFor: DatasetFor): { lines: string[]; json: unknown } {
  const modelPath = positionals[0];
  if (!modelPath) throw new UsageError('explain needs a model file: npm run cli -- explain MODEL.safetensors --index N');
  const index = numberFlag(flags, 'index', true);
  if (index === undefined) throw new UsageError('explain needs --index N: which test image to step through');
  if (flags.grads !== undefined && (typeof flags.grads !== 'string' || flags.grads === '')) throw new UsageError('--grads needs a file name');
  if (!existsSync(modelPath)) throw new UsageError(`${modelPath}: no such file`);
  const c = decodeCheckpoint(new Uint8Array(readFileSync(modelPath)), modelPath);
  const model = modelFromCheckpoint(c);
  const config = c.training?.config;
  let test = loadDataset(datasetFor(modelPath, config?.dataset)).test;
  if (!test) throw new UsageError('the dataset has no test set (give a test CSV: --dataset csv:TRAIN,TEST)');
  if (config?.classes?.length) test = filterClasses(test, config.classes);
  const pixels = test.rows * test.cols;
  if (pixels !== model.inputSize) throw new UsageError(`the model takes ${model.inputSize} pixels per image but the test images have ${pixels}: it does not fit this dataset`);
  if (index < 0 || index >= test.count) throw new UsageError(`--index must be 0 to ${test.count - 1} (the test set has ${test.count} images)`);
  const label = test.labels[index];
  const classes = model.architecture.classes;
  if (label >= classes.length) throw new UsageError(`test image ${index} is labelled ${label}, but the model knows ${classes.length} classes: it does not fit this dataset`);
  const scale = model.architecture.input.scale;
  const x = Float64Array.from(test.images.subarray(index * pixels, (index + 1) * pixels), (b) => b * scale);
  const { tape, grads } = traceExample(model, x, label);

  const rows = tape.ops.map((o, i) => {
    const s = stats(o.output.values);
    return { index: i, op: o.op, layer: o.layer, inputs: o.inputs.map((p) => ({ name: p.name, shape: p.shape })), shape: o.output.shape, ...s, grad_norm: norm(o.output.grad) };
  });
  const lines = [`${modelPath}: test image ${index} of ${test.name}, true class ${classes[label]}`];
  const head = ['#', 'op', 'output shape', 'mean', 'min', 'max', 'grad norm'];
  const table = rows.map((r) => [String(r.index), r.op + (r.layer !== null ? ` (${r.layer})` : ''), formatShape(r.shape), num(r.mean), num(r.min), num(r.max), num(r.grad_norm)]);
  const widths = head.map((h, j) => Math.max(h.length, ...table.map((t) => t[j].length)));
  for (const r of [head, ...table]) lines.push(r.map((cell, j) => (j < 3 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
  lines.push(`backward ran ops ${tape.backward.join(', ')} (from the loss back)`);
  if (tape.note) lines.push(tape.note);
  lines.push(`loss ${tape.loss.toFixed(6)}  predicted ${classes[tape.prediction]}`);
  lines.push('probabilities ' + classes.map((k, j) => `${k}:${tape.probabilities[j].toFixed(4)}`).join(' '));

  let gradsPath: string | undefined;
  if (typeof flags.grads === 'string') {
    const tensors = new Map<string, { shape: number[]; data: Float64Array }>();
    for (const p of model.parameters()) tensors.set(p.name, toFileLayout(new Tensor(grads.get(p.name)!, p.tensor.shape)));
    for (const o of tape.ops) if (o.layer !== null) tensors.set(`act.${o.layer}`, { shape: [1, o.output.values.length], data: o.output.values });
    const meta = { format: 'scratchnet.explain/1', model: modelPath, index: String(index), label: String(label), loss: String(tape.loss) };
    atomicWrite(flags.grads, encodeSafetensors(tensors, meta));
    gradsPath = flags.grads;
    lines.push(`wrote ${tensors.size} tensors (every parameter's gradient, every layer's output) to ${flags.grads}`);
  }
  const json = {
    index,
    label,
    class: classes[label],
    classes,
    loss: tape.loss,
    prediction: tape.prediction,
    probabilities: Array.from(tape.probabilities),
    tape: rows,
    backward: tape.backward,
    params: tape.params,
    ...(gradsPath ? { grads: gradsPath } : {}),
  };
  return { lines, json };
}
