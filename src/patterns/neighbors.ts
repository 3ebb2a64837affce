/**
 * k-nearest-neighbour lists over unit vectors. Exact (blocked brute force) up to a size where that is
 * cheap; above it, candidates are restricted to items in the same or the next-nearest coarse k-means
 * cell, which keeps 100k items to seconds instead of the hours an all-pairs pass would take.
 */
import { type Matrix, sphericalKMeans } from './kmeans.ts';

/** Neighbour ids and similarities per row, best first, excluding the row itself. */
export interface NeighborLists {
  ids: Int32Array[];
  sims: Float32Array[];
}

/** Above this many rows the approximate search is used. */
export const EXACT_LIMIT = 12000;

function topK(
  sims: Float32Array,
  candidates: ArrayLike<number>,
  self: number,
  k: number,
): [Int32Array, Float32Array] {
  const ids: number[] = [];
  const vals: number[] = [];
  for (let c = 0; c < candidates.length; c++) {
    const j = candidates[c];
    if (j === self) continue;
    const s = sims[c];
    if (ids.length < k) {
      let p = ids.length;
      ids.push(j);
      vals.push(s);
      while (p > 0 && vals[p - 1] < s) {
        ids[p] = ids[p - 1];
        vals[p] = vals[p - 1];
        p--;
      }
      ids[p] = j;
      vals[p] = s;
    } else if (s > vals[k - 1]) {
      let p = k - 1;
      while (p > 0 && vals[p - 1] < s) {
        ids[p] = ids[p - 1];
        vals[p] = vals[p - 1];
        p--;
      }
      ids[p] = j;
      vals[p] = s;
    }
  }
  return [Int32Array.from(ids), Float32Array.from(vals)];
}

function scoreCandidates(m: Matrix, i: number, candidates: ArrayLike<number>, out: Float32Array): void {
  const { d, data } = m;
  const off = i * d;
  for (let c = 0; c < candidates.length; c++) {
    const o = candidates[c] * d;
    let s = 0;
    for (let t = 0; t < d; t++) s += data[off + t] * data[o + t];
    out[c] = s;
  }
}

/** Top-`k` neighbours of every row of `m` by cosine. Deterministic for a seed. */
export function nearestNeighbors(m: Matrix, k: number, seed: number): NeighborLists {
  const ids: Int32Array[] = [];
  const sims: Float32Array[] = [];
  if (m.n <= EXACT_LIMIT) {
    const all = Int32Array.from({ length: m.n }, (_, i) => i);
    const buf = new Float32Array(m.n);
    for (let i = 0; i < m.n; i++) {
      scoreCandidates(m, i, all, buf);
      const [a, b] = topK(buf, all, i, k);
      ids.push(a);
      sims.push(b);
    }
    return { ids, sims };
  }
  // Coarse cells of ~1000 items; each item searches its own cell and its second-nearest cell.
  const cells = Math.max(2, Math.round(m.n / 1000));
  const coarse = sphericalKMeans(m, cells, { seed, maxIterations: 3 });
  const members: number[][] = Array.from({ length: coarse.k }, () => []);
  const second = new Int32Array(m.n);
  for (let i = 0; i < m.n; i++) {
    members[coarse.assignments[i]].push(i);
    let best = -1;
    let bestSim = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < coarse.k; c++) {
      if (c === coarse.assignments[i]) continue;
      let s = 0;
      for (let t = 0; t < m.d; t++) s += m.data[i * m.d + t] * coarse.centroids[c * m.d + t];
      if (s > bestSim) {
        bestSim = s;
        best = c;
      }
    }
    second[i] = best;
  }
  for (let i = 0; i < m.n; i++) {
    const own = members[coarse.assignments[i]];
    const other = second[i] >= 0 ? members[second[i]] : [];
    const cand = Int32Array.from([...own, ...other]);
    const buf = new Float32Array(cand.length);
    scoreCandidates(m, i, cand, buf);
    const [a, b] = topK(buf, cand, i, k);
    ids.push(a);
    sims.push(b);
  }
  return { ids, sims };
}
