import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nearestNeighbors } from '../../src/patterns/neighbors.ts';
import { createRng } from '../../src/patterns/prng.ts';

test('approximate neighbour lists mostly agree with exact ones on clustered data', () => {
  const rng = createRng(3);
  const d = 16;
  const n = 3000;
  const centres = Array.from({ length: 40 }, () => Array.from({ length: d }, () => rng.next() - 0.5));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = centres[rng.int(centres.length)];
    let s = 0;
    for (let t = 0; t < d; t++) {
      data[i * d + t] = c[t] + (rng.next() - 0.5) * 0.3;
      s += data[i * d + t] ** 2;
    }
    for (let t = 0; t < d; t++) data[i * d + t] /= Math.sqrt(s);
  }
  const m = { data, n, d };
  const exact = nearestNeighbors(m, 5, 1);
  const approx = nearestNeighbors(m, 5, 1, 100);
  let same = 0;
  for (let i = 0; i < n; i++) {
    assert.equal(approx.ids[i].length, 5);
    assert.ok(!approx.ids[i].includes(i));
    if (approx.ids[i][0] === exact.ids[i][0]) same++;
  }
  assert.ok(same / n > 0.7, `top-1 agreement ${same / n}`);
});
