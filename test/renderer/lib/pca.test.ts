import { describe, expect, it } from 'vitest';
import { covariance, pca, project, topEigen } from '../../../src-renderer/lib/pca';

/** A rotation of 3-D space (orthonormal rows). */
const R = (() => {
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const a = [
    [c, -s, 0],
    [s, c, 0],
    [0, 0, 1],
  ];
  const c2 = Math.cos(0.4);
  const s2 = Math.sin(0.4);
  const b = [
    [1, 0, 0],
    [0, c2, -s2],
    [0, s2, c2],
  ];
  return a.map((row) => [0, 1, 2].map((j) => row.reduce((sum, v, k) => sum + v * b[k][j], 0)));
})();
const SIGMAS = [3, 2, 0.5];

/** Seeded standard normals (Box–Muller over an LCG). */
function normals(count: number): number[] {
  let seed = 42;
  const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  const out: number[] = [];
  while (out.length < count) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    out.push(r * Math.cos(t), r * Math.sin(t));
  }
  return out.slice(0, count);
}

const dot = (u: ArrayLike<number>, v: ArrayLike<number>) => Array.from(u).reduce((s, x, i) => s + x * v[i], 0);

describe('PCA', () => {
  it('finds the exact eigenvectors and eigenvalues of a known covariance', () => {
    // C = R · diag(σ²) · Rᵀ: eigenvectors are R's columns, eigenvalues σ²
    const c = new Float64Array(9);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) c[a * 3 + b] = SIGMAS.reduce((s, sg, k) => s + R[a][k] * sg * sg * R[b][k], 0);
    const { vectors, values } = topEigen(c, 3, 3);
    expect(values[0]).toBeCloseTo(9, 9);
    expect(values[1]).toBeCloseTo(4, 9);
    expect(values[2]).toBeCloseTo(0.25, 9);
    for (let k = 0; k < 3; k++) {
      const column = R.map((row) => row[k]);
      expect(Math.abs(dot(vectors.subarray(k * 3, k * 3 + 3), column))).toBeCloseTo(1, 9);
    }
  });

  it('recovers the axes of samples drawn with that covariance, and projects onto them', () => {
    const n = 20000;
    const z = normals(n * 3);
    const x = new Float64Array(n * 3);
    const shift = [5, -2, 1];
    for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) x[i * 3 + a] = shift[a] + SIGMAS.reduce((s, sg, k) => s + R[a][k] * sg * z[i * 3 + k], 0);
    const { mean } = covariance(x, n, 3);
    mean.forEach((m, a) => expect(m).toBeCloseTo(shift[a], 1));
    const p = pca(x, n, 3, 2);
    expect(p.variances[0] / 9).toBeCloseTo(1, 1);
    expect(p.variances[1] / 4).toBeCloseTo(1, 1);
    for (let k = 0; k < 2; k++) expect(Math.abs(dot(p.components.subarray(k * 3, k * 3 + 3), R.map((row) => row[k])))).toBeGreaterThan(0.999);
    const y = project(x, n, p);
    // the projections' variances are the eigenvalues, and the two coordinates are uncorrelated
    const col = (k: number) => Array.from({ length: n }, (_, i) => y[i * 2 + k]);
    const variance = (v: number[]) => v.reduce((s, t) => s + t * t, 0) / (n - 1);
    expect(variance(col(0))).toBeCloseTo(p.variances[0], 6);
    expect(variance(col(1))).toBeCloseTo(p.variances[1], 6);
    expect(Math.abs(dot(col(0), col(1)) / (n - 1)) / p.variances[0]).toBeLessThan(1e-4);
  });

  it('copes with constant data (no variance) without NaN', () => {
    const x = new Float32Array(40).fill(2);
    const p = pca(x, 10, 4, 2);
    expect(Array.from(p.variances)).toEqual([0, 0]);
    expect(Array.from(project(x, 10, p)).every((v) => v === 0)).toBe(true);
  });
});
