import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseLabelledCsv } from '../../src/patterns/csv.ts';
import { centerRows, discoverPatterns } from '../../src/patterns/discover.ts';
import { nmi } from '../../src/patterns/metrics.ts';
import { findNearDuplicates } from '../../src/patterns/near-duplicates.ts';

const rows = parseLabelledCsv(
  readFileSync(new URL('fixtures/small-test.csv', import.meta.url), 'utf8'),
).filter((r) => r.label !== 'oos');
const items = rows.map((r, i) => ({ id: `i${i}`, text: r.text }));

test('discovery recovers most of the labelled groups of real messages', () => {
  const clusters = discoverPatterns(items, { k: 6, seed: 1 });
  assert.equal(clusters.length, 6);
  const clusterOf = new Map<string, number>();
  clusters.forEach((c, ci) => {
    for (const id of c.itemIds) clusterOf.set(id, ci);
  });
  assert.equal(clusterOf.size, items.length);
  const score = nmi(
    rows.map((r) => r.label),
    items.map((it) => clusterOf.get(it.id)!),
  );
  assert.ok(score > 0.6, `nmi ${score}`);
  for (const c of clusters) {
    assert.ok(c.label.length > 0);
    assert.ok(c.representativeIds.length >= 1 && c.representativeIds.length <= 3);
    assert.ok(c.representativeIds.every((id) => c.itemIds.includes(id)));
  }
});

test('centring removes the shared direction, keeps rows without words at zero and rows at the mean', () => {
  // Two groups that differ only slightly, on top of a dominant direction every row shares.
  const d = 4;
  const rowsIn = [
    [0.9, 0.1, 0, 0],
    [0.9, 0.12, 0, 0],
    [0.9, 0, 0.1, 0],
    [0.9, 0, 0.12, 0],
    [0, 0, 0, 0],
  ];
  const unit = (r: number[]) => {
    const n = Math.hypot(...r);
    return n === 0 ? r : r.map((x) => x / n);
  };
  const m = { data: Float32Array.from(rowsIn.flatMap(unit)), n: rowsIn.length, d };
  const cos = (a: number, b: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += m.data[a * d + t] * m.data[b * d + t];
    return s;
  };
  assert.ok(cos(0, 2) > 0.98, 'before: the groups look alike');
  centerRows(m);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(cos(i, i) - 1) < 1e-5, `row ${i} is unit length`);
  assert.ok(cos(0, 2) < 0, `after: the groups point apart (${cos(0, 2)})`);
  assert.ok(cos(0, 1) > 0.5 && cos(2, 3) > 0.5, 'members of a group stay together');
  assert.deepEqual([...m.data.subarray(4 * d)], [0, 0, 0, 0]);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += m.data[i * d + 1];
  assert.ok(Math.abs(sum) < 0.5, 'no mean left along the distinguishing direction');
  // Every row the same text: each equals the mean and keeps its direction rather than becoming zero.
  const same = { data: Float32Array.from([0.6, 0.8, 0.6, 0.8]), n: 2, d: 2 };
  centerRows(same);
  assert.deepEqual(
    [...same.data].map((x) => Math.round(x * 1e5) / 1e5),
    [0.6, 0.8, 0.6, 0.8],
  );
});

test('discovery is deterministic for a seed', () => {
  const a = discoverPatterns(items, { k: 5, seed: 7 });
  const b = discoverPatterns(items, { k: 5, seed: 7 });
  assert.deepEqual(a, b);
});

test('a weather cluster is labelled with weather words', () => {
  const clusters = discoverPatterns(items, { k: 6, seed: 2 });
  const weatherIds = new Set(items.filter((_, i) => rows[i].label === 'weather').map((it) => it.id));
  const best = clusters.reduce((a, b) =>
    b.itemIds.filter((id) => weatherIds.has(id)).length > a.itemIds.filter((id) => weatherIds.has(id)).length
      ? b
      : a,
  );
  assert.match(best.topTerms.join(' '), /weather|rain|temperature|forecast/);
});

test("k: 'auto' picks a sensible number of clusters", () => {
  const clusters = discoverPatterns(items, { k: 'auto', seed: 1 });
  assert.ok(clusters.length >= 2 && clusters.length <= 20, `k=${clusters.length}`);
});

test('bad input does not crash discovery', () => {
  assert.deepEqual(discoverPatterns([], { k: 3 }), []);
  const one = discoverPatterns([{ id: 'x', text: 'only one' }], { k: 10 });
  assert.equal(one.length, 1);
  assert.deepEqual(one[0].itemIds, ['x']);
  const odd = [
    { id: 'a', text: '' },
    { id: 'b', text: '🔥🔥🔥' },
    { id: 'c', text: 'カードが使えません' },
    { id: 'd', text: 'la aplicación se cierra sola' },
    { id: 'e', text: 'crash '.repeat(20000) },
  ];
  const res = discoverPatterns(odd, { k: 50, seed: 3 });
  assert.equal(res.flatMap((c) => c.itemIds).length, 5);
  assert.ok(discoverPatterns(odd, { k: 'auto' }).length >= 1);
});

test('near-duplicates are grouped and distinct messages are not', () => {
  const inbox = [
    { id: '1', text: 'The app crashes when I upload a photo' },
    { id: '2', text: 'the app crashes when i upload a photo!!' },
    { id: '3', text: 'App crashes when I upload a photo' },
    { id: '4', text: 'Please add a dark mode' },
    { id: '5', text: 'please add dark mode' },
    { id: '6', text: 'Export to CSV is broken' },
    { id: '7', text: '' },
    { id: '8', text: '' },
  ];
  const groups = findNearDuplicates(inbox, 0.8);
  assert.deepEqual(
    groups.map((g) => g.itemIds),
    [
      ['1', '2', '3'],
      ['4', '5'],
    ],
  );
  assert.ok(groups.every((g) => g.minSimilarity >= 0.8 && g.minSimilarity <= 1));
  assert.deepEqual(findNearDuplicates([{ id: 'x', text: 'alone' }], 0.9), []);
});

test('the large-corpus path (subspace projection, approximate neighbours) still recovers the groups', () => {
  const clusters = discoverPatterns(items, { k: 6, seed: 1, reduceAbove: 10, reducedDims: 48 });
  assert.equal(
    clusters.reduce((s, c) => s + c.itemIds.length, 0),
    items.length,
  );
  const clusterOf = new Map<string, number>();
  clusters.forEach((c, ci) => {
    for (const id of c.itemIds) clusterOf.set(id, ci);
  });
  const score = nmi(
    rows.map((r) => r.label),
    items.map((it) => clusterOf.get(it.id)!),
  );
  assert.ok(score > 0.5, `nmi ${score}`);
});
