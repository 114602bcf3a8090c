/**
 * The digit pad's session: the strokes drawn (for undo and redraw), the 28x28 image the network
 * sees, the engine's live answer with its saliency and most active hidden units, and the test
 * digit being shown. Predictions go out one at a time; while one is in flight only the newest
 * drawing waits.
 */
import type { Prediction, Sample } from '../../src-engine/protocol';
import type { ApiEvent, ScratchnetApi } from '../../src-main/host/api-contract';
import { preprocessDigit, type Box, type InkImage } from '../lib/digit-preprocess';
import { LatestOnly } from '../lib/latest-only';

/** A point on the pad, 0..1 across and down. */
export interface PadPoint {
  x: number;
  y: number;
}

/** One stroke: the points of one press-move-release. */
export type Stroke = PadPoint[];

export class DigitPadState {
  /** Strokes of the drawing; the last one grows while the pointer is down. */
  strokes = $state.raw<Stroke[]>([]);
  /** Ticks when a stroke grows (the array is extended in place). */
  revision = $state(0);
  /** [784] what the network sees, or null before anything is drawn. */
  input = $state.raw<Uint8Array | null>(null);
  /** Where the scaled drawing sits in the 28x28 input. */
  box = $state.raw<Box | null>(null);
  /** How much of the pad the drawing spans (Preprocessed.spans); null for none or a test digit. */
  spans = $state<number | null>(null);
  prediction = $state.raw<Prediction | null>(null);
  /** The test digit on show (its true label), or null for a drawing. */
  sample = $state.raw<Sample | null>(null);
  showSaliency = $state(false);
  /** Round trip of the last prediction, in ms. */
  latency = $state<number | null>(null);
  error = $state<string | null>(null);
  /** Whether the pad is on screen (it then re-asks as the weights change during training). */
  active = false;

  private readonly queue: LatestOnly<{ pixels: Uint8Array; generation: number }, Prediction>;
  /** Bumped when the drawing is cleared or replaced: answers to older requests are dropped. */
  private generation = 0;
  private readonly stopListening: () => void;

  constructor(private readonly api: ScratchnetApi) {
    this.queue = new LatestOnly(
      ({ pixels }) => api.call('model:predict', { pixels, saliency: true }),
      (r) => {
        // NOTE: an answer to a slightly older stroke is still shown while drawing; not after a clear.
        if (r.input.generation !== this.generation) return;
        if (r.ok) {
          this.prediction = r.value;
          this.latency = r.ms;
          this.error = null;
        } else {
          this.prediction = null;
          this.error = r.error instanceof Error ? r.error.message : String(r.error);
        }
      },
    );
    this.stopListening = api.onEvent((e) => this.handle(e));
  }

  /** The class with the highest probability, or null. */
  get answer(): number | null {
    const p = this.prediction?.probabilities;
    if (!p?.length) return null;
    let best = 0;
    for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
    return best;
  }

  /** Begin a stroke at p (drawing replaces a test digit on show). */
  startStroke(p: PadPoint): void {
    if (this.sample) this.clear();
    this.strokes = [...this.strokes, [p]];
  }

  /** Extend the current stroke. */
  extendStroke(points: PadPoint[]): void {
    const last = this.strokes.at(-1);
    if (!last || points.length === 0) return;
    last.push(...points);
    this.revision++;
  }

  /** Take back the last stroke. */
  undo(): void {
    if (this.strokes.length === 0) return;
    this.strokes = this.strokes.slice(0, -1);
    if (this.strokes.length === 0) this.reset();
  }

  /** Wipe the drawing (or the test digit) and the answer. */
  clear(): void {
    this.strokes = [];
    this.sample = null;
    this.reset();
  }

  /** The pad's ink changed: preprocess it the MNIST way and ask the engine. */
  setInk(ink: InkImage): void {
    if (this.sample) return;
    const pre = preprocessDigit(ink);
    if (!pre) {
      this.reset();
      return;
    }
    this.input = pre.pixels;
    this.box = pre.box;
    this.spans = pre.spans;
    this.ask();
  }

  /** Show a random test digit with its true label. */
  randomDigit(): Promise<void> {
    return this.loadSample({ which: 'random' });
  }

  /** Show the next test digit the model gets wrong (after the one on show). */
  nextWrong(): Promise<void> {
    return this.loadSample({ which: 'misclassified', after: this.sample?.wrong ? this.sample.index : -1 });
  }

  /** Ask again about the input on show (the model may have changed meanwhile). */
  refresh(): void {
    this.ask();
  }

  /** Apply one event: new weights during training change the answer to the same drawing. */
  handle(event: ApiEvent): void {
    if ((event.type === 'weights' || event.type === 'done') && this.active) this.ask();
  }

  dispose(): void {
    this.stopListening();
  }

  /** Show a digit the app already has (a gallery's), with its true label. */
  showSample(sample: Sample): void {
    this.strokes = [];
    this.generation++;
    this.sample = sample;
    this.input = sample.pixels;
    this.box = null;
    this.spans = null;
    this.prediction = null;
    this.error = null;
    this.ask();
  }

  private async loadSample(args: { which: 'random' } | { which: 'misclassified'; after: number }): Promise<void> {
    try {
      this.showSample(await this.api.call('dataset:sample', args));
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** Ask the engine about the input on show. */
  private ask(): void {
    if (this.input) this.queue.push({ pixels: this.input, generation: this.generation });
  }

  private reset(): void {
    this.generation++;
    this.queue.drop();
    this.input = null;
    this.box = null;
    this.spans = null;
    this.prediction = null;
    this.error = null;
  }
}
