/**
 * Supervision from the builders' links: a whitening transform learned from linked examples. Directions
 * in which examples of the *same* pattern vary (phrasing, politeness, filler) are shrunk, so the
 * remaining similarity is dominated by what distinguishes patterns — the idea of LDA, without the
 * class-count limit on rank. Implemented as x ↦ L⁻¹x with L the Cholesky factor of the regularised
 * within-pattern covariance, which is cheap to learn (d³/3) and to apply (d²/2 per vector).
 */

/** Lower-triangular Cholesky factor (row-major d×d) of the regularised within-pattern covariance. */
export interface WhiteningMetric {
  d: number;
  lower: Float64Array;
}

/**
 * Learns the metric from groups of example vectors (one group per pattern). `shrinkage` in 0..1 mixes
 * the covariance with a scaled identity; 1 means no learning (plain cosine). Returns null when there is
 * too little data (fewer than two groups with ≥2 examples).
 */
export function learnWhitening(
  groups: Float64Array[][],
  d: number,
  shrinkage: number,
): WhiteningMetric | null {
  const cov = new Float64Array(d * d);
  let count = 0;
  const diff = new Float64Array(d);
  for (const g of groups) {
    if (g.length < 2) continue;
    const mu = new Float64Array(d);
    for (const x of g) for (let i = 0; i < d; i++) mu[i] += x[i] / g.length;
    for (const x of g) {
      for (let i = 0; i < d; i++) diff[i] = x[i] - mu[i];
      for (let i = 0; i < d; i++) {
        const di = diff[i];
        if (di === 0) continue;
        const o = i * d;
        for (let j = 0; j <= i; j++) cov[o + j] += di * diff[j];
      }
      count++;
    }
  }
  if (count < 4) return null;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i] / count;
  const ridge = Math.max(trace / d, 1e-6);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) a[i * d + j] = (1 - shrinkage) * (cov[i * d + j] / count);
    a[i * d + i] += shrinkage * ridge + 1e-9;
  }
  // In-place Cholesky on the lower triangle.
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j];
    for (let k = 0; k < j; k++) s -= a[j * d + k] * a[j * d + k];
    const ljj = Math.sqrt(Math.max(s, 1e-12));
    a[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j];
      for (let k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = t / ljj;
    }
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) a[i * d + j] = 0;
  return { d, lower: a };
}

/**
 * Applies the metric: solves L y = x by forward substitution, then normalises y to unit length (a
 * zero vector stays zero). Rows are solved four at a time: each row's sum still subtracts its terms in
 * the same order as a one-row loop (so the result is identical bit for bit), but four independent sums
 * hide the latency of the subtractions. Every query pays this (d²/2), so it matters for latency.
 */
export function applyWhitening(m: WhiteningMetric, x: ArrayLike<number>): Float32Array {
  const { d, lower } = m;
  const y = new Float64Array(d);
  let i = 0;
  for (; i + 3 < d; i += 4) {
    const o0 = i * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let s0 = x[i];
    let s1 = x[i + 1];
    let s2 = x[i + 2];
    let s3 = x[i + 3];
    for (let k = 0; k < i; k++) {
      const v = y[k];
      s0 -= lower[o0 + k] * v;
      s1 -= lower[o1 + k] * v;
      s2 -= lower[o2 + k] * v;
      s3 -= lower[o3 + k] * v;
    }
    y[i] = s0 / lower[o0 + i];
    s1 -= lower[o1 + i] * y[i];
    y[i + 1] = s1 / lower[o1 + i + 1];
    s2 -= lower[o2 + i] * y[i];
    s2 -= lower[o2 + i + 1] * y[i + 1];
    y[i + 2] = s2 / lower[o2 + i + 2];
    s3 -= lower[o3 + i] * y[i];
    s3 -= lower[o3 + i + 1] * y[i + 1];
    s3 -= lower[o3 + i + 2] * y[i + 2];
    y[i + 3] = s3 / lower[o3 + i + 3];
  }
  for (; i < d; i++) {
    let s = x[i];
    const o = i * d;
    for (let k = 0; k < i; k++) s -= lower[o + k] * y[k];
    y[i] = s / lower[o + i];
  }
  let n = 0;
  for (let t = 0; t < d; t++) n += y[t] * y[t];
  n = Math.sqrt(n);
  const out = new Float32Array(d);
  if (n > 0) for (let t = 0; t < d; t++) out[t] = y[t] / n;
  return out;
}
