/**
 * Seeded PRNG: every random draw of the engine goes through it, so a seed fixes a run.
 * sfc32 (Chris Doty-Humphrey's Small Fast Counter): 128 bits of state, passes PractRand,
 * and the state is four uint32s that a checkpoint can store and restore exactly.
 */
export class Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  /** A spare normal from Box-Muller; kept in the state so restore is exact. */
  private spare: number | null = null;

  constructor(seed = 1) {
    this.seed(seed);
  }

  /** Reset from an integer seed (any finite number; fractional parts are dropped). */
  seed(seed: number): void {
    const s = Math.trunc(seed);
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = (s ^ Math.trunc(s / 0x100000000)) >>> 0;
    this.spare = null;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** Next uniform uint32. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle(arr: Uint32Array | Int32Array | number[]): void {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
  }

  /** The full state, JSON-safe, for checkpoints. */
  getState(): RandomState {
    return { s: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0], spare: this.spare };
  }

  /** Restore a state from getState(). */
  setState(state: RandomState): void {
    if (!Array.isArray(state.s) || state.s.length !== 4 || !state.s.every((x) => Number.isInteger(x))) {
      throw new Error('invalid random state: expected four 32-bit integers');
    }
    [this.a, this.b, this.c, this.d] = state.s.map((x) => x | 0);
    this.spare = state.spare ?? null;
  }
}

export interface RandomState {
  s: number[];
  spare: number | null;
}

/**
 * A 32-bit seed mixed from several integers (murmur3's finaliser over each in turn), for an RNG
 * keyed by, e.g., (run seed, epoch, image index): its draws then depend on those alone, never on
 * the order in which things are computed.
 */
export function keyedSeed(...words: number[]): number {
  let h = 0x2545f491;
  for (const w of words) {
    h = Math.imul(h ^ (w >>> 0), 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}
