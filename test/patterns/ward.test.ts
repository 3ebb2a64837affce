import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Matrix, sphericalKMeans } from '../../src/patterns/kmeans.ts';
import { createRng } from '../../src/patterns/prng.ts';
import { wardCentroids, wardPartition } from '../../src/patterns/ward.ts';

function randomRows(n: number, d: number, seed: number, centres = 0, noise = 1): Matrix {
  const rng = createRng(seed);
  const c = Array.from({ length: centres }, () => Array.from({ length: d }, () => rng.next() - 0.5));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      data[i * d + t] = (centres > 0 ? c[i % centres][t] : 0) + (rng.next() - 0.5) * noise;
      s += data[i * d + t] ** 2;
    }
    for (let t = 0; t < d; t++) data[i * d + t] /= Math.sqrt(s);
  }
  return { data, n, d };
}

/**
 * Textbook Ward: merge the pair of groups with the least increase of the within-group sum of
 * squares, |A||B| / (|A| + |B|) · ‖mean A − mean B‖², recomputed from the rows every step (O(n³)).
 */
function naiveWard(m: Matrix, k: number): number[][] {
  let groups = Array.from({ length: m.n }, (_, i) => [i]);
  const mean = (g: number[]) => {
    const out = new Float64Array(m.d);
    for (const i of g) for (let t = 0; t < m.d; t++) out[t] += m.data[i * m.d + t] / g.length;
    return out;
  };
  while (groups.length > k) {
    const means = groups.map(mean);
    let best = [0, 1];
    let bestCost = Number.POSITIVE_INFINITY;
    for (let a = 0; a < groups.length; a++) {
      for (let b = a + 1; b < groups.length; b++) {
        let sq = 0;
        for (let t = 0; t < m.d; t++) sq += (means[a][t] - means[b][t]) ** 2;
        const cost = ((groups[a].length * groups[b].length) / (groups[a].length + groups[b].length)) * sq;
        if (cost < bestCost) {
          bestCost = cost;
          best = [a, b];
        }
      }
    }
    const merged = [...groups[best[0]], ...groups[best[1]]];
    groups = groups.filter((_, g) => g !== best[0] && g !== best[1]);
    groups.push(merged);
  }
  return groups.map((g) => g.sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
}

function asGroups(labels: Int32Array): number[][] {
  const byLabel = new Map<number, number[]>();
  labels.forEach((l, i) => {
    const list = byLabel.get(l) ?? [];
    list.push(i);
    byLabel.set(l, list);
  });
  return [...byLabel.values()].sort((a, b) => a[0] - b[0]);
}

test('the nearest-neighbour chain gives the same partitions as textbook Ward', () => {
  for (const seed of [1, 2, 3]) {
    const m = randomRows(60, 6, seed);
    for (const k of [1, 2, 5, 13, 59]) {
      assert.deepEqual(asGroups(wardPartition(m, k)), naiveWard(m, k), `seed ${seed}, k ${k}`);
    }
  }
});

test('well separated groups are recovered, numbered by their first row', () => {
  const m = randomRows(90, 20, 4, 3, 0.1);
  const labels = wardPartition(m, 3);
  assert.deepEqual([...labels.slice(0, 6)], [0, 1, 2, 0, 1, 2]);
  for (let i = 0; i < m.n; i++) assert.equal(labels[i], i % 3);
});

test('k is clamped; one row, equal rows and zero rows do not break it', () => {
  const m = randomRows(10, 4, 5);
  assert.deepEqual([...wardPartition(m, 50)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual([...wardPartition(m, 0)], Array(10).fill(0));
  assert.deepEqual([...wardPartition({ data: new Float32Array(4), n: 1, d: 4 }, 3)], [0]);
  const same: Matrix = { data: new Float32Array(5 * 3).fill(0), n: 5, d: 3 };
  same.data.set([1, 0, 0, 1, 0, 0, 0, 1, 0], 6);
  const labels = wardPartition(same, 2);
  assert.equal(new Set(labels).size, 2);
  assert.equal(labels[0], labels[1]);
  assert.equal(labels[2], labels[3]);
});

test('wardCentroids gives k unit rows, samples large inputs deterministically, and steps aside when k ≥ rows', () => {
  const m = randomRows(400, 8, 6, 4, 0.2);
  const c = wardCentroids(m, 4, 1);
  assert.ok(c);
  assert.equal(c.length, 4 * 8);
  for (let r = 0; r < 4; r++) {
    let s = 0;
    for (let t = 0; t < 8; t++) s += c[r * 8 + t] ** 2;
    assert.ok(Math.abs(s - 1) < 1e-5);
  }
  const sampled = wardCentroids(m, 4, 7, 100);
  assert.deepEqual(sampled, wardCentroids(m, 4, 7, 100));
  // Each sampled centroid lies close to one of the full clustering's centroids.
  for (let r = 0; r < 4; r++) {
    let best = -1;
    for (let q = 0; q < 4; q++) {
      let dot = 0;
      for (let t = 0; t < 8; t++) dot += (sampled as Float32Array)[r * 8 + t] * c[q * 8 + t];
      best = Math.max(best, dot);
    }
    assert.ok(best > 0.95, `centroid ${r}: ${best}`);
  }
  assert.equal(wardCentroids(m, 400, 1), null);
  assert.equal(wardCentroids(m, 100, 1, 100), null);
});

test('k-means starts from given centroids (and seeds itself when their shape is wrong)', () => {
  const m = randomRows(120, 10, 8, 4, 0.15);
  const start = wardCentroids(m, 4, 1) as Float32Array;
  const res = sphericalKMeans(m, 4, { seed: 1, initialCentroids: start, maxIterations: 0 });
  // No iterations: the rows are assigned to the given centroids, i.e. to Ward's groups.
  assert.deepEqual(asGroups(res.assignments), asGroups(wardPartition(m, 4)));
  const seeded = sphericalKMeans(m, 4, { seed: 1, initialCentroids: new Float32Array(3) });
  assert.deepEqual(asGroups(seeded.assignments), asGroups(sphericalKMeans(m, 4, { seed: 1 }).assignments));
});
