import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseLabelledCsv } from '../../src/patterns/csv.ts';
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

test('the partitioned index returns the same top answers as brute force', () => {
  const d = 32;
  const rng = createRng(5);
  const index = new PatternIndex({ dims: d, exhaustiveBelow: 100, probes: 8 });
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
