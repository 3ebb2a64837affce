/**
 * Truncated SVD of a sparse document×feature matrix by randomized subspace iteration (Halko,
 * Martinsson & Tropp 2011). This is the LSA step: it learns which terms co-occur across the whole
 * unlabelled corpus so "cancel my card" and "block my credit card" land close together.
 */
import type { Rng } from './prng.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/** Compressed sparse rows: row r spans `ptr[r]..ptr[r+1]` of `col`/`val`. Columns are dense ids 0..cols-1. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  ptr: Int32Array;
  col: Int32Array;
  val: Float32Array;
}

/** Top right singular vectors `v` (cols×rank, row-major) and singular values, descending. */
export interface TruncatedSvd {
  rank: number;
  v: Float32Array;
  sigma: Float64Array;
}

/** Y (rows×l) = A · X (cols×l). */
function multiply(a: CsrMatrix, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.rows * l);
  for (let r = 0; r < a.rows; r++) {
    const yo = r * l;
    for (let p = a.ptr[r]; p < a.ptr[r + 1]; p++) {
      const w = a.val[p];
      const xo = a.col[p] * l;
      for (let j = 0; j < l; j++) y[yo + j] += w * x[xo + j];
    }
  }
  return y;
}

/** Z (cols×l) = Aᵀ · Y (rows×l). */
function multiplyTransposed(a: CsrMatrix, y: Float64Array, l: number): Float64Array {
  const z = new Float64Array(a.cols * l);
  for (let r = 0; r < a.rows; r++) {
    const yo = r * l;
    for (let p = a.ptr[r]; p < a.ptr[r + 1]; p++) {
      const w = a.val[p];
      const zo = a.col[p] * l;
      for (let j = 0; j < l; j++) z[zo + j] += w * y[yo + j];
    }
  }
  return z;
}

/** Orthonormalises the columns of the n×l matrix in place (modified Gram–Schmidt, column-major work copy). */
function orthonormalizeColumns(y: Float64Array, n: number, l: number): void {
  const cols: Float64Array[] = [];
  for (let j = 0; j < l; j++) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = y[i * l + j];
    for (const prev of cols) {
      let d = 0;
      for (let i = 0; i < n; i++) d += prev[i] * c[i];
      for (let i = 0; i < n; i++) c[i] -= d * prev[i];
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i] * c[i];
    const norm = Math.sqrt(s);
    // A rank-deficient column becomes zero rather than amplified noise.
    if (norm > 1e-10) for (let i = 0; i < n; i++) c[i] /= norm;
    else c.fill(0);
    cols.push(c);
  }
  for (let j = 0; j < l; j++) for (let i = 0; i < n; i++) y[i * l + j] = cols[j][i];
}

/**
 * Computes the top `rank` singular triplets of `a`. `powerIterations` sharpens the spectrum for
 * the flat spectra typical of text; 2 is the usual good trade-off.
 */
export function randomizedSvd(a: CsrMatrix, rank: number, rng: Rng, powerIterations = 2): TruncatedSvd {
  const maxRank = Math.min(a.rows, a.cols);
  const k = Math.max(0, Math.min(rank, maxRank));
  if (k === 0) return { rank: 0, v: new Float32Array(0), sigma: new Float64Array(0) };
  const l = Math.min(maxRank, k + 12);
  const omega = new Float64Array(a.cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.gaussian();
  let y = multiply(a, omega, l);
  orthonormalizeColumns(y, a.rows, l);
  for (let it = 0; it < powerIterations; it++) {
    const z = multiplyTransposed(a, y, l);
    y = multiply(a, z, l);
    orthonormalizeColumns(y, a.rows, l);
  }
  // B = Qᵀ A, stored as Bᵀ = Aᵀ Q (cols×l). Eigen of B Bᵀ (l×l) gives B's left vectors and σ².
  const bt = multiplyTransposed(a, y, l);
  const gram = new Float64Array(l * l);
  const row = new Float64Array(l);
  for (let c = 0; c < a.cols; c++) {
    const o = c * l;
    for (let i = 0; i < l; i++) row[i] = bt[o + i];
    for (let i = 0; i < l; i++) {
      const ri = row[i];
      if (ri === 0) continue;
      const go = i * l;
      for (let j = i; j < l; j++) gram[go + j] += ri * row[j];
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) gram[i * l + j] = gram[j * l + i];
  const eig = symmetricEigen(gram, l);
  let kept = 0;
  while (kept < k && eig.values[kept] > 1e-9) kept++;
  const sigma = new Float64Array(kept);
  for (let j = 0; j < kept; j++) sigma[j] = Math.sqrt(eig.values[j]);
  // V = Bᵀ U Σ⁻¹ (cols×kept).
  // Transposed copy of U so the inner loop below walks memory contiguously.
  const ut = new Float64Array(kept * l);
  for (let j = 0; j < kept; j++)
    for (let i = 0; i < l; i++) ut[j * l + i] = eig.vectors[i * l + j] / sigma[j];
  const v = new Float32Array(a.cols * kept);
  for (let c = 0; c < a.cols; c++) {
    const o = c * l;
    for (let j = 0; j < kept; j++) {
      const uo = j * l;
      let s = 0;
      for (let i = 0; i < l; i++) s += bt[o + i] * ut[uo + i];
      v[c * kept + j] = s;
    }
  }
  return { rank: kept, v, sigma };
}
