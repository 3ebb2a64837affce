import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '../../src/domain/ids.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { addFeedback, addPattern, suggestionsFor, TOPICS } from './helpers.ts';

for (const target of databaseTargets()) {
  describe(`feedback suggestions on ${target.name}`, () => {
    let t: TestApp;
    const patterns: Record<string, string> = {};
    before(async () => {
      t = await startTestApp(target);
      for (const [topic, texts] of Object.entries(TOPICS)) {
        const ids = await addFeedback(t, texts.slice(0, 4));
        patterns[topic] = await addPattern(t, `${topic} pattern`, ids);
      }
    });
    after(async () => {
      await t.deps.reflect.settled();
      await t.close();
    });

    test('a new item is suggested the pattern whose linked feedback says the same thing, with matched words', async () => {
      const [id] = await addFeedback(t, ['the password reset email never arrived, I cannot log in']);
      const body = await suggestionsFor(t, id);
      assert.equal(body.suggestions[0].patternId, patterns.passwords);
      assert.equal(body.suggestions[0].title, 'passwords pattern');
      const matched = body.suggestions[0].matchedTerms;
      assert.ok(matched.includes('email') && matched.includes('never'), matched.join());
      assert.equal(body.suggestions.length, 3);
      assert.equal(body.noneFits, false);
      assert.equal(body.representation, 'builtin');
    });

    test('suggestions learn from links: linking similar items raises the pattern for the next one', async () => {
      const probe = 'my two-factor authenticator code is rejected at sign in';
      const [first] = await addFeedback(t, [probe]);
      const before = (await suggestionsFor(t, first)).suggestions.find(
        (s) => s.patternId === patterns.passwords,
      );
      const linked = await addFeedback(t, [
        'two-factor authenticator code rejected when I sign in',
        'authenticator two-factor code not accepted at sign in',
      ]);
      const res = await t.call('builder', 'POST', `/api/v1/patterns/${patterns.passwords}/feedback`, {
        feedbackIds: linked,
      });
      assert.equal(res.json().added, 2);
      const [second] = await addFeedback(t, [probe]);
      const after = await suggestionsFor(t, second);
      assert.equal(after.suggestions[0].patternId, patterns.passwords);
      assert.ok(
        after.suggestions[0].score > (before?.score ?? 0),
        `${after.suggestions[0].score} > ${before?.score}`,
      );
    });

    test('an item unlike every pattern answers that none fits', async () => {
      const [id] = await addFeedback(t, ['zebras and giraffes at the safari park were lovely']);
      const body = await suggestionsFor(t, id);
      assert.equal(body.noneFits, true);
    });

    test('patterns the item is already linked to are not suggested again', async () => {
      const [id] = await addFeedback(t, [TOPICS.exports[4]]);
      await t.call('builder', 'POST', `/api/v1/patterns/${patterns.exports}/feedback`, { feedbackIds: [id] });
      const body = await suggestionsFor(t, id);
      assert.ok(!body.suggestions.some((s) => s.patternId === patterns.exports));
    });

    test('emoji-only, non-English and 100 KB texts get an answer, not an error', async () => {
      const ids = await addFeedback(t, [
        '🙂🙂🙂',
        'Der Export nach CSV funktioniert nicht',
        '导出功能不工作',
      ]);
      const huge = newId();
      await t.store.db
        .insertInto('feedback')
        .values({
          id: huge,
          text: 'refund invoice charge '.repeat(5000),
          product_id: null,
          surface: null,
          channel: 'api',
          external_id: null,
          source_url: null,
          contact_id: null,
          received_at: t.clock.now().toISOString(),
          status: 'new',
          dismiss_reason: null,
          text_key: huge,
          duplicate_of_id: null,
          created_at: t.clock.now().toISOString(),
          updated_at: t.clock.now().toISOString(),
          moderation: null,
        })
        .execute();
      for (const id of [...ids, huge]) await suggestionsFor(t, id);
      assert.equal((await suggestionsFor(t, huge)).suggestions[0].patternId, patterns.refunds);
    });

    test('an unknown item answers 404 and viewers may read suggestions', async () => {
      const res = await t.call('viewer', 'GET', `/api/v1/feedback/${newId()}/suggestions`);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'not_found');
    });
  });
}
