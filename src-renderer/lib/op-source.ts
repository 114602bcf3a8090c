/**
 * Where each engine op's code is: the lines of its forward and of its backward in
 * src-engine/ops, found in the sources themselves (by the function's name and its result()
 * closure), so the view marks the very lines that computed the numbers on screen even after the
 * files change.
 */
import type { LineRange } from './code-mirror';

/** Lines of one file. */
export interface SourceRange extends LineRange {
  /** The file's name in src-engine/ops, e.g. "matmul.ts". */
  file: string;
}

export interface OpSource {
  /** The function the op is, e.g. "linear". */
  name: string;
  forward: SourceRange[];
  backward: SourceRange[];
}

/**
 * Each op the tape can hold: the file and function it is, and, for an op whose backward closure
 * lives in a shared helper (sigmoid and tanh use unary()), that helper too.
 */
const OPS: Record<string, { file: string; fn: string; helper?: { file: string; fn: string } }> = {
  linear: { file: 'matmul.ts', fn: 'linear' },
  matmul: { file: 'matmul.ts', fn: 'matmul' },
  relu: { file: 'activations.ts', fn: 'relu' },
  leaky_relu: { file: 'activations.ts', fn: 'leakyRelu' },
  sigmoid: { file: 'activations.ts', fn: 'sigmoid', helper: { file: 'unary.ts', fn: 'unary' } },
  tanh: { file: 'activations.ts', fn: 'tanh', helper: { file: 'unary.ts', fn: 'unary' } },
  softmax_cross_entropy: { file: 'losses.ts', fn: 'softmaxCrossEntropy' },
  mse: { file: 'losses.ts', fn: 'mseOneHot' },
  bce: { file: 'losses.ts', fn: 'bceWithLogits' },
};

/** The ops whose code the view can show. */
export const OPS_WITH_SOURCE = Object.keys(OPS);

/** Lines (1-based) of `export function name(...)` through its closing brace at column 0, or null. */
export function functionLines(text: string, name: string): LineRange | null {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^export function ${name}\\b`).test(l));
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && l === '}');
  return end < 0 ? null : { from: start + 1, to: end + 1 };
}

/**
 * Split a function into its forward (up to the result() call that records the op) and its
 * backward (the closure handed to result(), to its closing `});`). null when it has no result().
 */
function splitAtResult(text: string, fn: LineRange): { forward: LineRange; backward: LineRange } | null {
  const lines = text.split('\n');
  let at = -1;
  for (let i = fn.from - 1; i < fn.to; i++) if (/\breturn result\(/.test(lines[i])) at = i;
  if (at < 0) return null;
  let close = -1;
  for (let i = at; i < fn.to; i++) if (/^\s*\}\);\s*$/.test(lines[i])) close = i;
  if (close < 0) return null;
  return { forward: { from: fn.from, to: at + 1 }, backward: { from: at + 1, to: close + 1 } };
}

/**
 * The forward and backward lines of an op, or null for an op (or a source) it cannot place.
 * @param sources file name -> text, the files of src-engine/ops
 */
export function locateOp(op: string, sources: Record<string, string>): OpSource | null {
  const spec = OPS[op];
  if (!spec) return null;
  const text = sources[spec.file];
  const fn = text !== undefined ? functionLines(text, spec.fn) : null;
  if (!fn) return null;
  const whole = { file: spec.file, ...fn };
  if (!spec.helper) {
    const parts = splitAtResult(text, fn);
    return parts ? { name: spec.fn, forward: [{ file: spec.file, ...parts.forward }], backward: [{ file: spec.file, ...parts.backward }] } : null;
  }
  // NOTE: sigmoid and tanh state their derivative on their own line and hand it to unary(), whose result() closure applies it.
  const helperText = sources[spec.helper.file];
  const helperFn = helperText !== undefined ? functionLines(helperText, spec.helper.fn) : null;
  const parts = helperFn ? splitAtResult(helperText, helperFn) : null;
  if (!parts) return null;
  return {
    name: spec.fn,
    forward: [whole, { file: spec.helper.file, ...parts.forward }],
    backward: [whole, { file: spec.helper.file, ...parts.backward }],
  };
}
