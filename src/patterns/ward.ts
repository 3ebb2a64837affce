/**
 * Ward agglomerative clustering (nearest-neighbour chain with Lance–Williams updates on a condensed
 * distance matrix; Murtagh 1983): starting from single items, repeatedly merge the two groups whose
 * union raises the within-group sum of squares least. Unlike k-means++ seeds it does not depend on a
 * draw, and it gives each group a compact, balanced start. Discovery uses its groups' centroids to
 * start spherical k-means (see {@link wardCentroids}). O(n²) time and n² / 2 floats of memory, so
 * large inputs are sampled.
 */
import { groupCentroids, type Matrix } from './kmeans.ts';
import { createRng } from './prng.ts';

/** Rows Ward clusters at most (50 MB of distances); larger inputs are sampled. */
export const WARD_SAMPLE = 5000;

/** Group of each row (0..k−1, numbered by first row) after merging down to `k` groups. */
export function wardPartition(m: Matrix, kWanted: number): Int32Array {
  const { n, d, data } = m;
  const k = Math.max(1, Math.min(Math.floor(kWanted) || 1, n));
  const labels = new Int32Array(n);
  if (n <= 1 || k === n) {
    for (let i = 0; i < n; i++) labels[i] = i;
    return labels;
  }
  // Condensed upper triangle: row i's distances to j > i start at rowStart[i] + j.
  const rowStart = new Float64Array(n);
  for (let i = 0; i < n; i++) rowStart[i] = i * n - (i * (i + 1)) / 2 - i - 1;
  const at = (i: number, j: number): number => (i < j ? rowStart[i] + j : rowStart[j] + i);
  const dist = new Float32Array((n * (n - 1)) / 2);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = i * d, end = t + d; t < end; t++) s += data[t] * data[t];
    norms[i] = s;
  }
  // Ward's merge cost of two single items: half their squared Euclidean distance.
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    const base = rowStart[i];
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      // Four partial sums: independent additions the CPU can overlap (≈2× faster than one).
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      let t = 0;
      for (; t + 3 < d; t += 4) {
        d0 += data[oi + t] * data[oj + t];
        d1 += data[oi + t + 1] * data[oj + t + 1];
        d2 += data[oi + t + 2] * data[oj + t + 2];
        d3 += data[oi + t + 3] * data[oj + t + 3];
      }
      for (; t < d; t++) d0 += data[oi + t] * data[oj + t];
      const dot = d0 + d1 + d2 + d3;
      dist[base + j] = Math.max(0, (norms[i] + norms[j] - 2 * dot) / 2);
    }
  }
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const merges: Array<{ keep: number; drop: number; cost: number }> = [];
  const chain: number[] = [];
  let next = 0;
  for (let remaining = n; remaining > 1; ) {
    if (chain.length === 0) {
      while (!active[next]) next++;
      chain.push(next);
    }
    const a = chain[chain.length - 1];
    const prev = chain.length > 1 ? chain[chain.length - 2] : -1;
    // Nearest active group to a; ties go to the previous link so the chain always ends.
    let best = prev;
    let bestCost = prev >= 0 ? dist[at(a, prev)] : Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      if (j === a || !active[j]) continue;
      const c = dist[at(a, j)];
      if (c < bestCost) {
        bestCost = c;
        best = j;
      }
    }
    if (best !== prev) {
      chain.push(best);
      continue;
    }
    chain.length -= 2;
    const keep = Math.min(a, best);
    const drop = Math.max(a, best);
    const nk = size[keep];
    const nd = size[drop];
    for (let j = 0; j < n; j++) {
      if (!active[j] || j === keep || j === drop) continue;
      const nj = size[j];
      const kj = at(keep, j);
      dist[kj] = ((nk + nj) * dist[kj] + (nd + nj) * dist[at(drop, j)] - nj * bestCost) / (nk + nd + nj);
    }
    active[drop] = 0;
    size[keep] = nk + nd;
    merges.push({ keep, drop, cost: bestCost });
    remaining--;
  }
  // Ward's merge costs never decrease along the tree, so the first n − k merges by cost are the
  // partition into k groups.
  merges.sort((p, q) => p.cost - q.cost || p.keep - q.keep || p.drop - q.drop);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r];
    while (parent[i] !== r) {
      const up = parent[i];
      parent[i] = r;
      i = up;
    }
    return r;
  };
  for (let s = 0; s < n - k; s++) parent[find(merges[s].drop)] = find(merges[s].keep);
  const ids = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    let id = ids.get(root);
    if (id === undefined) {
      id = ids.size;
      ids.set(root, id);
    }
    labels[i] = id;
  }
  return labels;
}

/**
 * Unit centroids (k×d) of a Ward partition of the rows, or of a seeded sample of
 * {@link WARD_SAMPLE} rows when there are more; null when k ≥ the rows clustered (k-means++ then
 * seeds as before). Groups whose rows are all zero get a zero centroid, as k-means would.
 */
export function wardCentroids(m: Matrix, k: number, seed: number, limit = WARD_SAMPLE): Float32Array | null {
  const { n, d } = m;
  if (k < 1 || n < 2) return null;
  let rows: Matrix = m;
  if (n > limit) {
    const rng = createRng(seed ^ 0x3a7d);
    const picked = new Set<number>();
    while (picked.size < limit) picked.add(rng.int(n));
    const ids = [...picked].sort((a, b) => a - b);
    const data = new Float32Array(ids.length * d);
    ids.forEach((id, r) => {
      data.set(m.data.subarray(id * d, id * d + d), r * d);
    });
    rows = { data, n: ids.length, d };
  }
  if (k >= rows.n) return null;
  return groupCentroids(rows, wardPartition(rows, k), k);
}
