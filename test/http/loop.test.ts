import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';

for (const target of databaseTargets()) {
  describe(`the loop's objects through the API on ${target.name}`, () => {
    let t: TestApp;
    let productId: string;
    before(async () => {
      t = await startTestApp(target);
      const res = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Etcher',
        slug: 'etcher',
        problem: 'Flash OS images to SD cards safely',
      });
      productId = res.json().id;
    });
    after(() => t.close());

    test('products are created, read by id or slug, listed, changed, retired and deleted', async () => {
      const created = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Fleet Manager',
        problem: 'Operate many devices',
        users: ['fleet owners'],
        boundary: { in: ['device updates'], out: ['billing'] },
      });
      assert.equal(created.statusCode, 201);
      const product = created.json();
      assert.equal(product.slug, 'fleet-manager');
      assert.equal(product.status, 'active');
      assert.deepEqual(product.boundary, { in: ['device updates'], out: ['billing'] });
      assert.equal((await t.call('viewer', 'GET', '/api/v1/products/fleet-manager')).json().id, product.id);
      const listed = (await t.call('viewer', 'GET', '/api/v1/products')).json();
      assert.ok(listed.items.some((p: { id: string }) => p.id === product.id));
      assert.equal(listed.nextCursor, null);
      const retired = await t.call('builder', 'PATCH', `/api/v1/products/${product.id}`, {
        status: 'retired',
        problem: 'Operate fleets',
      });
      assert.equal(retired.json().status, 'retired');
      assert.equal(retired.json().problem, 'Operate fleets');
      assert.equal((await t.call('builder', 'DELETE', `/api/v1/products/${product.id}`)).statusCode, 204);
      assert.equal((await t.call('viewer', 'GET', `/api/v1/products/${product.id}`)).statusCode, 404);
      const history = (await t.call('viewer', 'GET', `/api/v1/products/${product.id}/history`)).json();
      assert.deepEqual(
        history.items.map((e: { action: string }) => e.action),
        ['create', 'update', 'delete'],
      );
      assert.deepEqual(history.items[1].changes.status, { before: 'active', after: 'retired' });
      assert.equal(history.items[1].actorId, t.users.builder.id);
    });

    test('a duplicate slug is a conflict naming the field, and nothing is written', async () => {
      const dup = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Etcher again',
        slug: 'etcher',
        problem: 'x',
      });
      assert.equal(dup.statusCode, 409);
      assert.deepEqual(dup.json().error.fields, { slug: 'already taken' });
      const list = (await t.call('viewer', 'GET', '/api/v1/products?limit=200')).json();
      assert.equal(list.items.filter((p: { name: string }) => p.name === 'Etcher again').length, 0);
    });

    test('a product that feedback refers to cannot be deleted, only retired', async () => {
      const p = (
        await t.call('builder', 'POST', '/api/v1/products', { name: 'Referenced', problem: 'x' })
      ).json();
      await t.call('builder', 'POST', '/api/v1/feedback', { text: 'about referenced', productId: p.id });
      const del = await t.call('builder', 'DELETE', `/api/v1/products/${p.id}`);
      assert.equal(del.statusCode, 409);
      assert.match(del.json().error.message, /retire it instead/);
    });

    test('viewers read but cannot create, change or delete', async () => {
      assert.equal(
        (await t.call('viewer', 'POST', '/api/v1/products', { name: 'V', problem: 'x' })).statusCode,
        403,
      );
      assert.equal(
        (await t.call('viewer', 'PATCH', `/api/v1/products/${productId}`, { name: 'V' })).statusCode,
        403,
      );
      assert.equal((await t.call('viewer', 'DELETE', `/api/v1/products/${productId}`)).statusCode, 403);
      assert.equal((await t.call('viewer', 'POST', '/api/v1/feedback', { text: 'hi' })).statusCode, 403);
      assert.equal((await t.call('viewer', 'POST', '/api/v1/patterns', { title: 'p' })).statusCode, 403);
      assert.equal((await t.call('viewer', 'POST', '/api/v1/improvements', { title: 'i' })).statusCode, 403);
      assert.equal((await t.call('viewer', 'POST', '/api/v1/accounts', { name: 'a' })).statusCode, 403);
      assert.equal((await t.call('viewer', 'GET', `/api/v1/products/${productId}`)).statusCode, 200);
    });

    test('accounts and contacts carry the commercial context', async () => {
      const account = await t.call('builder', 'POST', '/api/v1/accounts', {
        name: 'Acme Robotics',
        arr: 12_000_000,
        currency: 'USD',
        segment: 'enterprise',
        plan: 'pro',
      });
      assert.equal(account.statusCode, 201);
      assert.equal(account.json().arr, 12_000_000);
      const contact = await t.call('builder', 'POST', '/api/v1/contacts', {
        email: 'Ana@Acme.test',
        name: 'Ana',
        accountId: account.json().id,
      });
      assert.equal(contact.statusCode, 201);
      assert.equal(contact.json().email, 'ana@acme.test');
      const byAccount = (
        await t.call('viewer', 'GET', `/api/v1/contacts?accountId=${account.json().id}`)
      ).json();
      assert.deepEqual(
        byAccount.items.map((c: { id: string }) => c.id),
        [contact.json().id],
      );
      const patched = await t.call('builder', 'PATCH', `/api/v1/accounts/${account.json().id}`, {
        arr: 15_000_000,
      });
      assert.equal(patched.json().arr, 15_000_000);
      assert.equal(
        (await t.call('viewer', 'GET', `/api/v1/accounts/${account.json().id}`)).json().segment,
        'enterprise',
      );
      assert.equal(
        (await t.call('builder', 'POST', '/api/v1/accounts', { name: 'Acme Robotics' })).statusCode,
        409,
      );
      const badRef = await t.call('builder', 'POST', '/api/v1/contacts', {
        email: 'x@y.test',
        accountId: '01jzzzzzzzzzzzzzzzzzzzzzzz',
      });
      assert.equal(badRef.statusCode, 400);
      assert.ok(badRef.json().error.fields.accountId);
      const renamed = await t.call('builder', 'PATCH', `/api/v1/contacts/${contact.json().id}`, {
        name: 'Ana María',
      });
      assert.equal(renamed.json().name, 'Ana María');
      assert.equal(
        (await t.call('builder', 'DELETE', `/api/v1/contacts/${contact.json().id}`)).statusCode,
        204,
      );
      assert.equal(
        (await t.call('builder', 'DELETE', `/api/v1/accounts/${account.json().id}`)).statusCode,
        204,
      );
      assert.equal((await t.call('viewer', 'GET', `/api/v1/accounts?q=Acme`)).json().items.length, 0);
    });

    test('feedback is idempotent on its source id and upserts the contact and account', async () => {
      const item = {
        text: 'Flashing fails at 99% on macOS',
        productId,
        receivedAt: '2026-11-01T10:00:00Z',
        source: { channel: 'email', externalId: 'msg-001', url: null },
        contact: { email: 'bo@beta.test', name: 'Bo', account: 'Beta Corp', arr: 500_000, segment: 'smb' },
      };
      const first = await t.call('builder', 'POST', '/api/v1/feedback', item);
      assert.equal(first.statusCode, 201);
      const fb = first.json();
      assert.equal(fb.status, 'new');
      assert.equal(fb.receivedAt, '2026-11-01T10:00:00.000Z');
      assert.deepEqual(fb.source, { channel: 'email', externalId: 'msg-001', url: null });
      const again = await t.call('builder', 'POST', '/api/v1/feedback', item);
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().id, fb.id);
      const contact = (await t.call('viewer', 'GET', `/api/v1/contacts/${fb.contactId}`)).json();
      assert.equal(contact.email, 'bo@beta.test');
      const account = (await t.call('viewer', 'GET', `/api/v1/accounts/${contact.accountId}`)).json();
      assert.equal(account.name, 'Beta Corp');
      assert.equal(account.arr, 500_000);
    });

    test('a batch reports which items were created and which existed, in order', async () => {
      const items = [
        { text: 'batch one', source: { channel: 'api', externalId: 'b-1' } },
        { text: 'batch two', source: { channel: 'api', externalId: 'b-2' } },
        { text: 'batch one again', source: { channel: 'api', externalId: 'b-1' } },
      ];
      const res = await t.call('builder', 'POST', '/api/v1/feedback', { items });
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.created, 2);
      assert.equal(body.existing, 1);
      assert.deepEqual(
        body.items.map((i: { status: string }) => i.status),
        ['created', 'created', 'existing'],
      );
      assert.equal(body.items[2].id, body.items[0].id);
      assert.equal(
        (await t.call('viewer', 'GET', `/api/v1/feedback/${body.items[1].id}`)).json().text,
        'batch two',
      );
    });

    test('receivedAt defaults to now and exact repeats from one contact within a day are flagged', async () => {
      const a = (
        await t.call('builder', 'POST', '/api/v1/feedback', {
          text: 'Dark mode please!',
          contact: { email: 'cy@c.test' },
        })
      ).json();
      assert.equal(a.receivedAt, t.clock.current.toISOString());
      const b = (
        await t.call('builder', 'POST', '/api/v1/feedback', {
          text: 'dark mode   please',
          contact: { email: 'cy@c.test' },
        })
      ).json();
      assert.equal(b.duplicateOfId, a.id);
      const other = (
        await t.call('builder', 'POST', '/api/v1/feedback', {
          text: 'dark mode please',
          contact: { email: 'dee@c.test' },
        })
      ).json();
      assert.equal(other.duplicateOfId, null);
    });

    test('the inbox lists new feedback newest-received first, filters, pages and searches', async () => {
      for (const [i, day] of ['03', '05', '04'].entries()) {
        await t.call('builder', 'POST', '/api/v1/feedback', {
          text: `inbox item ${i}`,
          productId,
          receivedAt: `2026-10-${day}T00:00:00Z`,
        });
      }
      const page1 = (
        await t.call('viewer', 'GET', `/api/v1/feedback?status=new&productId=${productId}&q=inbox&limit=2`)
      ).json();
      assert.deepEqual(
        page1.items.map((f: { text: string }) => f.text),
        ['inbox item 1', 'inbox item 2'],
      );
      const page2 = (
        await t.call(
          'viewer',
          'GET',
          `/api/v1/feedback?status=new&productId=${productId}&q=inbox&limit=2&cursor=${page1.nextCursor}`,
        )
      ).json();
      assert.deepEqual(
        page2.items.map((f: { text: string }) => f.text),
        ['inbox item 0'],
      );
      assert.equal(page2.nextCursor, null);
    });

    test('triage dismisses with a reason and restores', async () => {
      const fb = (await t.call('builder', 'POST', '/api/v1/feedback', { text: 'buy cheap watches' })).json();
      const noReason = await t.call('builder', 'PATCH', `/api/v1/feedback/${fb.id}`, { status: 'dismissed' });
      assert.equal(noReason.statusCode, 400);
      assert.ok(noReason.json().error.fields.dismissReason);
      const dismissed = await t.call('builder', 'PATCH', `/api/v1/feedback/${fb.id}`, {
        status: 'dismissed',
        dismissReason: 'spam',
      });
      assert.equal(dismissed.json().status, 'dismissed');
      assert.equal(dismissed.json().dismissReason, 'spam');
      const restored = await t.call('builder', 'PATCH', `/api/v1/feedback/${fb.id}`, { status: 'new' });
      assert.equal(restored.json().status, 'new');
      assert.equal(restored.json().dismissReason, null);
      assert.equal(
        (await t.call('builder', 'PATCH', `/api/v1/feedback/${fb.id}`, { status: 'linked' })).statusCode,
        400,
      );
      assert.equal((await t.call('builder', 'DELETE', `/api/v1/feedback/${fb.id}`)).statusCode, 204);
      assert.equal((await t.call('viewer', 'GET', `/api/v1/feedback/${fb.id}`)).statusCode, 404);
    });

    test('patterns link and unlink feedback, which moves between new and linked', async () => {
      const f1 = (
        await t.call('builder', 'POST', '/api/v1/feedback', { text: 'flash verify is slow', productId })
      ).json();
      const f2 = (
        await t.call('builder', 'POST', '/api/v1/feedback', { text: 'verification takes ages', productId })
      ).json();
      const pattern = await t.call('builder', 'POST', '/api/v1/patterns', {
        title: 'Slow verification',
        productId,
      });
      assert.equal(pattern.statusCode, 201);
      const p = pattern.json();
      assert.equal(p.status, 'emerging');
      const linked = await t.call('builder', 'POST', `/api/v1/patterns/${p.id}/feedback`, {
        feedbackIds: [f1.id, f2.id, f1.id],
      });
      assert.equal(linked.statusCode, 200);
      assert.equal(linked.json().feedbackCount, 2);
      assert.equal(linked.json().added, 2);
      assert.equal(
        (
          await t.call('builder', 'POST', `/api/v1/patterns/${p.id}/feedback`, { feedbackIds: [f1.id] })
        ).json().added,
        0,
      );
      const f1now = (await t.call('viewer', 'GET', `/api/v1/feedback/${f1.id}`)).json();
      assert.equal(f1now.status, 'linked');
      assert.deepEqual(f1now.patternIds, [p.id]);
      const byPattern = (await t.call('viewer', 'GET', `/api/v1/feedback?patternId=${p.id}`)).json();
      assert.equal(byPattern.items.length, 2);
      const unlinked = await t.call('builder', 'DELETE', `/api/v1/patterns/${p.id}/feedback/${f1.id}`);
      assert.equal(unlinked.json().feedbackCount, 1);
      assert.equal((await t.call('viewer', 'GET', `/api/v1/feedback/${f1.id}`)).json().status, 'new');
      assert.equal(
        (await t.call('builder', 'DELETE', `/api/v1/patterns/${p.id}/feedback/${f1.id}`)).statusCode,
        404,
      );
      const confirmed = await t.call('builder', 'PATCH', `/api/v1/patterns/${p.id}`, {
        status: 'confirmed',
        description: 'Verification after flashing takes minutes',
      });
      assert.equal(confirmed.json().status, 'confirmed');
      const illegal = await t.call('builder', 'PATCH', `/api/v1/patterns/${p.id}`, { status: 'recurring' });
      assert.equal(illegal.statusCode, 409);
      assert.match(illegal.json().error.message, /allowed next: emerging, addressed, resolved/);
      const listed = (
        await t.call('viewer', 'GET', `/api/v1/patterns?productId=${productId}&status=confirmed`)
      ).json();
      assert.deepEqual(
        listed.items.map((x: { id: string }) => x.id),
        [p.id],
      );
      const missing = await t.call('builder', 'POST', `/api/v1/patterns/${p.id}/feedback`, {
        feedbackIds: ['01jzzzzzzzzzzzzzzzzzzzzzzz'],
      });
      assert.equal(missing.statusCode, 400);
      assert.ok(missing.json().error.fields.feedbackIds);
      assert.equal((await t.call('builder', 'DELETE', `/api/v1/patterns/${p.id}`)).statusCode, 204);
      assert.equal((await t.call('viewer', 'GET', `/api/v1/feedback/${f2.id}`)).json().status, 'new');
    });

    test('improvements address patterns, carry links, move through checked statuses and ship in deploys', async () => {
      const p = (
        await t.call('builder', 'POST', '/api/v1/patterns', { title: 'Needs dark mode', productId })
      ).json();
      const created = await t.call('builder', 'POST', '/api/v1/improvements', {
        title: 'Dark theme',
        productId,
        patternIds: [p.id],
        proposal: '## Problem\nEyes hurt',
      });
      assert.equal(created.statusCode, 201);
      const imp = created.json();
      assert.deepEqual(imp.patternIds, [p.id]);
      assert.equal(imp.status, 'proposed');
      const early = await t.call('builder', 'POST', '/api/v1/deploys', {
        productId,
        version: '1.0.0',
        improvementIds: [imp.id],
      });
      assert.equal(early.statusCode, 409);
      assert.match(early.json().error.message, /proposed/);
      const skip = await t.call('builder', 'PATCH', `/api/v1/improvements/${imp.id}`, { status: 'building' });
      assert.equal(skip.statusCode, 409);
      await t.call('builder', 'PATCH', `/api/v1/improvements/${imp.id}`, {
        status: 'designing',
        effort: 2,
        risk: 'low',
        confidence: 0.8,
      });
      const building = await t.call('builder', 'PATCH', `/api/v1/improvements/${imp.id}`, {
        status: 'building',
        links: [
          { url: 'https://github.com/acme/etcher/pull/42' },
          { url: 'https://github.com/acme/etcher/issues/7' },
        ],
      });
      assert.equal(building.json().status, 'building');
      assert.deepEqual(
        building
          .json()
          .links.map((l: { kind: string }) => l.kind)
          .sort(),
        ['issue', 'pull_request'],
      );
      const deploy = await t.call('builder', 'POST', '/api/v1/deploys', {
        productId,
        version: '1.0.0',
        deployedAt: '2026-11-02T00:00:00Z',
        improvementIds: [imp.id],
        notes: 'dark theme',
      });
      assert.equal(deploy.statusCode, 201);
      assert.deepEqual(deploy.json().improvementIds, [imp.id]);
      assert.equal(
        (await t.call('viewer', 'GET', `/api/v1/improvements/${imp.id}`)).json().status,
        'deployed',
      );
      const dup = await t.call('builder', 'POST', '/api/v1/deploys', { productId, version: '1.0.0' });
      assert.equal(dup.statusCode, 409);
      assert.deepEqual(dup.json().error.fields, { version: 'already deployed' });
      const listed = (await t.call('viewer', 'GET', `/api/v1/deploys?productId=${productId}`)).json();
      assert.equal(listed.items[0].version, '1.0.0');
      const patched = await t.call('builder', 'PATCH', `/api/v1/deploys/${deploy.json().id}`, {
        notes: 'Dark theme for all',
      });
      assert.equal(patched.json().notes, 'Dark theme for all');
      assert.equal(
        (await t.call('viewer', 'GET', `/api/v1/deploys/${deploy.json().id}`)).json().notes,
        'Dark theme for all',
      );
      const byPattern = (await t.call('viewer', 'GET', `/api/v1/improvements?patternId=${p.id}`)).json();
      assert.deepEqual(
        byPattern.items.map((i: { id: string }) => i.id),
        [imp.id],
      );
      assert.equal(
        (await t.call('builder', 'DELETE', `/api/v1/deploys/${deploy.json().id}`)).statusCode,
        204,
      );
      const spare = (await t.call('builder', 'POST', '/api/v1/improvements', { title: 'Spare' })).json();
      assert.equal((await t.call('builder', 'DELETE', `/api/v1/improvements/${spare.id}`)).statusCode, 204);
      const history = (await t.call('viewer', 'GET', `/api/v1/improvements/${imp.id}/history`)).json();
      const statuses = history.items
        .filter((e: { changes: Record<string, unknown> }) => e.changes.status)
        .map((e: { changes: { status: { after: string } } }) => e.changes.status.after);
      assert.deepEqual(statuses, ['proposed', 'designing', 'building', 'deployed']);
    });

    test('a new improvement without a proposal starts from the spec template, its patterns listed as evidence', async () => {
      const fb = (await t.call('builder', 'POST', '/api/v1/feedback', { text: 'exports time out' })).json();
      const p = (
        await t.call('builder', 'POST', '/api/v1/patterns', {
          title: 'Exports time out',
          feedbackIds: [fb.id],
        })
      ).json();
      const imp = (
        await t.call('builder', 'POST', '/api/v1/improvements', {
          title: 'Stream exports',
          patternIds: [p.id],
        })
      ).json();
      for (const section of ['## Problem', '## Evidence', '## Options', '## Risks', '## Rollout']) {
        assert.ok(imp.proposal.includes(section), `${section} in the template`);
      }
      assert.match(imp.proposal, /- Exports time out \(1 feedback item\)/);
      const own = (
        await t.call('builder', 'POST', '/api/v1/improvements', { title: 'Mine', proposal: 'my own words' })
      ).json();
      assert.equal(own.proposal, 'my own words');
    });

    test('comments render sanitised markdown, list in order, and only their author edits them', async () => {
      const made = await t.call('builder', 'POST', `/api/v1/products/${productId}/comments`, {
        body: 'Ping @admin1@example.test <script>x</script> **now**',
      });
      assert.equal(made.statusCode, 201);
      const c = made.json();
      assert.doesNotMatch(c.bodyHtml, /<script>/);
      assert.match(c.bodyHtml, /<strong>now<\/strong>/);
      assert.deepEqual(c.mentions, ['admin1@example.test']);
      await t.call('admin', 'POST', `/api/v1/products/${productId}/comments`, { body: 'second' });
      const list = (await t.call('viewer', 'GET', `/api/v1/products/${productId}/comments`)).json();
      assert.deepEqual(
        list.items.map((x: { body: string }) => x.body.slice(0, 6)),
        ['Ping @', 'second'],
      );
      assert.equal(
        (await t.call('viewer', 'PATCH', `/api/v1/comments/${c.id}`, { body: 'hijack' })).statusCode,
        403,
      );
      assert.equal(
        (await t.call('builder', 'PATCH', `/api/v1/comments/${c.id}`, { body: 'edited' })).json().body,
        'edited',
      );
      assert.equal((await t.call('builder', 'DELETE', `/api/v1/comments/${c.id}`)).statusCode, 204);
      assert.equal(
        (
          await t.call('builder', 'POST', `/api/v1/products/01jzzzzzzzzzzzzzzzzzzzzzzz/comments`, {
            body: 'x',
          })
        ).statusCode,
        404,
      );
      assert.equal((await t.call('viewer', 'GET', `/api/v1/widgets/${productId}/comments`)).statusCode, 404);
    });
  });
}
