import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { note, readyToShip, startReceiver, startSmtpServer } from './helpers.ts';

interface OutboxRow {
  id: string;
  kind: string;
  recipient: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

const emails = async (t: TestApp): Promise<OutboxRow[]> =>
  (await t.call('builder', 'GET', '/api/v1/outbox?kind=email')).json().items;

for (const target of databaseTargets()) {
  describe(`the outbox: email and webhooks (${target.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(async () => {
      t.deps.loop.close();
      await t.close();
    });

    test('without SMTP_URL mail waits; a dead server is retried with backoff; nothing is lost', async () => {
      const { productId, improvementId } = await readyToShip(t, 'dead-smtp');
      assert.equal(
        (
          await t.call('builder', 'POST', '/api/v1/deploys', {
            productId,
            version: '1.0',
            improvementIds: [improvementId],
          })
        ).statusCode,
        201,
      );
      const unset = await t.deps.loop.deliverDue(t.clock.now());
      assert.equal(unset.waiting, 2);
      assert.deepEqual(
        (await emails(t)).map((m) => [m.status, m.attempts]),
        [
          ['pending', 0],
          ['pending', 0],
        ],
      );

      const dead = await startSmtpServer();
      await dead.close();
      t.deps.loop.settings.smtpUrl = dead.url;
      const firstTry = await t.deps.loop.deliverDue(t.clock.now());
      assert.equal(firstTry.failed, 2);
      let rows = await emails(t);
      assert.ok(rows.every((m) => m.status === 'pending' && m.attempts === 1 && m.lastError));
      assert.equal(
        Date.parse(rows[0].nextAttemptAt as string) - t.clock.now().getTime(),
        30_000,
        'first retry after 30 s',
      );
      note(`dead SMTP: attempt 1 failed with "${rows[0].lastError}", next attempt ${rows[0].nextAttemptAt}`);
      assert.equal((await t.deps.loop.deliverDue(t.clock.now())).attempted, 0, 'not due yet');
      t.clock.advance(30_000);
      await t.deps.loop.deliverDue(t.clock.now());
      rows = await emails(t);
      assert.ok(rows.every((m) => m.attempts === 2));
      assert.equal(
        Date.parse(rows[0].nextAttemptAt as string) - t.clock.now().getTime(),
        60_000,
        'then after 1 min',
      );

      const live = await startSmtpServer();
      t.deps.loop.settings.smtpUrl = live.url;
      t.clock.advance(60_000);
      await t.deps.loop.deliverDue(t.clock.now());
      await live.close();
      assert.equal(live.mails.length, 2);
      assert.ok((await emails(t)).every((m) => m.status === 'sent' && m.attempts === 3));
      assert.equal(
        (await t.call('viewer', 'GET', '/api/v1/outbox')).statusCode,
        403,
        'viewers do not see customers’ addresses',
      );
    });

    test('an unsubscribe link is honoured: no more messages to that contact', async () => {
      const smtp = await startSmtpServer();
      t.deps.loop.settings.smtpUrl = smtp.url;
      const { productId, patternId, improvementId } = await readyToShip(t, 'unsub');
      await t.call('builder', 'POST', '/api/v1/deploys', {
        productId,
        version: '1.0',
        improvementIds: [improvementId],
      });
      await t.deps.loop.deliverDue(t.clock.now());
      const ana = smtp.mails.find((m) => m.to.includes('ana.unsub'));
      assert.ok(ana);
      const link = /\/api\/v1\/unsubscribe\?token=([\w-]+)/.exec(ana.text);
      assert.ok(link);
      assert.match(JSON.stringify(ana.headers.get('list')), /unsubscribe\?token=/, 'List-Unsubscribe header');
      const page = await t.call(null, 'GET', `/api/v1/unsubscribe?token=${link[1]}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /unsubscribed/);
      assert.equal((await t.call(null, 'GET', '/api/v1/unsubscribe?token=nope')).statusCode, 404);

      const second = (
        await t.call('builder', 'POST', '/api/v1/improvements', {
          title: 'Second fix',
          productId,
          patternIds: [patternId],
        })
      ).json().id;
      await t.call('builder', 'PATCH', `/api/v1/improvements/${second}`, { status: 'designing' });
      const optionId = (
        await t.call('builder', 'POST', `/api/v1/improvements/${second}/options`, { title: 'x' })
      ).json().id;
      await t.call('builder', 'POST', `/api/v1/improvements/${second}/decision`, {
        optionId,
        rationale: 'y',
      });
      const before = smtp.mails.length;
      await t.call('builder', 'POST', '/api/v1/deploys', {
        productId,
        version: '1.1',
        improvementIds: [second],
      });
      await t.deps.loop.deliverDue(t.clock.now());
      await smtp.close();
      assert.deepEqual(
        smtp.mails.slice(before).map((m) => m.to),
        ['bo.unsub@customer.test'],
      );
    });

    test('a failing or slow receiver never blocks the request; attempts and errors are in the delivery log', async (ctx) => {
      // 1 s: long enough that the failing receiver's quick 500 is never taken for a timeout on a loaded
      // machine, short of the slow receiver's 3 s.
      t.deps.loop.settings.webhookTimeoutMs = 1_000;
      const failing = await startReceiver(() => ({ status: 500 }));
      const slow = await startReceiver(() => ({ status: 200, delayMs: 3_000 }));
      ctx.after(async () => {
        await failing.close();
        await slow.close();
      });
      assert.equal(
        (await t.call('builder', 'POST', '/api/v1/webhooks/outbound', { url: failing.url, events: ['*'] }))
          .statusCode,
        403,
      );
      const bad = await t.call('admin', 'POST', '/api/v1/webhooks/outbound', {
        url: failing.url,
        events: ['not an event'],
      });
      assert.equal(bad.statusCode, 400);
      const h1 = (
        await t.call('admin', 'POST', '/api/v1/webhooks/outbound', { url: failing.url, events: ['deploy.*'] })
      ).json();
      const h2 = (
        await t.call('admin', 'POST', '/api/v1/webhooks/outbound', {
          url: slow.url,
          events: ['deploy.create'],
        })
      ).json();

      const { productId, improvementId } = await readyToShip(t, 'hooks');
      const started = performance.now();
      assert.equal(
        (
          await t.call('builder', 'POST', '/api/v1/deploys', {
            productId,
            version: '9.9',
            improvementIds: [improvementId],
          })
        ).statusCode,
        201,
      );
      assert.ok(performance.now() - started < 1_000, 'the deploy did not wait for any receiver');
      await t.deps.loop.deliverDue(t.clock.now());
      t.clock.advance(30_000);
      await t.deps.loop.deliverDue(t.clock.now());
      const log1 = (await t.call('admin', 'GET', `/api/v1/webhooks/outbound/${h1.id}/deliveries`)).json()
        .items;
      const log2 = (await t.call('admin', 'GET', `/api/v1/webhooks/outbound/${h2.id}/deliveries`)).json()
        .items;
      assert.equal(log1[0].attempts, 2);
      assert.deepEqual(
        log1[0].attemptLog.map((a: { statusCode: number }) => a.statusCode),
        [500, 500],
      );
      assert.match(log2[0].lastError, /timed out after 1000 ms/);
      assert.equal(log2[0].status, 'pending');
      assert.equal(failing.hooks.length, 2);
      note(
        `failing receiver: ${log1[0].attempts} attempts (${log1[0].lastError}); slow receiver: ${log2[0].lastError}`,
      );
      assert.equal((await t.call('admin', 'DELETE', `/api/v1/webhooks/outbound/${h1.id}`)).statusCode, 204);
      assert.equal((await t.call('admin', 'DELETE', `/api/v1/webhooks/outbound/${h2.id}`)).statusCode, 204);
    });

    test('the changelog is JSON and a valid, escaped Atom feed', async () => {
      const { productId, improvementId } = await readyToShip(t, 'feed');
      await t.call('builder', 'POST', '/api/v1/deploys', {
        productId,
        version: '3.0 <beta> & "more"',
        improvementIds: [improvementId],
        notes: 'Fixes <b>flash</b> & more',
      });
      const json = (await t.call('viewer', 'GET', `/api/v1/products/${productId}/changelog`)).json();
      assert.equal(json.items[0].version, '3.0 <beta> & "more"');
      assert.deepEqual(
        json.items[0].improvements.map((i: { title: string }) => i.title),
        ['Retry <writes> & verify'],
      );
      for (const url of [
        `/api/v1/products/${productId}/changelog.atom`,
        `/api/v1/products/feed/changelog?format=atom`,
      ]) {
        const atom = await t.call('viewer', 'GET', url);
        assert.equal(atom.statusCode, 200);
        assert.match(String(atom.headers['content-type']), /application\/atom\+xml/);
        assert.match(
          atom.body,
          /^<\?xml version="1\.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/,
        );
        assert.match(
          atom.body,
          /<title>Etcher &lt;feed&gt; &amp; co 3\.0 &lt;beta&gt; &amp; &quot;more&quot;<\/title>/,
        );
        assert.match(atom.body, /• Retry &lt;writes&gt; &amp; verify/);
        assert.doesNotMatch(
          atom.body.replace(/<\/?[a-z]+[^<>]*>|<\?xml[^>]*\?>/g, ''),
          /[<>]|&(?!(lt|gt|amp|quot|apos);)/,
          'no raw markup in text',
        );
      }
      assert.equal((await t.call('viewer', 'GET', '/api/v1/products/nope/changelog')).statusCode, 404);
    });

    test('bad input: unknown products and improvements, unready improvements, roles', async () => {
      const { productId, improvementId } = await readyToShip(t, 'bad');
      const unknownProduct = await t.call('builder', 'POST', '/api/v1/deploys', {
        productId: '01jzzzzzzzzzzzzzzzzzzzzzzz',
        version: '1',
      });
      assert.ok([400, 404].includes(unknownProduct.statusCode), unknownProduct.body);
      const unknownImprovement = await t.call('builder', 'POST', '/api/v1/deploys', {
        productId,
        version: '1',
        improvementIds: ['01jzzzzzzzzzzzzzzzzzzzzzzz'],
      });
      assert.equal(unknownImprovement.statusCode, 400);
      assert.ok(unknownImprovement.json().error.fields.improvementIds);
      const proposed = (
        await t.call('builder', 'POST', '/api/v1/improvements', { title: 'Not decided', productId })
      ).json().id;
      const notReady = await t.call('builder', 'POST', '/api/v1/deploys', {
        productId,
        version: '1',
        improvementIds: [proposed],
      });
      assert.equal(notReady.statusCode, 409);
      assert.equal(
        (await t.call('viewer', 'POST', `/api/v1/improvements/${improvementId}/options`, { title: 'x' }))
          .statusCode,
        403,
      );
      const closed = await t.call('builder', 'POST', `/api/v1/improvements/${improvementId}/options`, {
        title: 'too late',
      });
      assert.equal(closed.statusCode, 409, 'options close once decided');
      const again = await t.call('builder', 'POST', `/api/v1/improvements/${improvementId}/decision`, {
        optionId: '01jzzzzzzzzzzzzzzzzzzzzzzz',
        rationale: 'x',
      });
      assert.equal(again.statusCode, 409);
      assert.match(again.json().error.message, /Allowed: designing/);
      assert.equal(
        (await t.call('viewer', 'GET', '/api/v1/loop/calibration?userId=01jzzzzzzzzzzzzzzzzzzzzzzz'))
          .statusCode,
        404,
      );
      assert.equal((await t.call('viewer', 'GET', '/api/v1/loop/metrics?from=yesterday')).statusCode, 400);
      const undeployed = (await t.call('viewer', 'GET', `/api/v1/improvements/${proposed}/impact`)).json();
      assert.deepEqual([undeployed.items, undeployed.verdict], [[], null]);
    });
  });
}
