/**
 * Dimension reduction for large discovery runs: rows are projected on the top-`dims` subspace of their
 * second-moment matrix, estimated on a sample and found by subspace iteration. Only the subspace
 * matters (cosines are invariant to the choice of orthonormal basis inside it), so no
 * eigen-decomposition is needed. Cost: s·d² for the sample moment + n·d·r for the projection. Rows
 * are read one at a time, so the n×d input never has to exist as one matrix (205 MB at 100k × 512).
 */
import type { Matrix } from './kmeans.ts';
import { createRng } from './prng.ts';

/** Options of {@link projectRowsOnTopSubspace}. */
export interface ProjectionOptions {
  /** Subtract the mean of the sample's non-zero rows first (see discover.ts centerRows). */
  center?: boolean;
  /** Rows the mean and the second-moment matrix are estimated from. */
  sampleLimit?: number;
}

/**
 * Projects `n` rows of length `d`, read through `row(i)`, on an orthonormal basis of their top-`dims`
 * subspace and re-normalises them. Zero rows (texts without words) stay zero. With `center`, the mean
 * is estimated on the same sample as the subspace.
 */
export function projectRowsOnTopSubspace(
  n: number,
  d: number,
  row: (i: number) => ArrayLike<number>,
  dims: number,
  seed: number,
  options: ProjectionOptions = {},
): Matrix {
  const sampleLimit = options.sampleLimit ?? 4000;
  const r = Math.max(1, Math.min(dims, d));
  const rng = createRng(seed ^ 0x9ca1);
  const rows =
    n <= sampleLimit
      ? Array.from({ length: n }, (_, i) => i)
      : Array.from({ length: sampleLimit }, () => rng.int(n));
  const data = new Float32Array(rows.length * d);
  rows.forEach((i, s) => {
    data.set(row(i), s * d);
  });
  const mean = options.center
    ? meanOfNonZeroRows(rows.length, d, (s) => data.subarray(s * d, s * d + d))
    : new Float64Array(d);
  // Second-moment matrix of the centred, unit-length sample rows (upper triangle, then mirrored).
  const c = new Float64Array(d * d);
  const x = new Float64Array(d);
  for (let s = 0; s < rows.length; s++) {
    if (!centredUnit(data.subarray(s * d, s * d + d), mean, x)) continue;
    for (let a = 0; a < d; a++) {
      const xa = x[a];
      if (xa === 0) continue;
      const ca = a * d;
      for (let b = a; b < d; b++) c[ca + b] += xa * x[b];
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
    if (!centredUnit(row(i), mean, x)) continue;
    const po = i * r;
    let norm = 0;
    for (let j = 0; j < r; j++) {
      const bj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += x[t] * basis[bj + t];
      out[po + j] = s;
      norm += s * s;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let j = 0; j < r; j++) out[po + j] /= norm;
  }
  return { data: out, n, d: r };
}

/**
 * The mean of the rows that are not all zero (texts without words are left out); all zeros when fewer
 * than two rows have words, so centring then changes nothing.
 */
export function meanOfNonZeroRows(n: number, d: number, row: (i: number) => ArrayLike<number>): Float64Array {
  const mean = new Float64Array(d);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = row(i);
    let any = false;
    for (let t = 0; t < d && !any; t++) any = v[t] !== 0;
    if (!any) continue;
    count++;
    for (let t = 0; t < d; t++) mean[t] += v[t];
  }
  if (count < 2) return new Float64Array(d);
  for (let t = 0; t < d; t++) mean[t] /= count;
  return mean;
}

/**
 * Writes the unit-length `v − mean` into `out`; false (and `out` untouched) for a zero row. A row equal
 * to the mean (every item the same text) keeps its own direction instead of vanishing.
 */
export function centredUnit(v: ArrayLike<number>, mean: Float64Array, out: Float64Array): boolean {
  const d = out.length;
  let raw = 0;
  let s = 0;
  for (let t = 0; t < d; t++) {
    raw += v[t] * v[t];
    out[t] = v[t] - mean[t];
    s += out[t] * out[t];
  }
  if (raw === 0) return false;
  if (s < 1e-12) {
    for (let t = 0; t < d; t++) out[t] = v[t];
    s = raw;
  }
  const inv = 1 / Math.sqrt(s);
  for (let t = 0; t < d; t++) out[t] *= inv;
  return true;
}

/**
 * Modified Gram–Schmidt on r ≤ d vectors of length d stored back to back. A vector that vanishes (the
 * data has lower rank than r) is replaced by the first unit axis that survives orthogonalisation, so
 * the basis stays orthonormal and the extra directions only ever add zero-variance coordinates.
 */
function orthonormalize(v: Float64Array, r: number, d: number): void {
  const against = (oj: number, j: number): number => {
    for (let p = 0; p < j; p++) {
      const op = p * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += v[oj + t] * v[op + t];
      for (let t = 0; t < d; t++) v[oj + t] -= s * v[op + t];
    }
    let s = 0;
    for (let t = 0; t < d; t++) s += v[oj + t] * v[oj + t];
    return Math.sqrt(s);
  };
  for (let j = 0; j < r; j++) {
    const oj = j * d;
    let s = against(oj, j);
    for (let axis = 0; s <= 1e-9 && axis < d; axis++) {
      for (let t = 0; t < d; t++) v[oj + t] = t === axis ? 1 : 0;
      s = against(oj, j);
    }
    for (let t = 0; t < d; t++) v[oj + t] /= s;
  }
}
