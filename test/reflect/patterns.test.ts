import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { addFeedback, addPattern, suggestionsFor, TOPICS } from './helpers.ts';

interface PatternBody {
  id: string;
  feedbackCount: number;
  contactCount: number;
  accountCount: number;
  arrAtStake: Array<{ currency: string; amount: number }>;
  weeklyTrend: Array<{ week: string; start: string; count: number }>;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  mergedIntoId: string | null;
}

const contact = (email: string, account: string, arr: number, currency = 'EUR') => ({
  email,
  account,
  arr,
  currency,
});

for (const target of databaseTargets()) {
  describe(`pattern derived fields, merge and split on ${target.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(async () => {
      await t.deps.reflect.settled();
      await t.close();
    });
    const get = async (id: string): Promise<PatternBody> =>
      (await t.call('viewer', 'GET', `/api/v1/patterns/${id}`)).json();

    test('count, contacts, accounts, ARR, trend and first/last seen follow links, unlinks and dismissals', async () => {
      const ids = await addFeedback(t, [
        {
          text: 'refund please',
          receivedAt: '2026-10-27T09:00:00.000Z',
          contact: contact('a@acme.test', 'Acme', 100_000),
        },
        {
          text: 'refund again',
          receivedAt: '2026-10-28T09:00:00.000Z',
          contact: contact('b@acme.test', 'Acme', 100_000),
        },
        {
          text: 'refund now',
          receivedAt: '2026-10-20T09:00:00.000Z',
          contact: contact('c@globex.test', 'Globex', 50_000),
        },
        {
          text: 'refund in dollars',
          receivedAt: '2026-09-01T09:00:00.000Z',
          contact: contact('d@initech.test', 'Initech', 7_000, 'USD'),
        },
      ]);
      const id = await addPattern(t, 'Refunds', ids);
      let p = await get(id);
      assert.equal(p.feedbackCount, 4);
      assert.equal(p.contactCount, 4);
      assert.equal(p.accountCount, 3);
      assert.deepEqual(p.arrAtStake, [
        { currency: 'EUR', amount: 150_000 },
        { currency: 'USD', amount: 7_000 },
      ]);
      assert.equal(p.firstSeenAt, '2026-09-01T09:00:00.000Z');
      assert.equal(p.lastSeenAt, '2026-10-28T09:00:00.000Z');
      assert.equal(p.weeklyTrend.length, 12);
      assert.deepEqual(p.weeklyTrend.at(-1), { week: '2026-W44', start: '2026-10-26', count: 2 });
      assert.equal(p.weeklyTrend.at(-2)?.count, 1);
      assert.equal(
        p.weeklyTrend.reduce((s, w) => s + w.count, 0),
        4,
      );

      await t.call('builder', 'PATCH', `/api/v1/feedback/${ids[2]}`, {
        status: 'dismissed',
        dismissReason: 'spam',
      });
      p = await get(id);
      assert.equal(p.feedbackCount, 3);
      assert.equal(p.accountCount, 2);
      assert.deepEqual(p.arrAtStake[0], { currency: 'EUR', amount: 100_000 });
      assert.equal(
        (await t.call('builder', 'DELETE', `/api/v1/patterns/${id}/feedback/${ids[3]}`)).statusCode,
        200,
      );
      p = await get(id);
      assert.equal(p.feedbackCount, 2);
      assert.deepEqual(p.arrAtStake, [{ currency: 'EUR', amount: 100_000 }]);
      assert.equal(p.firstSeenAt, '2026-10-27T09:00:00.000Z');
      const listed = (await t.call('viewer', 'GET', '/api/v1/patterns')).json();
      assert.equal(listed.items.find((x: PatternBody) => x.id === id).feedbackCount, 2);
    });

    test('merging moves links, comments and history to the survivor; the merged one redirects', async () => {
      const a = await addFeedback(t, [
        { text: TOPICS.passwords[0], contact: contact('e@acme.test', 'Acme', 100_000) },
        TOPICS.passwords[1],
      ]);
      const b = await addFeedback(t, [
        { text: TOPICS.passwords[2], contact: contact('f@umbrella.test', 'Umbrella', 30_000) },
        TOPICS.passwords[3],
      ]);
      const survivor = await addPattern(t, 'Password reset', a);
      const merged = await addPattern(t, 'Reset emails', [...b, a[0]]);
      await t.call('builder', 'POST', `/api/v1/patterns/${merged}/comments`, {
        body: 'same as the other one?',
      });
      const res = await t.call('builder', 'POST', `/api/v1/patterns/${merged}/merge`, { intoId: survivor });
      assert.equal(res.statusCode, 200, res.body);
      const s: PatternBody = res.json();
      assert.equal(s.id, survivor);
      assert.equal(s.feedbackCount, 4);
      assert.equal(s.accountCount, 2);
      assert.deepEqual(s.arrAtStake, [{ currency: 'EUR', amount: 130_000 }]);
      const gone = await get(merged);
      assert.equal(gone.mergedIntoId, survivor);
      assert.equal(gone.feedbackCount, 0);
      const comments = (await t.call('viewer', 'GET', `/api/v1/patterns/${survivor}/comments`)).json();
      assert.deepEqual(
        comments.items.map((c: { body: string }) => c.body),
        ['same as the other one?'],
      );
      const history = (
        await t.call('viewer', 'GET', `/api/v1/patterns/${survivor}/history?limit=200`)
      ).json();
      assert.ok(
        history.items.some(
          (e: { itemId: string; action: string }) => e.itemId === merged && e.action === 'create',
        ),
      );
      const list = (await t.call('viewer', 'GET', '/api/v1/patterns?limit=200')).json();
      assert.ok(!list.items.some((x: PatternBody) => x.id === merged));
      const link = await t.call('builder', 'POST', `/api/v1/patterns/${merged}/feedback`, {
        feedbackIds: [a[1]],
      });
      assert.equal(link.statusCode, 409);
      const again = await t.call('builder', 'POST', `/api/v1/patterns/${merged}/merge`, { intoId: survivor });
      assert.equal(again.statusCode, 409);
      const [probe] = await addFeedback(t, ['password reset email does not arrive']);
      const suggested = await suggestionsFor(t, probe);
      assert.equal(suggested.suggestions[0].patternId, survivor);
      assert.ok(!suggested.suggestions.some((x) => x.patternId === merged));
    });

    test('splitting moves the selected feedback to a new pattern, and only linked feedback may move', async () => {
      const ids = await addFeedback(t, [...TOPICS.exports.slice(0, 3), ...TOPICS.refunds.slice(0, 2)]);
      const id = await addPattern(t, 'Mixed bag', ids);
      const res = await t.call('builder', 'POST', `/api/v1/patterns/${id}/split`, {
        feedbackIds: ids.slice(3),
        title: 'Refund requests',
      });
      assert.equal(res.statusCode, 201, res.body);
      const { pattern, created } = res.json();
      assert.equal(pattern.feedbackCount, 3);
      assert.equal(created.feedbackCount, 2);
      assert.equal(created.title, 'Refund requests');
      const linkedOnly = await t.call('viewer', 'GET', `/api/v1/feedback?patternId=${created.id}`);
      assert.deepEqual(
        linkedOnly
          .json()
          .items.map((f: { id: string }) => f.id)
          .sort(),
        ids.slice(3).sort(),
      );
      const bad = await t.call('builder', 'POST', `/api/v1/patterns/${id}/split`, {
        feedbackIds: ids.slice(3),
        title: 'x',
      });
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.json().error.fields.feedbackIds);
    });
  });
}
