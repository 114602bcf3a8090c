/**
 * What an exercise is: a piece of the engine a learner writes themselves (relu and its backward,
 * a linear layer's backward, an SGD step...), the cases it is checked on, and the engine's own
 * answer for each. Pure: the learner's code never runs here (see learner-call.ts and the
 * sandboxes that run it).
 */

/** A value handed to or returned by a learner's function. */
export type ExerciseValue = Float64Array | Uint8Array | number;

/** One set of inputs the learner's functions are called with. */
export interface ExerciseCase {
  /** What is special about it, e.g. "exact zeros" or "a batch of 1". */
  label: string;
  /** The arguments, in the order of the exercise's `params`. */
  args: ExerciseValue[];
  /** The shape of every argument and output, by name ([] for a number). */
  shapes: Record<string, number[]>;
}

/** Outputs by name; a number is a one-element array. */
export type Outputs = Record<string, Float64Array>;

/** A mistake learners make, recognised by computing what the mistaken code would return. */
export interface Mistake {
  hint: string;
  /** The mistaken outputs (only those the mistake changes); null when it cannot arise here. */
  outputs(args: ExerciseValue[]): Partial<Outputs> | null;
}

/** Where the engine's own version lives, shown after a try. */
export interface ReferenceSource {
  /** Path under src-engine/, e.g. "ops/activations.ts". */
  file: string;
  /** The line that starts it, e.g. "export function relu(". */
  start: string;
}

export interface Exercise {
  /** The name on the command line and in saved progress, e.g. "relu". */
  name: string;
  title: string;
  /** One paragraph: what the piece does and why. */
  explanation: string;
  /** The formula, in plain text. */
  formula: string;
  /** The functions the learner defines, in order. */
  functions: string[];
  /** Their signatures as the learner reads them. */
  signature: string;
  /** The code the editor starts with. */
  stub: string;
  /** Argument names, in call order. */
  params: string[];
  /** Output names, in the order they are checked. */
  outputs: string[];
  /** Which outputs are gradients (also checked against central finite differences). */
  gradients: string[];
  /** The cases, drawn from a seeded generator. */
  cases(): ExerciseCase[];
  /**
   * Call the learner's functions on one case and return what they gave, unchecked.
   * NOTE: runs inside the sandbox; it only passes the arguments and reads the results.
   */
  call: string;
  /** The engine's answer, from its real ops. */
  expected(args: ExerciseValue[]): Outputs;
  /** Central finite differences of the engine's forward, for the gradient outputs (NaN: not comparable, e.g. at a kink). */
  numeric?(args: ExerciseValue[]): Outputs;
  mistakes: Mistake[];
  references: ReferenceSource[];
  /** How the learner's version is named when a network trains with it ("relu"); null: it is no piece of the MLP trained here. */
  trainAs: string | null;
}
