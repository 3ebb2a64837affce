import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { addFeedback, addPattern, TOPICS } from './helpers.ts';

interface Reasons {
  suggestions: Array<{
    patternId: string;
    score: number;
    matchedTerms: string[];
    quotes: Array<{ feedbackId: string; text: string; similarity: number }>;
  }>;
}

for (const target of databaseTargets()) {
  describe(`suggestion reasons on ${target.name}`, () => {
    let t: TestApp;
    const patterns: Record<string, string> = {};
    const linked: Record<string, string[]> = {};
    before(async () => {
      t = await startTestApp(target);
      // Load the engine first, so it follows the commits below as a server's does.
      await t.deps.reflect.engine();
      for (const [topic, texts] of Object.entries(TOPICS)) {
        linked[topic] = await addFeedback(t, texts.slice(0, 4));
        patterns[topic] = await addPattern(t, `${topic} pattern`, linked[topic]);
      }
    });
    after(async () => {
      await t.deps.reflect.settled();
      await t.close();
    });

    test('each suggestion carries its score, matched words and the nearest linked quotes', async () => {
      const [id] = await addFeedback(t, ['the password reset email never arrived, I cannot log in']);
      const body = (await t.call('viewer', 'GET', `/api/v1/feedback/${id}/suggestions`)).json() as Reasons;
      const top = body.suggestions[0];
      assert.equal(top.patternId, patterns.passwords);
      assert.ok(top.score > 0 && top.matchedTerms.includes('email'), top.matchedTerms.join());
      assert.ok(top.quotes.length > 0 && top.quotes.length <= 3);
      for (const q of top.quotes) {
        assert.ok(linked.passwords.includes(q.feedbackId), 'quotes come from the pattern’s own links');
        assert.ok((TOPICS.passwords as readonly string[]).includes(q.text));
      }
      const sims = top.quotes.map((q) => q.similarity);
      assert.deepEqual(
        sims,
        [...sims].sort((a, b) => b - a),
        'nearest first',
      );
      // The nearest quote is the linked text closest in words: it shares "reset email never".
      assert.match(top.quotes[0].text, /reset email never|reset email does not/);
    });

    test('the engine flags new items it has a confident suggestion for, and the inbox filters on it', async () => {
      const [clear, unrelated] = await addFeedback(t, [
        'please refund the duplicate charge on my invoice',
        'zebra quantum marmalade',
      ]);
      await t.deps.reflect.settled();
      const flagged = (
        await t.call('viewer', 'GET', '/api/v1/feedback?status=new&hasSuggestion=true')
      ).json();
      const ids = flagged.items.map((i: { id: string }) => i.id);
      assert.ok(ids.includes(clear));
      assert.ok(!ids.includes(unrelated));
      const unflagged = (
        await t.call('viewer', 'GET', '/api/v1/feedback?status=new&hasSuggestion=false')
      ).json();
      assert.ok(unflagged.items.some((i: { id: string }) => i.id === unrelated));
    });
  });
}
