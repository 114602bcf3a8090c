/**
 * What keeps the charts readable: axis labels that are short and all different (never
 * "0.0001" three times, never "1.9999999999999998e+302k"), and a loss line whose diverged values
 * are clipped to the top of the chart with a marker instead of stretching the axis.
 */

/** Significant digits that keep ticks `step` apart distinct. */
function decimalsFor(step: number): number {
  if (!Number.isFinite(step) || step <= 0) return 2;
  return Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9)));
}

/**
 * One tick label of a linear axis: as many decimals as the spacing between ticks needs, "12k"
 * for thousands, and exponent form for the very large and very small.
 * @param step the distance to the neighbouring tick (0 or NaN when unknown)
 */
export function tickLabel(value: number, step: number): string {
  if (!Number.isFinite(value)) return '';
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a >= 1e6 || (a < 1e-6 && !(step >= 1e-6))) return expLabel(value);
  if (a >= 1e4 && step >= 1000) return `${Number((value / 1000).toFixed(Math.max(0, decimalsFor(step / 1000))))}k`;
  return String(Number(value.toFixed(decimalsFor(step))));
}

/**
 * A tick of a logarithmic axis: 1e-3, 0.01, 0.1, 1, 10, 1e3. Powers of ten get a label, and
 * their doubles and fives too when the axis spans three decades or fewer.
 * @param ticks the axis's ticks (for its span)
 */
export function logTickLabel(value: number, ticks: readonly { value: number }[] = []): string {
  if (!(value > 0)) return '';
  const mantissa = value / 10 ** Math.floor(Math.log10(value) + 1e-9);
  const m = Math.round(mantissa * 1000) / 1000;
  const lo = ticks[0]?.value;
  const hi = ticks[ticks.length - 1]?.value;
  const decades = lo > 0 && hi > 0 ? Math.log10(hi / lo) : 0;
  if (m !== 1 && (decades > 3 || (m !== 2 && m !== 5))) return '';
  if (value >= 0.01 && value < 1e4) return String(Number(value.toPrecision(1)));
  return expLabel(value);
}

/** 2e302, 1.5e-7: up to three significant digits, no trailing zeros. */
function expLabel(v: number): string {
  return Number(v.toPrecision(3)).toExponential().replace('e+', 'e');
}

/** The spacing of a chart.js tick list at index i (for tickLabel). */
export function tickStep(ticks: readonly { value: number }[], i: number): number {
  const a = ticks[i]?.value;
  const b = ticks[i + 1]?.value ?? ticks[i - 1]?.value;
  return a === undefined || b === undefined ? NaN : Math.abs(b - a);
}

export interface Clipped {
  /** The points with every value above `cap` (or not finite) drawn at `cap`. */
  points: { x: number; y: number }[];
  /** Where values were clipped, to draw as markers at the cap. */
  markers: { x: number; y: number }[];
  /** The cap, or null when nothing needed clipping. */
  cap: number | null;
}

/**
 * Clip a loss series that blew up: the cap is 3 times the median of the first 50 finite values
 * (the loss a run starts from), at least that median + 1, and above the first value. A series
 * that stays below it is returned as it is.
 * NOTE: the + 1 is for a continued run, which starts at a trained model's small, noisy batch
 * losses: 3 times their median (0.085) put ordinary batches of 0.3 "off the chart" in red. The
 * first value is the loss before any step, which cannot have blown up: a run that learned fast
 * (a median of 0.7) put its own first loss of 2.3 "off the chart".
 */
export function clipDiverged(points: readonly { x: number; y: number }[]): Clipped {
  const early = points.slice(0, 50).map((p) => p.y).filter(Number.isFinite).sort((a, b) => a - b);
  if (!early.length) return { points: [...points], markers: [], cap: null };
  const median = early[Math.floor(early.length / 2)];
  const first = points.find((p) => Number.isFinite(p.y))?.y ?? 0;
  const cap = Math.max(3 * median, median + 1, 1.2 * first);
  if (points.every((p) => Number.isFinite(p.y) && p.y <= cap)) return { points: points as { x: number; y: number }[], markers: [], cap: null };
  const markers: { x: number; y: number }[] = [];
  let previous = -Infinity;
  const clipped = points.map((p) => {
    if (Number.isFinite(p.y) && p.y <= cap) return p;
    // NOTE: one marker where each run of clipped values starts says "it went off the chart here"
    if (p.x - previous > 1) markers.push({ x: p.x, y: cap });
    previous = p.x;
    return { x: p.x, y: cap };
  });
  return { points: clipped, markers, cap };
}
