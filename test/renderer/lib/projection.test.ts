import { describe, expect, it } from 'vitest';
import { projectRows } from '../../../src-renderer/lib/projection';

/** Three well-separated clusters of 20 points in 40 dimensions (more than UMAP's 30 inputs). */
function clusters(): { rows: Float32Array; n: number; d: number; label: (i: number) => number } {
  const n = 60;
  const d = 40;
  let seed = 3;
  const noise = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const rows = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) rows[i * d + j] = noise() * 0.2 + (j % 3 === i % 3 ? 4 : 0);
  return { rows, n, d, label: (i) => i % 3 };
}

/** Whether every point is nearer its own cluster's centre than any other's. */
function separated(points: Float32Array, n: number, label: (i: number) => number): boolean {
  const centre = [0, 1, 2].map((c) => {
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => label(i) === c);
    return [idx.reduce((s, i) => s + points[2 * i], 0) / idx.length, idx.reduce((s, i) => s + points[2 * i + 1], 0) / idx.length];
  });
  return Array.from({ length: n }, (_, i) => i).every((i) => {
    const dist = centre.map(([x, y]) => (points[2 * i] - x) ** 2 + (points[2 * i + 1] - y) ** 2);
    return dist.indexOf(Math.min(...dist)) === label(i);
  });
}

describe('2-D projections of activations', () => {
  it('PCA and UMAP keep separated clusters apart, and report their progress', () => {
    const { rows, n, d, label } = clusters();
    for (const method of ['pca', 'umap'] as const) {
      const stages: string[] = [];
      const points = projectRows(method, rows, n, d, (p) => stages.push(p.stage));
      expect(points).toHaveLength(2 * n);
      expect(points.every(Number.isFinite)).toBe(true);
      expect(separated(points, n, label), method).toBe(true);
      expect(stages.length).toBeGreaterThan(1);
    }
  });

  it('gives the same map for the same activations (seeded, no Math.random)', () => {
    const { rows, n, d } = clusters();
    expect(Array.from(projectRows('umap', rows, n, d))).toEqual(Array.from(projectRows('umap', rows, n, d)));
  });

  it('refuses too few digits with a clear message', () => {
    expect(() => projectRows('pca', new Float32Array(4), 2, 2)).toThrow('a map needs at least 3 digits');
  });
});
