/**
 * Principal component analysis for the hidden-layer map: the covariance of the rows, its leading
 * eigenvectors by subspace iteration (power iteration on k vectors kept orthonormal), and the
 * projection of the rows onto them. Pure; runs in the projection worker.
 */

type Rows = Float32Array | Float64Array;

export interface Pca {
  /** [d] */
  mean: Float64Array;
  /** [k, d], unit length, orthogonal, strongest first */
  components: Float64Array;
  /** [k] the variance along each component (eigenvalues of the covariance), largest first */
  variances: Float64Array;
  k: number;
  d: number;
}

/**
 * The mean and covariance (divided by n − 1) of n rows of d values.
 * @param x [n, d] @returns mean [d], cov [d, d]
 */
export function covariance(x: Rows, n: number, d: number): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = x[i * d + j] - mean[j];
    // upper triangle only; mirrored below
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const base = a * d;
      for (let b = a; b < d; b++) cov[base + b] += ra * row[b];
    }
  }
  const div = Math.max(1, n - 1);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b] / div;
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return { mean, cov };
}

/**
 * The k leading eigenvectors and eigenvalues of a symmetric positive semi-definite d × d matrix:
 * Q ← orthonormalise(C·Q), repeated until the subspace stops moving.
 * @param c [d, d] @returns vectors [k, d], values [k]
 */
export function topEigen(c: Float64Array, d: number, k: number, maxIterations = 300, tolerance = 1e-10): { vectors: Float64Array; values: Float64Array } {
  const kk = Math.min(k, d);
  let q = new Float64Array(kk * d);
  // NOTE: a fixed, irregular start (no Math.random): the same data gives the same picture.
  let seed = 12345;
  for (let i = 0; i < q.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    q[i] = seed / 2147483648 - 0.5;
  }
  orthonormalise(q, kk, d);
  let z = new Float64Array(kk * d);
  for (let it = 0; it < maxIterations; it++) {
    z.fill(0);
    for (let v = 0; v < kk; v++) {
      for (let a = 0; a < d; a++) {
        let s = 0;
        const base = a * d;
        for (let b = 0; b < d; b++) s += c[base + b] * q[v * d + b];
        z[v * d + a] = s;
      }
    }
    orthonormalise(z, kk, d);
    let change = 0;
    for (let v = 0; v < kk; v++) {
      let dot = 0;
      for (let a = 0; a < d; a++) dot += z[v * d + a] * q[v * d + a];
      change = Math.max(change, 1 - Math.abs(dot));
    }
    const kept = q;
    q = z;
    z = kept;
    if (change < tolerance) break;
  }
  const values = new Float64Array(kk);
  for (let v = 0; v < kk; v++) {
    // Rayleigh quotient qᵀ C q (q has unit length)
    let s = 0;
    for (let a = 0; a < d; a++) {
      let ca = 0;
      for (let b = 0; b < d; b++) ca += c[a * d + b] * q[v * d + b];
      s += q[v * d + a] * ca;
    }
    values[v] = s;
    // a sign convention: the largest entry is positive
    let big = 0;
    for (let a = 1; a < d; a++) if (Math.abs(q[v * d + a]) > Math.abs(q[v * d + big])) big = a;
    if (q[v * d + big] < 0) for (let a = 0; a < d; a++) q[v * d + a] = -q[v * d + a];
  }
  return { vectors: q, values };
}

/** Modified Gram–Schmidt on k rows of length d, in place (a row that vanishes becomes a unit axis). */
function orthonormalise(q: Float64Array, k: number, d: number): void {
  for (let v = 0; v < k; v++) {
    for (let u = 0; u < v; u++) {
      let dot = 0;
      for (let a = 0; a < d; a++) dot += q[v * d + a] * q[u * d + a];
      for (let a = 0; a < d; a++) q[v * d + a] -= dot * q[u * d + a];
    }
    let norm = 0;
    for (let a = 0; a < d; a++) norm += q[v * d + a] ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-300) {
      q.fill(0, v * d, (v + 1) * d);
      q[v * d + (v % d)] = 1;
      continue;
    }
    for (let a = 0; a < d; a++) q[v * d + a] /= norm;
  }
}

/**
 * PCA of n rows of d values, keeping k components.
 * @param x [n, d]
 */
export function pca(x: Rows, n: number, d: number, k: number, maxIterations = 300): Pca {
  const { mean, cov } = covariance(x, n, d);
  const { vectors, values } = topEigen(cov, d, k, maxIterations);
  return { mean, components: vectors, variances: values, k: values.length, d };
}

/**
 * The rows' coordinates along the components.
 * @param x [n, d] @returns [n, k]
 */
export function project(x: Rows, n: number, p: Pca): Float64Array {
  const { d, k, mean, components } = p;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let v = 0; v < k; v++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += (x[i * d + a] - mean[a]) * components[v * d + a];
      out[i * k + v] = s;
    }
  }
  return out;
}
