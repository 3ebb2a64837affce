import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { allFeedback } from './helpers.ts';

for (const target of databaseTargets()) {
  describe(`the public portal and the triage inbox on ${target.name}`, () => {
    let t: TestApp;
    let product: { id: string; slug: string; portalEnabled: boolean };
    let ipCounter = 0;
    /** Each call from its own address unless one is given, so rate limiting stays out of the way. */
    const submit = (body: Record<string, unknown>, ip = `10.0.0.${++ipCounter}`) =>
      t.app.inject({ method: 'POST', url: '/api/v1/portal/feedback', remoteAddress: ip, payload: body });
    before(async () => {
      t = await startTestApp(target);
      product = (
        await t.call('builder', 'POST', '/api/v1/products', {
          name: 'Etcher',
          slug: 'etcher',
          problem: 'flash images',
        })
      ).json();
    });
    after(() => t.close());

    test('the portal is off by default and then answers 404', async () => {
      assert.equal(product.portalEnabled, false);
      const res = await submit({ productSlug: 'etcher', text: 'Please add a dark theme' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'not_found');
      assert.equal((await submit({ productSlug: 'no-such-product', text: 'hi' })).statusCode, 404);
      assert.equal((await allFeedback(t, 'moderation=pending')).length, 0);
    });

    test('with the portal on, feedback waits as pending and stays out of the inbox until approved', async () => {
      const on = await t.call('builder', 'PATCH', `/api/v1/products/${product.id}`, { portalEnabled: true });
      assert.equal(on.json().portalEnabled, true);
      const res = await submit({
        productId: product.id,
        text: 'Verification is slow on USB 2',
        email: 'end.user@example.org',
        name: 'End User',
        website: '',
      });
      assert.equal(res.statusCode, 202);
      assert.deepEqual(res.json(), { accepted: true });
      const pending = await allFeedback(t, 'moderation=pending');
      assert.equal(pending.length, 1);
      assert.equal(pending[0].source.channel, 'portal');
      assert.equal(pending[0].productId, product.id);
      assert.deepEqual(await allFeedback(t, 'status=new'), []);

      const approved = await t.call('builder', 'POST', `/api/v1/feedback/${pending[0].id}/moderation`, {
        decision: 'approve',
      });
      assert.equal(approved.statusCode, 200);
      assert.equal(approved.json().moderation, 'approved');
      const inbox = await allFeedback(t, 'status=new');
      assert.deepEqual(
        inbox.map((f) => f.id),
        [pending[0].id],
      );
    });

    test('a rejected item is dismissed as spam and stays out of the inbox; viewers cannot moderate', async () => {
      await submit({ productSlug: 'etcher', text: 'Buy cheap watches' });
      const [item] = await allFeedback(t, 'moderation=pending');
      assert.equal(
        (await t.call('viewer', 'POST', `/api/v1/feedback/${item.id}/moderation`, { decision: 'reject' }))
          .statusCode,
        403,
      );
      const rejected = (
        await t.call('builder', 'POST', `/api/v1/feedback/${item.id}/moderation`, { decision: 'reject' })
      ).json();
      assert.deepEqual(
        [rejected.moderation, rejected.status, rejected.dismissReason],
        ['rejected', 'dismissed', 'spam'],
      );
      assert.ok(!(await allFeedback(t)).some((f) => f.id === item.id));
      const normal = (
        await t.call('builder', 'POST', '/api/v1/feedback', { text: 'not from the portal' })
      ).json();
      const notModerated = await t.call('builder', 'POST', `/api/v1/feedback/${normal.id}/moderation`, {
        decision: 'approve',
      });
      assert.equal(notModerated.statusCode, 409);
    });

    test('a filled honeypot gets the same answer and nothing is stored', async () => {
      const before = (await allFeedback(t, 'moderation=pending')).length;
      const res = await submit({
        productSlug: 'etcher',
        text: 'Great site, visit mine',
        website: 'http://spam.example',
      });
      assert.equal(res.statusCode, 202);
      assert.deepEqual(res.json(), { accepted: true });
      assert.equal((await allFeedback(t, 'moderation=pending')).length, before);
    });

    test('more than ten submissions a minute from one address are refused with 429', async () => {
      const ip = '192.0.2.77';
      for (let i = 0; i < 10; i++)
        assert.equal((await submit({ productSlug: 'etcher', text: `burst ${i}` }, ip)).statusCode, 202);
      const limited = await submit({ productSlug: 'etcher', text: 'one too many' }, ip);
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().error.code, 'rate_limited');
      assert.ok(Number(limited.headers['retry-after']) <= 60);
      assert.equal((await submit({ productSlug: 'etcher', text: 'another address' })).statusCode, 202);
      t.clock.advance(60_000);
      assert.equal((await submit({ productSlug: 'etcher', text: 'next minute' }, ip)).statusCode, 202);
    });

    test('the changelog of a product with its portal on is public; others need sign-in and reveal nothing', async () => {
      const other = (
        await t.call('builder', 'POST', '/api/v1/products', { name: 'Internal tool', problem: 'x' })
      ).json();
      const closed = await t.app.inject({
        method: 'GET',
        url: `/api/v1/products/${other.id}/changelog.atom`,
      });
      assert.equal(closed.statusCode, 401);
      const missing = await t.app.inject({
        method: 'GET',
        url: '/api/v1/products/no-such-product/changelog.atom',
      });
      assert.equal(missing.statusCode, 401, 'signed out, an unknown product looks like a closed one');
      const open = await t.app.inject({ method: 'GET', url: '/api/v1/products/etcher/changelog.atom' });
      assert.equal(open.statusCode, 200);
      assert.match(open.body, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    });

    test('a product site on another origin may post: CORS preflight and response headers allow it', async () => {
      const preflight = await t.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/portal/feedback',
        headers: { origin: 'https://etcher.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.statusCode, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], '*');
      assert.match(String(preflight.headers['access-control-allow-headers']), /content-type/);
      const posted = await submit({ productSlug: 'etcher', text: 'from the product site' }, '192.0.2.90');
      assert.equal(posted.headers['access-control-allow-origin'], '*');
    });

    test('a signed-in user is the contact of what they send', async () => {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/portal/feedback',
        remoteAddress: '10.9.9.9',
        headers: { authorization: `Bearer ${t.users.viewer.token}` },
        payload: { productSlug: 'etcher', text: 'Signed-in request' },
      });
      const item = (await allFeedback(t, 'moderation=pending')).find((f) => f.text === 'Signed-in request');
      assert.ok(item);
      const full = (await t.call('viewer', 'GET', `/api/v1/feedback/${item.id}`)).json();
      const contact = (await t.call('viewer', 'GET', `/api/v1/contacts/${full.contactId}`)).json();
      assert.equal(contact.email, t.users.viewer.email);
    });

    test('inbox items carry the account name, ARR and segment of whoever said them', async () => {
      await t.call('builder', 'POST', '/api/v1/accounts', {
        name: 'Acme Robotics',
        arr: 12_000_000,
        currency: 'USD',
        segment: 'enterprise',
      });
      await t.call('builder', 'POST', '/api/v1/feedback', {
        items: [
          {
            text: 'Flashing fails at 99% on macOS',
            contact: { email: 'ana@acme.test', account: 'Acme Robotics' },
          },
          { text: 'Anonymous remark' },
        ],
      });
      const inbox = await allFeedback(t, 'status=new');
      const withAccount = inbox.find((f) => f.text === 'Flashing fails at 99% on macOS');
      assert.deepEqual(withAccount?.account && { ...withAccount.account, id: 'x' }, {
        id: 'x',
        name: 'Acme Robotics',
        arr: 12_000_000,
        currency: 'USD',
        arrBase: 12_000_000,
        baseCurrency: 'USD',
        segment: 'enterprise',
      });
      assert.equal(inbox.find((f) => f.text === 'Anonymous remark')?.account, null);
    });
  });
}
