/**
 * 2-D projections of hidden activations for the hidden-layer map: PCA (lib/pca.ts) or UMAP
 * (umap-js). Pure and synchronous, with progress callbacks; the projection worker runs it off the
 * UI thread.
 */
import { UMAP } from 'umap-js';
import { pca, project } from './pca';

export type ProjectionMethod = 'pca' | 'umap';

/** UMAP works on at most this many PCA components (fast neighbours; the usual preprocessing). */
export const UMAP_INPUT_DIMENSIONS = 30;
/** Optimisation epochs of UMAP (umap-js's default for a few thousand points is 500). */
export const UMAP_EPOCHS = 200;

/** Where a projection is, for a progress bar: stage name and 0..1 overall. */
export interface ProjectionProgress {
  stage: string;
  fraction: number;
}

/**
 * Project n rows of d values onto 2-D.
 * @param rows [n, d] @returns [n, 2] coordinates
 */
export function projectRows(method: ProjectionMethod, rows: Float32Array, n: number, d: number, onProgress: (p: ProjectionProgress) => void = () => {}): Float32Array {
  if (n < 3) throw new Error('a map needs at least 3 digits');
  if (method === 'pca') {
    onProgress({ stage: 'covariance and components', fraction: 0 });
    const p = pca(rows, n, d, 2);
    onProgress({ stage: 'projecting', fraction: 0.9 });
    return Float32Array.from(project(rows, n, p));
  }
  onProgress({ stage: 'reducing to principal components', fraction: 0 });
  let input: Float64Array | Float32Array = rows;
  let dims = d;
  if (d > UMAP_INPUT_DIMENSIONS) {
    const p = pca(rows, n, d, UMAP_INPUT_DIMENSIONS, 40);
    input = project(rows, n, p);
    dims = p.k;
  }
  const data: number[][] = Array.from({ length: n }, (_, i) => Array.from(input.subarray(i * dims, (i + 1) * dims)));
  onProgress({ stage: 'finding neighbours', fraction: 0.15 });
  // NOTE: a seeded generator (no Math.random): the same activations give the same map.
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(15, n - 1), nEpochs: UMAP_EPOCHS, minDist: 0.1, random });
  const epochs = umap.initializeFit(data);
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (e % 10 === 0) onProgress({ stage: 'laying out', fraction: 0.45 + (0.55 * e) / epochs });
  }
  const embedding = umap.getEmbedding();
  const out = new Float32Array(n * 2);
  embedding.forEach((p, i) => {
    out[i * 2] = p[0];
    out[i * 2 + 1] = p[1];
  });
  return out;
}
