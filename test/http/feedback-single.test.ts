import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';

for (const target of databaseTargets()) {
  describe(`one feedback item per request on ${target.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(() => t.close());

    test('is stored once with its history event, and a repeat of its source id answers the same item', async () => {
      const item = {
        text: 'Exports time out on large projects',
        source: { channel: 'api', externalId: 'one-1' },
      };
      const first = await t.call('builder', 'POST', '/api/v1/feedback', item);
      assert.equal(first.statusCode, 201);
      const stored = first.json();
      assert.equal(stored.text, item.text);
      assert.deepEqual(stored.source, { channel: 'api', externalId: 'one-1', url: null });
      const again = await t.call('builder', 'POST', '/api/v1/feedback', { ...item, text: 'changed' });
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().id, stored.id);
      assert.equal(again.json().text, item.text);
      const other = await t.call('builder', 'POST', '/api/v1/feedback', {
        ...item,
        source: { channel: 'email', externalId: 'one-1' },
      });
      assert.equal(other.statusCode, 201, 'the same id on another channel is another item');
      const history = (await t.call('viewer', 'GET', `/api/v1/feedback/${stored.id}/history`)).json().items;
      assert.equal(history.length, 1);
      assert.equal(history[0].action, 'create');
      assert.equal(history[0].actorId, t.users.builder.id);
      assert.deepEqual(history[0].changes.text, { before: null, after: item.text });
      assert.deepEqual(history[0].changes.source, {
        before: null,
        after: { channel: 'api', externalId: 'one-1', url: null },
      });
      assert.equal(history[0].changes.productId, undefined, 'empty fields are not history');
    });

    test('without a source id is stored every time', async () => {
      const item = { text: 'No source id here' };
      const a = await t.call('builder', 'POST', '/api/v1/feedback', item);
      const b = await t.call('builder', 'POST', '/api/v1/feedback', item);
      assert.equal(a.statusCode, 201);
      assert.equal(b.statusCode, 201);
      assert.notEqual(a.json().id, b.json().id);
    });

    test('is refused to viewers', async () => {
      const res = await t.call('viewer', 'POST', '/api/v1/feedback', { text: 'Viewers only read' });
      assert.equal(res.statusCode, 403);
    });
  });
}
