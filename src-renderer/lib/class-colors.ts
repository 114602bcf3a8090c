/** Ten distinguishable colours for classes (Tableau 10), repeated past ten classes. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** The colour of class c. */
export function classColor(c: number): string {
  return PALETTE[c % PALETTE.length];
}

/** The colour of the i-th series of a comparison (the same palette). */
export const seriesColor = classColor;
