import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selfLabel } from '../../src/patterns/self-label.ts';
import { TextModel } from '../../src/patterns/text-model.ts';

const TOPICS = [
  [
    'I want a refund for the duplicate charge on my invoice',
    'please refund my money, the invoice charged me twice',
    'billing charged my card twice and I need a refund',
    'refund the double charge on my last invoice please',
    'you charged my credit card two times, refund one',
  ],
  [
    'cannot reset my password, the reset email never arrives',
    'password reset link is broken and I cannot log in',
    'I forgot my password and the reset email does not come',
    'the password reset mail is missing so I am locked out',
    'login fails and resetting the password does nothing',
  ],
  [
    'the dashboard takes a minute to load every morning',
    'reports page is very slow to open',
    'charts on the dashboard load slowly and time out',
    'the analytics dashboard is painfully slow',
    'loading the reports dashboard takes forever',
  ],
];

test('self-labelling moves an item k-means put in the wrong cluster and keeps the central ones', () => {
  const texts = TOPICS.flat();
  const model = TextModel.fit(texts);
  const truth = TOPICS.flatMap((list, c) => list.map(() => c));
  // Item 4 (a refund) was put with the passwords, as the item least like its cluster.
  const assignments = Int32Array.from(truth);
  assignments[4] = 1;
  const centrality = texts.map((_, i) => (i === 4 ? 0 : 1 - i / 100));
  const vectors = texts.map((t) => model.embed(t));
  const changed = selfLabel({ texts, vector: (i) => vectors[i], model, assignments, centrality, k: 3 });
  assert.equal(changed, 1);
  assert.deepEqual([...assignments], truth);
});

test('with every item central (share 1) nothing moves; single-item clusters are kept', () => {
  const texts = TOPICS.flat();
  const model = TextModel.fit(texts);
  const assignments = Int32Array.from(texts.map((_, i) => i % 4));
  const before = [...assignments];
  const vectors = texts.map((t) => model.embed(t));
  const input = {
    texts,
    vector: (i: number) => vectors[i],
    model,
    assignments,
    centrality: texts.map(() => 1),
    k: 4,
  };
  assert.equal(selfLabel(input, 1), 0);
  assert.deepEqual([...assignments], before);
  const one = Int32Array.from(texts.map((_, i) => (i === 0 ? 1 : 0)));
  selfLabel({ ...input, assignments: one, k: 2 });
  assert.equal(one[0], 1);
});
