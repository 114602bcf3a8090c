/** The geometry of a sparkline: values (accuracies) as an SVG path, gaps where a value is missing. */

export interface Sparkline {
  /** SVG path data ("M x y L x y ..."); '' when there is nothing to draw. */
  path: string;
  /** The last drawn point (for a dot), or null. */
  last: { x: number; y: number } | null;
}

/** The smallest value range a sparkline spreads over its height (0.5 percentage points). */
const MIN_SPAN = 0.005;

/**
 * Lay out values left to right in a width × height box, the lowest value at the bottom and the
 * highest at the top, so that a trend shows even when accuracy only moves from 97.1% to 97.6%.
 * NOTE: a span below MIN_SPAN is widened around its middle, so noise does not look like a climb.
 * A non-finite value breaks the line; a lone point is drawn as a short tick so one epoch shows.
 * @param values one per epoch
 */
export function sparkline(values: readonly number[], width: number, height: number, pad = 2): Sparkline {
  const n = values.length;
  const finite = values.filter(Number.isFinite);
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < MIN_SPAN) {
    const mid = (hi + lo) / 2;
    lo = mid - MIN_SPAN / 2;
    hi = mid + MIN_SPAN / 2;
  }
  const x = (i: number) => (n === 1 ? width / 2 : pad + ((width - 2 * pad) * i) / (n - 1));
  const y = (v: number) => pad + (height - 2 * pad) * (1 - (v - lo) / (hi - lo));
  const r = (v: number) => Math.round(v * 10) / 10;
  let path = '';
  let drawing = false;
  let last: Sparkline['last'] = null;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      drawing = false;
      continue;
    }
    last = { x: r(x(i)), y: r(y(v)) };
    path += `${drawing ? ' L' : path ? ' M' : 'M'}${last.x} ${last.y}`;
    drawing = true;
  }
  if (n === 1 && last) path += ` L${last.x + 0.1} ${last.y}`;
  return { path, last };
}
