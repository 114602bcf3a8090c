import type { Kernels } from './interface';

/**
 * Plain TypeScript kernels: the reference and the fallback for faster backends.
 * Loop orders keep the innermost loop on contiguous memory (axpy or dot), unrolled by 4.
 */
export const jsKernels: Kernels = {
  name: 'typescript',

  matmul(a, b, c, m, k, n, transA, transB, accumulate) {
    if (!accumulate) c.fill(0, 0, m * n);
    if (!transB) {
      // NOTE: i-p-j order: C[i,:] += A[i,p] · B[p,:] is an axpy on contiguous rows, and an
      // A entry that is 0 (most MNIST pixels) skips a whole row of work.
      for (let i = 0; i < m; i++) {
        const ci = i * n;
        for (let p = 0; p < k; p++) {
          const av = transA ? a[p * m + i] : a[i * k + p];
          if (av === 0) continue;
          const bp = p * n;
          let j = 0;
          for (; j + 3 < n; j += 4) {
            c[ci + j] += av * b[bp + j];
            c[ci + j + 1] += av * b[bp + j + 1];
            c[ci + j + 2] += av * b[bp + j + 2];
            c[ci + j + 3] += av * b[bp + j + 3];
          }
          for (; j < n; j++) c[ci + j] += av * b[bp + j];
        }
      }
      return;
    }
    if (!transA) {
      // C[i,j] += A[i,:] · B[j,:]: dot products of contiguous rows.
      for (let i = 0; i < m; i++) {
        const ai = i * k;
        for (let j = 0; j < n; j++) {
          const bj = j * k;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          let p = 0;
          for (; p + 3 < k; p += 4) {
            s0 += a[ai + p] * b[bj + p];
            s1 += a[ai + p + 1] * b[bj + p + 1];
            s2 += a[ai + p + 2] * b[bj + p + 2];
            s3 += a[ai + p + 3] * b[bj + p + 3];
          }
          for (; p < k; p++) s0 += a[ai + p] * b[bj + p];
          c[i * n + j] += s0 + s1 + s2 + s3;
        }
      }
      return;
    }
    // Both transposed (rare): C[i,j] += Σ_p A[p,i] B[j,p].
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[p * m + i] * b[j * k + p];
        c[i * n + j] += s;
      }
    }
  },

  addRowVector(x, bias, out, rows, cols) {
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) out[o + j] = x[o + j] + bias[j];
    }
  },

  sumRows(x, out, rows, cols, accumulate) {
    if (!accumulate) out.fill(0, 0, cols);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) out[j] += x[o + j];
    }
  },

  sgdStep(w, g, out, lr, wd = 0) {
    if (wd !== 0) {
      for (let i = 0; i < w.length; i++) out[i] = w[i] - lr * (g[i] + wd * w[i]); // L2: ∂(wd/2 · w²) = wd·w
      return;
    }
    // NOTE: unrolled by 4: this pass over every weight is memory-bound, and V8 runs it ~1.5x faster so.
    const n = w.length;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      out[i] = w[i] - lr * g[i];
      out[i + 1] = w[i + 1] - lr * g[i + 1];
      out[i + 2] = w[i + 2] - lr * g[i + 2];
      out[i + 3] = w[i + 3] - lr * g[i + 3];
    }
    for (; i < n; i++) out[i] = w[i] - lr * g[i];
  },

  // NOTE: one small monomorphic loop per update rule, reading the current buffers and writing
  // the spare ones: V8 keeps these tight, where one loop with the rules' branches ran ~4x slower.
  sgdMomentumStep(w, g, buf, out, outBuf, lr, mu, wd, nesterov) {
    for (let i = 0; i < w.length; i++) {
      const d = g[i] + wd * w[i]; // L2: ∂(wd/2 · w²) = wd·w
      const b = mu * buf[i] + d;
      outBuf[i] = b;
      out[i] = w[i] - lr * (nesterov ? d + mu * b : b);
    }
  },

  adamStep(w, g, m, v, out, outM, outV, s) {
    const { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, c1, c2, decoupled } = s;
    for (let i = 0; i < w.length; i++) {
      let d = g[i];
      let wi = w[i];
      if (decoupled) wi -= lr * wd * wi;
      else d += wd * wi;
      const mi = b1 * m[i] + (1 - b1) * d;
      const vi = b2 * v[i] + (1 - b2) * d * d;
      outM[i] = mi;
      outV[i] = vi;
      out[i] = wi - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
  },

  relu(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? x[i] : 0;
  },

  reluBackward(x, dy, dx, accumulate) {
    for (let i = 0; i < dy.length; i++) {
      const d = accumulate ? dx[i] : 0;
      dx[i] = x[i] > 0 ? d + dy[i] : d;
    }
  },

  scaleBytes(src, out, scale) {
    for (let i = 0; i < src.length; i++) out[i] = src[i] * scale;
  },

  gatherScaled(images, pixels, rows, out, scale) {
    for (let r = 0; r < rows.length; r++) {
      const from = rows[r] * pixels;
      const to = r * pixels;
      for (let j = 0; j < pixels; j++) out[to + j] = images[from + j] * scale;
    }
  },
};
