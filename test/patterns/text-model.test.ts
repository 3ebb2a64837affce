import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv, parseLabelledCsv } from '../../src/patterns/csv.ts';
import { dot, vectorFromBuffer, vectorToBuffer } from '../../src/patterns/dense-vectors.ts';
import { createRng } from '../../src/patterns/prng.ts';
import { stem } from '../../src/patterns/stemmer.ts';
import { TextModel } from '../../src/patterns/text-model.ts';

const corpus = [
  'how do i cancel my credit card',
  'please cancel the card i lost',
  'i want to freeze my bank account',
  'lock my account right now',
  'what is the weather like tomorrow',
  'will it rain tomorrow in paris',
  'is it going to be sunny today',
  'my card was stolen please block it',
];

test('the seeded generator repeats its sequence for the same seed', () => {
  const a = createRng(42);
  const b = createRng(42);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b.next()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, () => createRng(43).next()),
  );
});

test('the stemmer joins inflections of one word', () => {
  assert.equal(stem('cancelled'), stem('cancel'));
  assert.equal(stem('cancels'), stem('cancel'));
  assert.equal(stem('payments'), stem('payment'));
});

test('CSV reader handles quoted commas, doubled quotes and newlines in fields', () => {
  const rows = parseCsv('text,label\n"a, b",x\n"say ""hi""\nthere",y\r\nplain,z\n');
  assert.deepEqual(rows, [
    ['text', 'label'],
    ['a, b', 'x'],
    ['say "hi"\nthere', 'y'],
    ['plain', 'z'],
  ]);
  assert.deepEqual(parseLabelledCsv('label,text\nq,hello\n'), [{ text: 'hello', label: 'q' }]);
  assert.throws(() => parseLabelledCsv('foo,bar\n1,2\n'), /text/);
});

test('texts about the same need embed closer than texts about different needs', () => {
  const model = TextModel.fit(corpus, { lsaDims: 4, lexicalDims: 64 });
  const a = model.embed('cancel my card');
  const b = model.embed('i need to cancel a credit card');
  const c = model.embed('will it rain today');
  assert.ok(dot(a, b) > dot(a, c));
  assert.ok(Math.abs(dot(a, a) - 1) < 1e-5);
});

test('vectors round-trip through a Buffer exactly', () => {
  const model = TextModel.fit(corpus, { lsaDims: 4, lexicalDims: 32 });
  const v = model.embed('block my stolen card');
  const back = vectorFromBuffer(vectorToBuffer(v));
  assert.deepEqual(back, v);
  assert.equal(vectorToBuffer(v).byteLength, model.dims * 4);
});

test('a serialised model embeds identically after restoring', () => {
  const model = TextModel.fit(corpus, { lsaDims: 4, lexicalDims: 32 });
  model.addTexts(['a brand new complaint about invoices']);
  const restored = TextModel.deserialize(model.serialize());
  assert.equal(restored.version, model.version);
  assert.equal(restored.documents, model.documents);
  for (const t of ['cancel my card', 'rain tomorrow', 'invoices are wrong']) {
    assert.deepEqual(restored.embed(t), model.embed(t));
  }
});

test('adding texts is incremental and refit bumps the version', () => {
  const model = TextModel.fit(corpus, { lsaDims: 4, lexicalDims: 32 });
  const before = model.documents;
  model.addTexts(['one more', 'and another']);
  assert.equal(model.documents, before + 2);
  const v = model.version;
  model.refit([...corpus, 'one more', 'and another']);
  assert.equal(model.version, v + 1);
});

test('bad input embeds without crashing', () => {
  const model = TextModel.fit(corpus, { lsaDims: 4, lexicalDims: 32 });
  assert.ok(model.embed('').every((x) => x === 0));
  assert.ok(model.embed('🎉🔥👍').every((x) => x === 0));
  const jp = model.embed('カードを無効にしてください');
  assert.ok(jp.some((x) => x !== 0));
  const huge = model.embed('refund please '.repeat(8000));
  assert.equal(huge.length, model.dims);
  assert.ok(Number.isFinite(huge[0]));
  const single = TextModel.fit(['only one item']);
  assert.ok(Math.abs(dot(single.embed('only one item'), single.embed('only one item')) - 1) < 1e-5);
  const empty = TextModel.fit([]);
  assert.equal(empty.embed('hello').length, empty.dims);
});
