import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CentroidPqIndex, dotRow } from '../../src/patterns/centroid-pq-index.ts';
import { parseLabelledCsv } from '../../src/patterns/csv.ts';
import { applyWhitening, learnWhitening } from '../../src/patterns/metric-learning.ts';
import { PatternIndex } from '../../src/patterns/pattern-index.ts';
import { createRng } from '../../src/patterns/prng.ts';
import { TextModel } from '../../src/patterns/text-model.ts';

const fixture = (name: string) =>
  parseLabelledCsv(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));
const train = fixture('small-train.csv');
const testRows = fixture('small-test.csv').filter((r) => r.label !== 'oos');
const model = TextModel.fit(
  [...train, ...testRows].map((r) => r.text),
  { lsaDims: 24, lexicalDims: 128 },
);

function buildIndex(): PatternIndex {
  const index = new PatternIndex({ model });
  train.forEach((r, i) => {
    index.addExample(r.label, `t${i}`, r.text);
  });
  return index;
}

test('suggest ranks the right pattern first for most real CLINC150 messages', () => {
  const index = buildIndex();
  let top1 = 0;
  for (const r of testRows) if (index.suggest(r.text).suggestions[0]?.patternId === r.label) top1++;
  assert.ok(top1 / testRows.length >= 0.75, `top-1 ${top1}/${testRows.length}`);
  const answer = index.suggest('how do i say thank you in japanese', { limit: 3 });
  assert.equal(answer.suggestions[0].patternId, 'translate');
  assert.equal(answer.suggestions.length, 3);
  assert.ok(answer.suggestions.every((s) => s.score >= 0 && s.score <= 1));
  assert.ok(answer.suggestions[0].matchedTerms.includes('say'));
});

test('adding and removing examples changes the answer incrementally', () => {
  const index = new PatternIndex({ model });
  index.addExample('billing', 'a', 'what is my account balance');
  index.addExample('weather', 'b', 'will it rain tomorrow');
  const query = 'set an alarm for 6 am';
  index.addExample('alarm', 'c', 'wake me up at 7 with an alarm');
  assert.equal(index.suggest(query).suggestions[0].patternId, 'alarm');
  assert.ok(index.removeExample('alarm', 'c'));
  assert.notEqual(index.suggest(query).suggestions[0]?.patternId, 'alarm');
  assert.equal(index.removeExample('alarm', 'c'), false);
  assert.equal(index.exampleCount, 2);
});

test('removing a pattern removes it from suggestions', () => {
  const index = buildIndex();
  assert.ok(index.removePattern('translate'));
  const ids = index.suggest('how do i say hello in french', { limit: 5 }).suggestions.map((s) => s.patternId);
  assert.ok(!ids.includes('translate'));
  assert.equal(index.patternCount, 5);
});

test('merging patterns moves the examples into the target', () => {
  const index = buildIndex();
  const before = index.exampleCount;
  index.mergePatterns('alarm', 'timer');
  assert.equal(index.patternCount, 5);
  assert.equal(index.exampleCount, before);
  assert.equal(index.suggest('set an alarm for 7am').suggestions[0].patternId, 'timer');
  // Removing one merged example from the target works (links moved with their ids).
  assert.ok(index.removeExample('timer', `t${train.findIndex((r) => r.label === 'alarm')}`));
});

test('add then remove restores the exact previous scores', () => {
  const index = buildIndex();
  const q = 'what is the weather in boston';
  const before = index.suggest(q, { limit: 6 });
  index.addExample('weather', 'extra', 'is it cold outside');
  index.removeExample('weather', 'extra');
  assert.deepEqual(index.suggest(q, { limit: 6 }), before);
});

test('noneFits is true for unrelated or empty input and false for a clear match', () => {
  const index = buildIndex();
  assert.equal(index.suggest('').noneFits, true);
  assert.deepEqual(index.suggest('🙂🙂').suggestions, []);
  assert.equal(index.suggest("what's the forecast like for pittsburgh today").noneFits, false);
  assert.equal(new PatternIndex({ model }).suggest('anything').noneFits, true);
});

test('the coded (fast) search returns the same top answers as brute force', () => {
  const d = 32;
  const rng = createRng(5);
  const index = new PatternIndex({ dims: d, exhaustiveBelow: 100 });
  const unit = (base?: Float32Array, noise = 1): Float32Array => {
    const v = new Float32Array(d);
    for (let i = 0; i < d; i++) v[i] = (base ? base[i] : 0) + noise * rng.gaussian();
    let n = 0;
    for (const x of v) n += x * x;
    return v.map((x) => x / Math.sqrt(n));
  };
  const centres = Array.from({ length: 400 }, () => unit());
  centres.forEach((c, p) => {
    for (let e = 0; e < 5; e++) index.addExample(`p${p}`, `p${p}-${e}`, unit(c, 0.05));
  });
  let agree = 0;
  for (let q = 0; q < 100; q++) {
    const query = unit(centres[q * 3], 0.08);
    const fast = index.suggest(query).suggestions[0].patternId;
    const exact = index.suggest(query, { exhaustive: true }).suggestions[0].patternId;
    if (fast === exact) agree++;
  }
  assert.ok(agree >= 97, `agreement ${agree}/100`);
});

test('vectors of the wrong length are rejected with a clear error', () => {
  const index = new PatternIndex({ dims: 8 });
  assert.throws(() => index.addExample('p', 'i', new Float32Array(3)), /dims/);
  assert.throws(() => index.addExample('p', 'i', 'text without a model'), /model/);
});

/** Random unit vectors around `centres` (one pattern each), as in the test above. */
function syntheticIndex(seed: number, patterns = 300, perPattern = 4, d = 32) {
  const rng = createRng(seed);
  const unit = (base?: Float32Array, noise = 1): Float32Array => {
    const v = new Float32Array(d);
    for (let i = 0; i < d; i++) v[i] = (base ? base[i] : 0) + noise * rng.gaussian();
    let n = 0;
    for (const x of v) n += x * x;
    return v.map((x) => x / Math.sqrt(n));
  };
  const centres = Array.from({ length: patterns }, () => unit());
  const links: [string, string, Float32Array][] = [];
  centres.forEach((c, p) => {
    for (let e = 0; e < perPattern; e++) links.push([`p${p}`, `p${p}-${e}`, unit(c, 0.3)]);
  });
  const queries = Array.from({ length: 120 }, (_, q) => unit(centres[(q * 7) % patterns], 0.4));
  return { d, unit, centres, links, queries };
}

function sameRanking(a: PatternIndex, b: PatternIndex, query: Float32Array, exhaustive: boolean): void {
  const x = a.suggest(query, { limit: 5, exhaustive }).suggestions;
  const y = b.suggest(query, { limit: 5, exhaustive }).suggestions;
  assert.deepEqual(
    x.map((s) => s.patternId),
    y.map((s) => s.patternId),
  );
  x.forEach((s, i) => {
    assert.ok(Math.abs(s.score - y[i].score) < 1e-9);
  });
}

test('links, unlinks, merges and deletions after training keep the index equal to a fresh build', () => {
  const { links, queries, unit, centres } = syntheticIndex(11);
  const live = new PatternIndex({ dims: 32, exhaustiveBelow: 100 });
  for (const [p, i, v] of links) live.addExample(p, i, v);
  live.rebuildPartition();
  // Churn after the codes were trained: nothing below rebuilds them.
  const final = new Map<string, Map<string, Float32Array>>();
  const link = (p: string, i: string, v: Float32Array) => {
    live.addExample(p, i, v);
    if (!final.has(p)) final.set(p, new Map());
    final.get(p)!.delete(i);
    final.get(p)!.set(i, v);
  };
  for (const [p, i, v] of links) {
    if (!final.has(p)) final.set(p, new Map());
    final.get(p)!.set(i, v);
  }
  for (let k = 0; k < 300; k += 3) {
    assert.ok(live.removeExample(`p${k}`, `p${k}-0`));
    final.get(`p${k}`)!.delete(`p${k}-0`);
  }
  for (let k = 0; k < 300; k += 5) link(`p${k}`, `late-${k}`, unit(centres[k], 0.3));
  link('p7', 'p7-1', unit(centres[7], 0.3)); // re-adding replaces the vector
  for (let k = 0; k < 20; k++) {
    live.mergePatterns(`p${299 - k}`, `p${k}`);
    for (const [i, v] of final.get(`p${299 - k}`)!) {
      final.get(`p${k}`)!.delete(i);
      final.get(`p${k}`)!.set(i, v);
    }
    final.delete(`p${299 - k}`);
  }
  for (let k = 100; k < 110; k++) {
    assert.ok(live.removePattern(`p${k}`));
    final.delete(`p${k}`);
  }
  link('new-pattern', 'n1', unit(centres[150], 0.1)); // reuses a freed slot
  const fresh = new PatternIndex({ dims: 32, exhaustiveBelow: 100 });
  for (const [p, items] of final) for (const [i, v] of items) fresh.addExample(p, i, v);
  fresh.rebuildPartition();
  assert.equal(live.patternCount, fresh.patternCount);
  assert.equal(live.exampleCount, fresh.exampleCount);
  assert.deepEqual(live.patternIds().sort(), fresh.patternIds().sort());
  let agree = 0;
  for (const q of queries) {
    // Exact scores are those of a fresh build (the sums were updated exactly)...
    sameRanking(live, fresh, q, true);
    // ...and the coded search of the incrementally maintained index finds the same answers.
    const fast = live.suggest(q, { limit: 5 }).suggestions;
    const exact = live.suggest(q, { limit: 5, exhaustive: true }).suggestions;
    if (fast[0].patternId === exact[0].patternId) agree++;
    for (const s of fast) {
      const e = exact.find((x) => x.patternId === s.patternId);
      if (e) assert.ok(Math.abs(e.score - s.score) < 1e-12, 'fast scores are exact');
    }
  }
  assert.ok(agree >= queries.length * 0.97, `agreement ${agree}/${queries.length}`);
  assert.ok(live.lastSearchStats().exact > 0);
  assert.deepEqual(
    live
      .suggest(queries[0], { exclude: new Set(['p0', 'p7']), limit: 10 })
      .suggestions.filter((s) => ['p0', 'p7'].includes(s.patternId)),
    [],
  );
});

test('the index is deterministic: two builds answer identically, fast path included', () => {
  const build = () => {
    const { links } = syntheticIndex(3);
    const index = new PatternIndex({ dims: 32, exhaustiveBelow: 100 });
    for (const [p, i, v] of links) index.addExample(p, i, v);
    index.learnMetric();
    return index;
  };
  const a = build();
  const b = build();
  for (const q of syntheticIndex(3).queries) {
    assert.deepEqual(a.suggest(q), b.suggest(q));
    sameRanking(a, b, q, false);
  }
});

test('removing most examples compacts the packed blocks; order and scores stay those of a fresh build', () => {
  const { links, queries } = syntheticIndex(5, 40, 30);
  const index = new PatternIndex({ dims: 32 });
  for (const [p, i, v] of links) index.addExample(p, i, v);
  const before = index.approximateBytes();
  // Keep examples 3, 10, 17, 24 of each pattern (in insertion order), remove the 26 others.
  const kept = links.filter(([, i]) => Number(i.split('-')[1]) % 7 === 3);
  for (const [p, i] of links) if (!kept.some(([, k]) => k === i)) assert.ok(index.removeExample(p, i));
  assert.equal(index.exampleCount, kept.length);
  assert.ok(index.approximateBytes() < before / 2, `${index.approximateBytes()} vs ${before}`);
  const fresh = new PatternIndex({ dims: 32 });
  for (const [p, i, v] of kept) fresh.addExample(p, i, v);
  for (const q of queries.slice(0, 40)) sameRanking(index, fresh, q, true);
  // Appending after compaction keeps insertion order (the re-rank reads the first 32 examples).
  for (const [p, i, v] of links.slice(0, 60)) {
    index.addExample(p, `again-${i}`, v);
    fresh.addExample(p, `again-${i}`, v);
  }
  for (const q of queries.slice(0, 40)) sameRanking(index, fresh, q, true);
});

test('explanations follow unlinks and merges', () => {
  const index = new PatternIndex({ model });
  index.addExample('money', 'a', 'what is my account balance');
  index.addExample('money', 'b', 'please freeze my bank account');
  index.addExample('clock', 'c', 'set a timer for ten minutes');
  const terms = (text: string, id: string) =>
    index.suggest(text, { limit: 5 }).suggestions.find((s) => s.patternId === id)?.matchedTerms ?? [];
  assert.ok(terms('freeze my balance', 'money').includes('freeze'));
  index.removeExample('money', 'b');
  assert.ok(!terms('freeze my balance', 'money').includes('freeze'));
  assert.ok(terms('freeze my balance', 'money').includes('balance'));
  index.mergePatterns('clock', 'money');
  assert.ok(terms('a timer for my balance', 'money').includes('timer'));
  assert.equal(index.patternCount, 1);
});

for (const d of [48, 600]) {
  // 600 dims: two 32-byte code blocks per row, the second one zero-padded.
  test(`CentroidPqIndex re-scores exactly: with every row refined it equals brute force (${d} dims)`, () => {
    const rng = createRng(9);
    const n = 500;
    const data = new Float32Array(n * d).map(() => rng.gaussian());
    const live = new Uint8Array(n).fill(1);
    live[3] = 0;
    const codes = new CentroidPqIndex(d);
    codes.train(
      data,
      Array.from({ length: n }, (_, i) => i),
    );
    for (let t = 0; t < 20; t++) {
      const q = Float64Array.from({ length: d }, () => rng.gaussian());
      const exact = Array.from({ length: n }, (_, i) => [i, dotRow(data, i, q, d)] as const)
        .filter(([i]) => live[i] === 1)
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 10);
      const all = codes.search(q, data, live, n, 10, { liveCount: n - 1, coarse: n, refine: n });
      assert.deepEqual(
        [...all.slots],
        exact.map(([i]) => i),
      );
      assert.deepEqual(
        [...all.scores],
        exact.map(([, s]) => s),
      );
      const some = codes.search(q, data, live, n, 10, { liveCount: n - 1, coarse: 200, refine: 60 });
      assert.ok(some.slots.slice(0, 3).every((s) => exact.slice(0, 5).some(([i]) => i === s)));
      assert.ok(codes.stats.exact <= 70 && codes.stats.coarse < n);
    }
  });
}

/** Forward substitution one row at a time, then unit length: the definition applyWhitening must match. */
function whitenOneRowAtATime(m: { d: number; lower: Float64Array }, x: ArrayLike<number>): Float32Array {
  const { d, lower } = m;
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= lower[i * d + k] * y[k];
    y[i] = s / lower[i * d + i];
  }
  let n = 0;
  for (let t = 0; t < d; t++) n += y[t] * y[t];
  n = Math.sqrt(n);
  return Float32Array.from(y, (v) => (n > 0 ? v / n : 0));
}

test('the four-rows-at-a-time whitening equals one-row forward substitution bit for bit', () => {
  const rng = createRng(21);
  const d = 37; // not a multiple of 4: the tail rows take the one-row path
  const groups = Array.from({ length: 30 }, () =>
    Array.from({ length: 4 }, () => Float64Array.from({ length: d }, () => rng.gaussian())),
  );
  const metric = learnWhitening(groups, d, 0.15)!;
  for (let t = 0; t < 50; t++) {
    const x = Float32Array.from({ length: d }, () => rng.gaussian());
    assert.deepEqual(applyWhitening(metric, x), whitenOneRowAtATime(metric, x));
  }
});
