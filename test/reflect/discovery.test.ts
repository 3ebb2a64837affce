import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { addFeedback, TOPICS } from './helpers.ts';

interface ProposalBody {
  label: string;
  topTerms: string[];
  representatives: Array<{ feedbackId: string; text: string }>;
  size: number;
  feedbackIds: string[];
  distinctAccounts: number;
  arrAtStake: Array<{ currency: string; amount: number }>;
}

for (const target of databaseTargets()) {
  describe(`discovery and near-duplicates on ${target.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(async () => {
      await t.deps.reflect.settled();
      await t.close();
    });

    test('a corpus of one item proposes one group and an empty inbox proposes none', async () => {
      const empty = await t.call('viewer', 'POST', '/api/v1/patterns/discover', {});
      assert.equal(empty.statusCode, 200, empty.body);
      assert.deepEqual(empty.json().proposals, []);
      const [only] = await addFeedback(t, ['🙂']);
      const one = (await t.call('viewer', 'POST', '/api/v1/patterns/discover', { k: 5 })).json();
      assert.equal(one.proposals.length, 1);
      assert.deepEqual(one.proposals[0].feedbackIds, [only]);
      await t.call('builder', 'PATCH', `/api/v1/feedback/${only}`, {
        status: 'dismissed',
        dismissReason: 'spam',
      });
    });

    test('discovery groups the unlinked inbox by need, and accepting a proposal creates the pattern', async () => {
      const acme = { email: 'x@acme.test', account: 'Acme', arr: 120_000, currency: 'EUR' };
      const ids: Record<string, string[]> = {};
      for (const [topic, texts] of Object.entries(TOPICS)) {
        ids[topic] = await addFeedback(
          t,
          texts.map((text, i) => (i === 0 && topic === 'refunds' ? { text, contact: acme } : text)),
        );
      }
      const [pending] = await addFeedback(t, ['refund my invoice please']);
      await t.store.db
        .updateTable('feedback')
        .set({ moderation: 'pending' })
        .where('id', '=', pending)
        .execute();
      const res = await t.call('viewer', 'POST', '/api/v1/patterns/discover', { k: 3, seed: 7 });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.items, 15);
      const proposals: ProposalBody[] = body.proposals;
      assert.equal(proposals.length, 3);
      for (const [topic, topicIds] of Object.entries(ids)) {
        const match = proposals.find((p) => p.feedbackIds.includes(topicIds[0]));
        assert.ok(match, topic);
        assert.deepEqual([...match.feedbackIds].sort(), [...topicIds].sort(), `${topic}: ${match.label}`);
        assert.equal(match.size, 5);
        assert.equal(match.representatives.length, 3);
        assert.ok(match.topTerms.length > 0);
      }
      const refunds = proposals.find((p) => p.feedbackIds.includes(ids.refunds[0]))!;
      assert.equal(refunds.distinctAccounts, 1);
      assert.deepEqual(refunds.arrAtStake, [{ currency: 'EUR', amount: 120_000 }]);

      const accepted = await t.call('builder', 'POST', '/api/v1/patterns', {
        title: refunds.label,
        feedbackIds: refunds.feedbackIds,
      });
      assert.equal(accepted.statusCode, 201);
      assert.equal(accepted.json().feedbackCount, 5);
      const again = (await t.call('viewer', 'POST', '/api/v1/patterns/discover', { k: 2 })).json();
      assert.equal(again.items, 10);
      assert.ok(!again.proposals.some((p: ProposalBody) => p.feedbackIds.includes(ids.refunds[0])));
    });

    test('near-duplicates of one complaint are grouped, distinct complaints are not', async () => {
      const ids = await addFeedback(t, [
        'The app crashes when I open the settings page on Android',
        'the app crashes when I open the settings page on android!!',
        'App crashes when I open the settings page on Android.',
        'dark mode would be great for night use',
      ]);
      const res = await t.call('viewer', 'GET', '/api/v1/feedback/duplicates');
      assert.equal(res.statusCode, 200, res.body);
      const group = res.json().groups.find((g: { feedbackIds: string[] }) => g.feedbackIds.includes(ids[0]));
      assert.ok(group);
      assert.deepEqual([...group.feedbackIds].sort(), ids.slice(0, 3).sort());
      assert.equal(group.items.length, 3);
    });
  });
}
