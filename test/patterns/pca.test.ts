import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectRowsOnTopSubspace } from '../../src/patterns/pca.ts';

test('projection keeps the cosines of centred rows that lie in a low-dimensional subspace', () => {
  // 200 rows in 8 dims: a shared offset plus a point in a 2-dimensional plane, and two empty rows.
  const d = 8;
  const offset = [3, 3, 0, 0, 0, 0, 0, 0];
  const rows: number[][] = Array.from({ length: 200 }, (_, i) => {
    const a = Math.cos(i * 0.7) * (1 + (i % 3));
    const b = Math.sin(i * 1.3) * (1 + (i % 5));
    return offset.map((o, t) => o + (t === 2 ? a : 0) + (t === 5 ? b : 0) + (t === 6 ? a - b : 0));
  });
  rows.push(new Array(d).fill(0), new Array(d).fill(0));
  let reads = 0;
  const m = projectRowsOnTopSubspace(
    rows.length,
    d,
    (i) => {
      reads++;
      return rows[i];
    },
    3,
    1,
    { center: true },
  );
  assert.equal(m.d, 3);
  assert.ok(reads <= 2 * rows.length, `rows are read, not copied into one matrix (${reads} reads)`);
  const mean = offset.map((_, t) => rows.slice(0, 200).reduce((s, r) => s + r[t], 0) / 200);
  const centred = (i: number) => {
    const v = rows[i].map((x, t) => x - mean[t]);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  for (const [i, j] of [
    [0, 1],
    [5, 77],
    [13, 199],
  ]) {
    const before = centred(i).reduce((s, x, t) => s + x * centred(j)[t], 0);
    let after = 0;
    for (let t = 0; t < 3; t++) after += m.data[i * 3 + t] * m.data[j * 3 + t];
    assert.ok(Math.abs(before - after) < 1e-4, `rows ${i}, ${j}: ${before} vs ${after}`);
  }
  for (let i = 0; i < 200; i++) {
    const norm = Math.hypot(...m.data.subarray(i * 3, i * 3 + 3));
    assert.ok(Math.abs(norm - 1) < 1e-5, `row ${i} has unit length`);
  }
  assert.deepEqual([...m.data.subarray(200 * 3)], [0, 0, 0, 0, 0, 0], 'empty rows stay empty');
});
