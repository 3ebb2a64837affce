/**
 * Spherical k-means (cosine) with k-means++ seeding. Full Lloyd iterations for corpora that fit the
 * time budget, mini-batch updates (Sculley 2010) beyond that, so 100k items stay well under a minute.
 */
import { createRng, type Rng } from './prng.ts';

/** Row-major matrix of `n` unit vectors of length `d`. */
export interface Matrix {
  data: Float32Array;
  n: number;
  d: number;
}

/** Clustering result; `centroids` are unit vectors (k×d). */
export interface KMeansResult {
  k: number;
  assignments: Int32Array;
  centroids: Float32Array;
  /** Mean cosine of items to their centroid (higher is tighter). */
  cohesion: number;
}

/** Options for {@link sphericalKMeans}. */
export interface KMeansOptions {
  seed: number;
  maxIterations?: number;
  /** Above this many items, mini-batch updates are used. */
  fullBatchLimit?: number;
  batchSize?: number;
  /** Start from these centroids (k×d unit rows) instead of k-means++ seeds. */
  initialCentroids?: Float32Array;
}

/** Index of the centroid with the highest dot product with row `i`, and that dot product. */
function nearest(m: Matrix, i: number, centroids: Float32Array, k: number): [number, number] {
  const d = m.d;
  const off = i * d;
  let best = 0;
  let bestSim = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    const co = c * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += m.data[off + j] * centroids[co + j];
    if (s > bestSim) {
      bestSim = s;
      best = c;
    }
  }
  return [best, bestSim];
}

function normalizeRows(c: Float32Array, k: number, d: number): void {
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += c[r * d + j] ** 2;
    const n = Math.sqrt(s);
    if (n > 0) for (let j = 0; j < d; j++) c[r * d + j] /= n;
  }
}

/** Unit centroids (k×d) of the rows grouped by `groups` (0..k−1); an empty group's stays zero. */
export function groupCentroids(m: Matrix, groups: ArrayLike<number>, k: number): Float32Array {
  const { n, d, data } = m;
  const centroids = new Float32Array(k * d);
  for (let i = 0; i < n; i++) {
    const co = groups[i] * d;
    const off = i * d;
    for (let t = 0; t < d; t++) centroids[co + t] += data[off + t];
  }
  normalizeRows(centroids, k, d);
  return centroids;
}

/**
 * Greedy k-means++ seeding on (a sample of) the rows: each next seed is the best of a few candidates
 * drawn ∝ squared distance, the one that lowers the total squared distance most (Arthur & Vassilvitskii
 * 2007; 2 + ⌊ln k⌋ candidates, as scikit-learn does). A single draw can pick an outlier, and spherical
 * k-means rarely recovers from a seed that only an outlier is near (it ends as a one-item cluster).
 */
function seedPlusPlus(m: Matrix, k: number, rng: Rng, sampleLimit = 12000): Float32Array {
  const { d } = m;
  const ids: number[] = [];
  if (m.n <= sampleLimit) for (let i = 0; i < m.n; i++) ids.push(i);
  else for (let i = 0; i < sampleLimit; i++) ids.push(rng.int(m.n));
  const trials = 2 + Math.floor(Math.log(k));
  const centroids = new Float32Array(k * d);
  const dist = new Float64Array(ids.length).fill(Number.POSITIVE_INFINITY);
  const candidateDist = Array.from({ length: trials }, () => new Float64Array(ids.length));
  // Squared distances of every sampled row to row `pick`, lowered to `dist`, into `out`; returns the sum.
  const lowered = (pick: number, out: Float64Array): number => {
    const po = pick * d;
    let total = 0;
    for (let s = 0; s < ids.length; s++) {
      const off = ids[s] * d;
      let dp = 0;
      for (let j = 0; j < d; j++) dp += m.data[off + j] * m.data[po + j];
      const dd = Math.max(0, 2 - 2 * dp);
      out[s] = Math.min(dd, dist[s]);
      total += out[s];
    }
    return total;
  };
  let pick = ids[rng.int(ids.length)];
  let total = lowered(pick, dist);
  for (let c = 0; c < k; c++) {
    centroids.set(m.data.subarray(pick * d, pick * d + d), c * d);
    if (c + 1 === k) break;
    if (total <= 0) {
      pick = ids[rng.int(ids.length)];
      total = lowered(pick, dist);
      continue;
    }
    let best = -1;
    let bestTotal = Number.POSITIVE_INFINITY;
    for (let t = 0; t < trials; t++) {
      let r = rng.next() * total;
      let s = 0;
      for (; s < ids.length - 1; s++) {
        r -= dist[s];
        if (r <= 0) break;
      }
      const candidateTotal = lowered(ids[s], candidateDist[t]);
      if (candidateTotal < bestTotal) {
        bestTotal = candidateTotal;
        best = t;
        pick = ids[s];
      }
    }
    dist.set(candidateDist[best]);
    total = bestTotal;
  }
  return centroids;
}

/** Assigns every row to its nearest centroid; returns mean cosine. */
function assignAll(
  m: Matrix,
  centroids: Float32Array,
  k: number,
  out: Int32Array,
  sims: Float32Array,
): number {
  let total = 0;
  for (let i = 0; i < m.n; i++) {
    const [c, s] = nearest(m, i, centroids, k);
    out[i] = c;
    sims[i] = s;
    total += s;
  }
  return m.n > 0 ? total / m.n : 0;
}

/**
 * Clusters the unit rows of `m` into `k` groups (k is clamped to 1..n). Deterministic for a seed.
 */
export function sphericalKMeans(m: Matrix, kWanted: number, options: KMeansOptions): KMeansResult {
  const { n, d } = m;
  const k = Math.max(1, Math.min(kWanted, n));
  const rng = createRng(options.seed);
  const assignments = new Int32Array(n);
  if (n === 0) return { k: 0, assignments, centroids: new Float32Array(0), cohesion: 0 };
  const centroids =
    options.initialCentroids?.length === k * d ? options.initialCentroids.slice() : seedPlusPlus(m, k, rng);
  const sims = new Float32Array(n);
  // Bound the full passes by a work budget (~2·10^10 multiply-adds) so large n·k stays in seconds.
  const budgetIterations = Math.max(2, Math.floor(2e10 / Math.max(1, n * k * d)));
  const maxIterations = Math.min(options.maxIterations ?? 40, budgetIterations);
  if (n > (options.fullBatchLimit ?? 25000)) {
    const batch = options.batchSize ?? 2048;
    const counts = new Float64Array(k).fill(1);
    const steps = Math.max(20, Math.min(60, Math.ceil((n * 2) / batch)));
    for (let step = 0; step < steps; step++) {
      for (let b = 0; b < batch; b++) {
        const i = rng.int(n);
        const [c] = nearest(m, i, centroids, k);
        counts[c]++;
        const eta = 1 / counts[c];
        const co = c * d;
        const off = i * d;
        for (let j = 0; j < d; j++) centroids[co + j] += eta * (m.data[off + j] - centroids[co + j]);
      }
      normalizeRows(centroids, k, d);
    }
  }
  let cohesion = assignAll(m, centroids, k, assignments, sims);
  for (let it = 0; it < maxIterations; it++) {
    centroids.fill(0);
    const sizes = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assignments[i];
      sizes[c]++;
      const co = c * d;
      const off = i * d;
      for (let j = 0; j < d; j++) centroids[co + j] += m.data[off + j];
    }
    // An empty cluster takes the worst-fitting item, so k groups are always returned.
    for (let c = 0; c < k; c++) {
      if (sizes[c] > 0) continue;
      let worst = 0;
      for (let i = 1; i < n; i++) if (sims[i] < sims[worst]) worst = i;
      sims[worst] = 2;
      centroids.set(m.data.subarray(worst * d, worst * d + d), c * d);
    }
    normalizeRows(centroids, k, d);
    const before = assignments.slice();
    cohesion = assignAll(m, centroids, k, assignments, sims);
    let changed = 0;
    for (let i = 0; i < n; i++) if (before[i] !== assignments[i]) changed++;
    if (changed <= n * 0.001) break;
    // Large inputs get only a few full passes after the mini-batch warm-up.
    if (n > (options.fullBatchLimit ?? 25000) && it >= 0) break;
  }
  return { k, assignments, centroids, cohesion };
}
