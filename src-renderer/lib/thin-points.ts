/** Fewer points for a long line, drawn the same: what a chart needs of a curve of many thousand steps. */
import type { Point } from '../state/training.svelte';

/**
 * The points of a line that a chart `columns` pixels wide can tell apart: in each pixel column its
 * first, lowest, highest and last point, in order, each a real point of the line (true x and y).
 * A line through them covers the same pixels as one through all of them. Lines of at most four
 * points a column are returned as they are.
 * NOTE: chart.js's own min-max decimation moves the lowest and highest to the column's mean x,
 * which a tooltip would then show as a step that never was.
 */
export function thinPoints(points: Point[], columns: number): Point[] {
  const n = points.length;
  if (n <= 4 * columns || columns < 1) return points;
  const x0 = points[0]!.x;
  const span = points[n - 1]!.x - x0;
  if (!(span > 0)) return points;
  const out: Point[] = [];
  let column = -1;
  let first = 0;
  let low = -1;
  let high = -1;
  const flush = (last: number) => {
    const picked = [first, low, high, last].filter((i) => i >= 0).sort((a, b) => a - b);
    for (let k = 0; k < picked.length; k++) if (k === 0 || picked[k] !== picked[k - 1]) out.push(points[picked[k]!]!);
  };
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    const c = Math.min(columns - 1, Math.floor(((p.x - x0) / span) * columns));
    if (c !== column) {
      if (column >= 0) flush(i - 1);
      column = c;
      first = i;
      low = high = -1;
    }
    // NOTE: a NaN (a gap) is never lowest or highest; it is kept only as a column's first or last
    if (p.y === p.y) {
      if (low < 0 || p.y < points[low]!.y) low = i;
      if (high < 0 || p.y > points[high]!.y) high = i;
    }
  }
  flush(n - 1);
  return out;
}
