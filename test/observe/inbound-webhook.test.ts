import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { signInbound } from '../../src/integrations/inbound-webhook.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { allFeedback } from './helpers.ts';

const mapping = {
  text: 'data.message',
  externalId: 'data.id',
  email: 'data.user.email',
  account: 'data.user.company',
  product: 'data.product',
};

for (const target of databaseTargets()) {
  describe(`signed inbound webhooks on ${target.name}`, () => {
    let t: TestApp;
    let source: { id: string; secret: string; path: string };
    let productId: string;
    const send = (
      body: string,
      options: { secret?: string; timestamp?: number; signature?: string } = {},
    ): Promise<LightMyRequestResponse> => {
      const timestamp = options.timestamp ?? Math.floor(t.clock.current.getTime() / 1000);
      const signature = options.signature ?? signInbound(options.secret ?? source.secret, timestamp, body);
      return t.app.inject({
        method: 'POST',
        url: source.path,
        headers: {
          'content-type': 'application/json',
          'x-productos-timestamp': String(timestamp),
          'x-productos-signature': signature,
        },
        payload: body,
      });
    };
    before(async () => {
      t = await startTestApp(target);
      productId = (
        await t.call('builder', 'POST', '/api/v1/products', {
          name: 'Helpdesk',
          slug: 'helpdesk',
          problem: 'answer customers',
        })
      ).json().id;
      const created = await t.call('admin', 'POST', '/api/v1/inbound-sources', {
        name: 'Zendesk',
        mapping,
        productId,
      });
      assert.equal(created.statusCode, 201);
      source = created.json();
    });
    after(() => t.close());

    test('only admins manage sources, and the generated secret is shown once and never listed', async () => {
      assert.ok(source.secret.length >= 32);
      assert.equal(source.path, `/api/v1/webhooks/inbound/${source.id}`);
      assert.equal(
        (await t.call('builder', 'POST', '/api/v1/inbound-sources', { name: 'x', mapping })).statusCode,
        403,
      );
      assert.equal((await t.call('builder', 'GET', '/api/v1/inbound-sources')).statusCode, 403);
      const listed = await t.call('admin', 'GET', '/api/v1/inbound-sources');
      assert.equal(listed.statusCode, 200);
      assert.equal(listed.json().items.length, 1);
      assert.equal(listed.json().items[0].secret, undefined);
      assert.ok(!listed.body.includes(source.secret));
      const given = await t.call('admin', 'POST', '/api/v1/inbound-sources', {
        name: 'Intercom',
        mapping,
        secret: 'my-own-secret-of-24-chars',
      });
      assert.equal(given.json().secret, 'my-own-secret-of-24-chars');
      const badMapping = await t.call('admin', 'POST', '/api/v1/inbound-sources', {
        name: 'Bad',
        mapping: { text: 'not a path!' },
      });
      assert.equal(badMapping.statusCode, 400);
      assert.equal(
        (await t.call('admin', 'DELETE', `/api/v1/inbound-sources/${given.json().id}`)).statusCode,
        204,
      );
      assert.equal(
        (await t.call('admin', 'DELETE', `/api/v1/inbound-sources/${given.json().id}`)).statusCode,
        404,
      );
    });

    test('a correctly signed delivery becomes feedback, once, with its account', async () => {
      const body = JSON.stringify({
        data: { id: 'tkt-1', message: 'Exports time out', user: { email: 'Kim@Acme.test', company: 'Acme' } },
      });
      const res = await send(body);
      assert.equal(res.statusCode, 201);
      assert.equal(res.json().outcome, 'created');
      const again = await send(body);
      assert.deepEqual(again.json(), { outcome: 'existing', feedbackId: res.json().feedbackId });
      const item = (await t.call('viewer', 'GET', `/api/v1/feedback/${res.json().feedbackId}`)).json();
      assert.equal(item.text, 'Exports time out');
      assert.deepEqual(item.source, { channel: 'webhook', externalId: 'tkt-1', url: null });
      assert.equal(item.productId, productId);
      assert.equal(item.account.name, 'Acme');
    });

    test('a tampered body, a wrong secret or a missing signature is 401 and stores nothing', async () => {
      const body = JSON.stringify({ data: { id: 'tkt-2', message: 'Tampered' } });
      const signature = signInbound(source.secret, Math.floor(t.clock.current.getTime() / 1000), body);
      const tampered = await send(body.replace('Tampered', 'Tempered'), { signature });
      assert.equal(tampered.statusCode, 401);
      assert.equal(tampered.json().error.details.reason, 'bad_signature');
      assert.equal((await send(body, { secret: 'somebody else' })).statusCode, 401);
      const missing = await t.app.inject({
        method: 'POST',
        url: source.path,
        headers: { 'content-type': 'application/json' },
        payload: body,
      });
      assert.equal(missing.statusCode, 401);
      assert.equal(missing.json().error.details.reason, 'missing_signature');
      assert.equal((await allFeedback(t)).filter((f) => f.source.externalId === 'tkt-2').length, 0);
    });

    test('a delivery signed more than five minutes ago is refused as a replay', async () => {
      const body = JSON.stringify({ data: { id: 'tkt-3', message: 'Old news' } });
      const stale = await send(body, { timestamp: Math.floor(t.clock.current.getTime() / 1000) - 301 });
      assert.equal(stale.statusCode, 401);
      assert.equal(stale.json().error.details.reason, 'stale_timestamp');
      assert.match(stale.json().error.message, /replays are refused/);
      assert.equal(
        (await send(body, { timestamp: Math.floor(t.clock.current.getTime() / 1000) - 299 })).statusCode,
        201,
      );
    });

    test('a payload the mapping cannot read, or naming an unknown product, is 400', async () => {
      const noText = await send(JSON.stringify({ data: { id: 'tkt-4' } }));
      assert.equal(noText.statusCode, 400);
      assert.match(noText.json().error.message, /text: path "data.message" not found/);
      const unknownProduct = await send(
        JSON.stringify({ data: { id: 'tkt-5', message: 'hi', product: 'nope' } }),
      );
      assert.equal(unknownProduct.statusCode, 400);
      assert.match(unknownProduct.json().error.message, /no product .* "nope"/);
      assert.equal((await send('{"data": ')).statusCode, 400);
    });

    test('an unknown source is 404', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/inbound/01hzzzzzzzzzzzzzzzzzzzzzzz',
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'not_found');
    });
  });
}
