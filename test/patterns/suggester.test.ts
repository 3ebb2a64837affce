import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PatternSuggester } from '../../src/patterns/suggester.ts';
import { TermClassifier, termFeatures } from '../../src/patterns/term-classifier.ts';
import { TextModel } from '../../src/patterns/text-model.ts';

const REFUNDS = [
  'I want a refund for the duplicate charge on my invoice',
  'please refund my money, the invoice charged me twice',
  'billing charged my card twice, I need a refund',
];
const PASSWORDS = [
  'cannot reset my password, the reset email never arrives',
  'password reset link is broken and I cannot log in',
  'I forgot my password and the reset email does not come',
];
const UNLINKED = [
  'chargeback filed because the refund for the double charge never came',
  'the refund chargeback for my twice charged card',
  'my password reset email went to spam, cannot log in',
];
const model = TextModel.fit([...REFUNDS, ...PASSWORDS, ...UNLINKED]);
const features = (text: string) => termFeatures(text, (id) => model.termWeight(id));

test('the word model is exact under add and remove, and merge moves every contribution', () => {
  const c = new TermClassifier();
  REFUNDS.forEach((t, i) => {
    c.add('refunds', `r${i}`, features(t));
  });
  PASSWORDS.forEach((t, i) => {
    c.add('passwords', `p${i}`, features(t));
  });
  const query = features('refund the double charge');
  const before = c.logLikelihood(query, 'refunds');
  assert.ok(before > c.logLikelihood(query, 'passwords'));
  c.add('refunds', 'extra', features('a completely different sentence about weather'));
  assert.notEqual(c.logLikelihood(query, 'refunds'), before);
  assert.equal(c.remove('refunds', 'extra'), true);
  assert.ok(Math.abs(c.logLikelihood(query, 'refunds') - before) < 1e-9);
  assert.equal(c.remove('refunds', 'extra'), false);
  c.mergePatterns('passwords', 'refunds');
  assert.equal(c.has('passwords'), false);
  assert.equal(c.size, 1);
  for (let i = 0; i < 3; i++) assert.equal(c.remove('refunds', `p${i}`), true);
  // Now only the refunds examples remain (the vocabulary shrank with the passwords pattern).
  const alone = new TermClassifier();
  REFUNDS.forEach((t, i) => {
    alone.add('refunds', `r${i}`, features(t));
  });
  assert.ok(Math.abs(c.logLikelihood(query, 'refunds') - alone.logLikelihood(query, 'refunds')) < 1e-9);
});

test('the word model stays exact through many links and unlinks (its packed log compacts)', () => {
  const texts = [...REFUNDS, ...PASSWORDS, ...UNLINKED];
  const c = new TermClassifier();
  // 300 items in one pattern, most of them unlinked again in a scattered order, some re-linked.
  for (let i = 0; i < 300; i++)
    c.add('mixed', `m${i}`, features(texts[i % texts.length]), i % 7 === 0 ? 0.2 : 1);
  for (let i = 0; i < 300; i++) if (i % 5 !== 0) assert.equal(c.remove('mixed', `m${(i * 37) % 300}`), true);
  for (let i = 0; i < 40; i++) c.add('mixed', `again${i}`, features(texts[(i * 3) % texts.length]));
  c.add('mixed', 'm0', features('the same item linked twice replaces its words'));
  const expected = new TermClassifier();
  for (let i = 0; i < 300; i++) {
    const id = (i * 37) % 300;
    if (i % 5 === 0 && id !== 0)
      expected.add('mixed', `m${id}`, features(texts[id % texts.length]), id % 7 === 0 ? 0.2 : 1);
  }
  for (let i = 0; i < 40; i++) expected.add('mixed', `again${i}`, features(texts[(i * 3) % texts.length]));
  expected.add('mixed', 'm0', features('the same item linked twice replaces its words'));
  for (const q of ['refund the double charge', 'password reset email', 'weather']) {
    const got = c.logLikelihood(features(q), 'mixed');
    assert.ok(Math.abs(got - expected.logLikelihood(features(q), 'mixed')) < 1e-6, q);
  }
  c.mergePatterns('mixed', 'other');
  assert.ok(
    Math.abs(
      c.logLikelihood(features('refund'), 'other') - expected.logLikelihood(features('refund'), 'mixed'),
    ) < 1e-6,
  );
});

test('a model fitted on nothing weighs every word alike (a stored model without the prior: not at all)', () => {
  const empty = TextModel.fit([]);
  const f = termFeatures('refund please', (id) => empty.termWeight(id));
  assert.ok(f.ids.length > 0);
  assert.ok(f.weights.every((w) => w > 0 && w === f.weights[0]));
  const legacy = TextModel.fit([], { priorDocuments: 0 });
  assert.ok(termFeatures('refund please', (id) => legacy.termWeight(id)).weights.every((w) => w === 0));
});

test('suggestions come in score order, and unlinked feedback teaches a pattern new words', () => {
  const s = new PatternSuggester({ model });
  REFUNDS.forEach((t, i) => {
    s.addExample('refunds', `r${i}`, model.embed(t), t);
  });
  PASSWORDS.forEach((t, i) => {
    s.addExample('passwords', `p${i}`, model.embed(t), t);
  });
  const query = 'chargeback';
  const answer = s.suggest(model.embed(query), query, { limit: 2 });
  const scores = answer.suggestions.map((x) => x.score);
  assert.deepEqual(
    scores,
    [...scores].sort((a, b) => b - a),
  );
  const q = s.features(query);
  const before = s.terms.logLikelihood(q, 'refunds') - s.terms.logLikelihood(q, 'passwords');
  const items = UNLINKED.map((text, i) => ({ id: `u${i}`, vector: model.embed(text), text }));
  const counted = s.learnFromUnlinked(items);
  assert.ok(counted >= 2, `${counted} unlinked items counted`);
  const after = s.terms.logLikelihood(q, 'refunds') - s.terms.logLikelihood(q, 'passwords');
  assert.ok(after > before, `refunds gained 'chargeback': ${before} → ${after}`);
  // A second call replaces the first one's contributions instead of adding to them.
  assert.equal(s.learnFromUnlinked(items), counted);
  assert.ok(
    Math.abs(s.terms.logLikelihood(q, 'refunds') - s.terms.logLikelihood(q, 'passwords') - after) < 1e-9,
  );
  assert.equal(s.unlinkedCount, counted);
  // An item the models cannot place with confidence (refunds or passwords?) teaches neither.
  const unsure = 'the refund email';
  assert.equal(s.learnFromUnlinked([{ id: 'unsure', vector: model.embed(unsure), text: unsure }]), 0);
  assert.equal(s.learnFromUnlinked(items), counted);
  // Removing the pattern removes its learned words too.
  s.removePattern('refunds');
  assert.equal(s.terms.has('refunds'), false);
  assert.deepEqual(
    s.suggest(model.embed(query), query, { limit: 3 }).suggestions.map((x) => x.patternId),
    ['passwords'],
  );
});

test('a shortlist of every pattern ranks them all in score order; a short one never shortens the answer', () => {
  const topics = Array.from({ length: 25 }, (_, p) => [`topic${p}`, `thing${p}`, `widget${p}`]);
  const texts = topics.flatMap((words, p) => [0, 1, 2].map((i) => `${words.join(' ')} report ${i} of ${p}`));
  const m = TextModel.fit(texts);
  const s = new PatternSuggester({ model: m });
  texts.forEach((t, i) => {
    s.addExample(`p${Math.floor(i / 3)}`, `i${i}`, m.embed(t), t);
  });
  const query = 'topic7 widget7 report';
  const vector = m.embed(query);
  const full = s.suggest(vector, query, { limit: 25, exhaustive: true, shortlist: s.index.patternCount });
  assert.equal(new Set(full.suggestions.map((x) => x.patternId)).size, 25);
  const scores = full.suggestions.map((x) => x.score);
  assert.deepEqual(
    scores,
    [...scores].sort((a, b) => b - a),
  );
  const fast = s.suggest(vector, query, { limit: 3 });
  assert.equal(fast.suggestions[0]?.patternId, 'p7');
  assert.equal(full.suggestions[0]?.patternId, 'p7');
  // Asking for fewer than the answers wanted never shortens the answer.
  assert.equal(s.suggest(vector, query, { limit: 5, shortlist: 2 }).suggestions.length, 5);
});

test('a pattern whose items all score high is not allowed to crowd out a looser one (hubness correction)', () => {
  const empty = TextModel.fit([]);
  const vec = (entries: Record<number, number>) => {
    const v = new Float32Array(empty.dims);
    for (const [k, x] of Object.entries(entries)) v[Number(k)] = x;
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const s = new PatternSuggester({ model: empty });
  // 'tight': every example the same; 'diverse': examples share one direction and each adds its own.
  for (let j = 0; j < 4; j++) s.addExample('tight', `t${j}`, vec({ 0: 1 }), '');
  for (let j = 0; j < 4; j++) s.addExample('diverse', `d${j}`, vec({ 1: 1, [2 + j]: 0.9 }), '');
  const between = vec({ 0: 0.47, 1: 0.53 });
  const clear = vec({ 0: 0.8, 1: 0.2 });
  const ids = (v: Float32Array) => s.suggest(v, '', { limit: 2 }).suggestions.map((x) => x.patternId);
  assert.deepEqual(
    ids(between),
    ['tight', 'diverse'],
    'before: the raw similarity favours the tight pattern',
  );
  // The inbox: items like each pattern's examples. The tight pattern's score ~1 for its own items, the
  // diverse one's ~0.75, so the same raw similarity means less for the tight one.
  const items = [
    ...Array.from({ length: 40 }, (_, i) => ({
      id: `ut${i}`,
      vector: vec({ 0: 1, [100 + (i % 7)]: 0.05 }),
      text: '',
    })),
    ...Array.from({ length: 40 }, (_, i) => ({
      id: `ud${i}`,
      vector: vec({ 1: 1, [2 + (i % 4)]: 0.9, [100 + (i % 7)]: 0.05 }),
      text: '',
    })),
  ];
  s.learnFromUnlinked(items);
  const answer = s.suggest(between, '', { limit: 2 });
  assert.deepEqual(
    answer.suggestions.map((x) => x.patternId),
    ['diverse', 'tight'],
  );
  assert.ok(answer.suggestions[0].score > answer.suggestions[1].score, 'scores stay in ranking order');
  assert.deepEqual(ids(clear), ['tight', 'diverse'], 'clear evidence is not overridden');
  // Recomputed, not accumulated, by a second call.
  s.learnFromUnlinked(items);
  assert.deepEqual(s.suggest(between, '', { limit: 2 }), answer);
});
