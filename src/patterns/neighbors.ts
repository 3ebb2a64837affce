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
  // Leaf cells of at most ~700 items (a coarse k-means, then over-full cells are split again, so a
  // skewed corpus cannot make one cell quadratic); each item searches its own and next-nearest leaf.
  const leaves: number[][] = [];
  const leafCentres: number[][] = [];
  const split = (rows: number[], depth: number): void => {
    const target = 300;
    if (rows.length <= 700 || depth >= 3) {
      leaves.push(rows);
      const c = new Float64Array(m.d);
      for (const i of rows) for (let t = 0; t < m.d; t++) c[t] += m.data[i * m.d + t];
      let s = 0;
      for (let t = 0; t < m.d; t++) s += c[t] * c[t];
      s = Math.sqrt(s) || 1;
      leafCentres.push(Array.from(c, (x) => x / s));
      return;
    }
    const sub = new Float32Array(rows.length * m.d);
    rows.forEach((i, r) => {
      sub.set(m.data.subarray(i * m.d, i * m.d + m.d), r * m.d);
    });
    const cells = Math.max(2, Math.round(rows.length / target));
    const res = sphericalKMeans({ data: sub, n: rows.length, d: m.d }, cells, {
      seed: seed + depth,
      maxIterations: 3,
    });
    const groups: number[][] = Array.from({ length: res.k }, () => []);
    rows.forEach((i, r) => {
      groups[res.assignments[r]].push(i);
    });
    const nonEmpty = groups.filter((g) => g.length > 0);
    if (nonEmpty.length <= 1) {
      split(rows.slice(0, rows.length >> 1), 3);
      split(rows.slice(rows.length >> 1), 3);
      return;
    }
    for (const g of nonEmpty) split(g, depth + 1);
  };
  split(
    Array.from({ length: m.n }, (_, i) => i),
    0,
  );
  const leafOf = new Int32Array(m.n);
  leaves.forEach((rows, l) => {
    for (const i of rows) leafOf[i] = l;
  });
  const centres = Float32Array.from(leafCentres.flat());
  const out: NeighborLists = { ids: new Array(m.n), sims: new Array(m.n) };
  for (let i = 0; i < m.n; i++) {
    let best = -1;
    let bestSim = Number.NEGATIVE_INFINITY;
    const own = leafOf[i];
    for (let c = 0; c < leaves.length; c++) {
      if (c === own) continue;
      let s = 0;
      for (let t = 0; t < m.d; t++) s += m.data[i * m.d + t] * centres[c * m.d + t];
      if (s > bestSim) {
        bestSim = s;
        best = c;
      }
    }
    const ownRows = leaves[own];
    const other = best >= 0 ? leaves[best] : [];
    const cand = new Int32Array(ownRows.length + other.length);
    cand.set(ownRows, 0);
    cand.set(other, ownRows.length);
    const buf = new Float32Array(cand.length);
    scoreCandidates(m, i, cand, buf);
    const [a, b] = topK(buf, cand, i, k);
    out.ids[i] = a;
    out.sims[i] = b;
  }
  return out;
}
