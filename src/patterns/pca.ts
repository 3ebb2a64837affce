/**
 * Dimension reduction for large discovery runs: rows are projected on the top-`dims` subspace of their
 * (uncentred) second-moment matrix, estimated on a sample and found by subspace iteration. Only the
 * subspace matters (cosines are invariant to the choice of orthonormal basis inside it), so no
 * eigen-decomposition is needed. Cost: s·d² for the sample moment + n·d·r for the projection.
 */
import type { Matrix } from './kmeans.ts';
import { createRng } from './prng.ts';

/** Projects the rows of `m` on an orthonormal basis of its top-`dims` subspace and re-normalises them. */
export function projectTopSubspace(m: Matrix, dims: number, seed: number, sampleLimit = 4000): Matrix {
  const { n, d, data } = m;
  const r = Math.max(1, Math.min(dims, d));
  if (r >= d) return m;
  const rng = createRng(seed ^ 0x9ca1);
  const rows =
    n <= sampleLimit
      ? Array.from({ length: n }, (_, i) => i)
      : Array.from({ length: sampleLimit }, () => rng.int(n));
  // Second-moment matrix (upper triangle, then mirrored).
  const c = new Float64Array(d * d);
  for (const i of rows) {
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const x = data[o + a];
      if (x === 0) continue;
      const ca = a * d;
      for (let b = a; b < d; b++) c[ca + b] += x * data[o + b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) c[a * d + b] = c[b * d + a];
  // Subspace iteration: Q (d×r, column-major as r vectors of length d).
  let q = new Float64Array(r * d);
  for (let i = 0; i < q.length; i++) q[i] = rng.next() - 0.5;
  orthonormalize(q, r, d);
  for (let it = 0; it < 6; it++) {
    const z = new Float64Array(r * d);
    for (let j = 0; j < r; j++) {
      const qj = j * d;
      for (let a = 0; a < d; a++) {
        const ca = a * d;
        let s = 0;
        for (let b = 0; b < d; b++) s += c[ca + b] * q[qj + b];
        z[qj + a] = s;
      }
    }
    orthonormalize(z, r, d);
    q = z;
  }
  const basis = Float32Array.from(q);
  const out = new Float32Array(n * r);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    const po = i * r;
    let norm = 0;
    for (let j = 0; j < r; j++) {
      const bj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += data[o + t] * basis[bj + t];
      out[po + j] = s;
      norm += s * s;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let j = 0; j < r; j++) out[po + j] /= norm;
  }
  return { data: out, n, d: r };
}

/** Modified Gram–Schmidt on r vectors of length d stored back to back. */
function orthonormalize(v: Float64Array, r: number, d: number): void {
  for (let j = 0; j < r; j++) {
    const oj = j * d;
    for (let p = 0; p < j; p++) {
      const op = p * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += v[oj + t] * v[op + t];
      for (let t = 0; t < d; t++) v[oj + t] -= s * v[op + t];
    }
    let s = 0;
    for (let t = 0; t < d; t++) s += v[oj + t] * v[oj + t];
    s = Math.sqrt(s);
    if (s > 1e-12) for (let t = 0; t < d; t++) v[oj + t] /= s;
    else for (let t = 0; t < d; t++) v[oj + t] = t === j % d ? 1 : 0;
  }
}
