import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';

const FOURTEEN = [
  'mission-alignment',
  'ownership',
  'short-term-pain-for-long-term-gain',
  'first-principles-thinking',
  'root-cause-problem-solving',
  'zero-to-one-creativity',
  'self-reflection',
  'pursue-the-truth',
  'optimize-for-understanding',
  'continuous-improvement',
  'adaptability',
  'open-mindedness',
  'self-motivation',
  'clear-and-direct-communication',
];

for (const target of databaseTargets()) {
  describe(`principles, reflections and kudos on ${target.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(() => t.close());

    test('the 14 principles are seeded, and only admins may replace them, keeping ids by slug', async () => {
      const listed = (await t.call('viewer', 'GET', '/api/v1/principles')).json().items;
      assert.deepEqual(
        listed.map((p: { slug: string }) => p.slug),
        FOURTEEN,
      );
      const edited = listed.map((p: { id: string; slug: string; name: string }) => ({
        slug: p.slug,
        name: p.name,
      }));
      edited[1].name = 'Extreme ownership';
      const refused = await t.call('builder', 'PUT', '/api/v1/principles', { principles: edited });
      assert.equal(refused.statusCode, 403);
      const res = await t.call('admin', 'PUT', '/api/v1/principles', { principles: edited });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().items[1].name, 'Extreme ownership');
      assert.equal(res.json().items[1].id, listed[1].id);
      const dup = await t.call('admin', 'PUT', '/api/v1/principles', { principles: [edited[0], edited[0]] });
      assert.equal(dup.statusCode, 400);
    });

    test('a principle that kudos use cannot be dropped from the list', async () => {
      await t.call('builder', 'POST', '/api/v1/kudos', {
        toUserId: t.users.admin.id,
        principle: 'adaptability',
        body: 'changed course fast',
      });
      const all = (await t.call('viewer', 'GET', '/api/v1/principles')).json().items;
      const without = all
        .filter((p: { slug: string }) => p.slug !== 'adaptability')
        .map((p: { id: string; slug: string; name: string }) => p);
      const res = await t.call('admin', 'PUT', '/api/v1/principles', {
        principles: without.map(({ id, slug, name }: { id: string; slug: string; name: string }) => ({
          id,
          slug,
          name,
        })),
      });
      assert.equal(res.statusCode, 409);
      assert.match(res.json().error.message, /adaptability/);
    });

    test('a private reflection is visible only to its author, admins included', async () => {
      const product = (
        await t.call('builder', 'POST', '/api/v1/products', { name: 'Journaled', problem: 'x' })
      ).json();
      const created = await t.call('builder', 'POST', '/api/v1/reflections', {
        body: 'I **jumped** to a fix <script>alert(1)</script>',
        step: 'reflect',
        principles: ['root-cause-problem-solving', 'self-reflection'],
        links: [{ type: 'product', id: product.id }],
        visibility: 'private',
      });
      assert.equal(created.statusCode, 201, created.body);
      const r = created.json();
      assert.match(r.bodyHtml, /<strong>jumped<\/strong>/);
      assert.doesNotMatch(r.bodyHtml, /script/);
      assert.deepEqual(
        r.principles.map((p: { slug: string }) => p.slug),
        ['root-cause-problem-solving', 'self-reflection'],
      );
      assert.deepEqual(r.links, [{ type: 'product', id: product.id, url: `/api/v1/products/${product.id}` }]);
      assert.equal((await t.call('builder', 'GET', `/api/v1/reflections/${r.id}`)).statusCode, 200);
      assert.equal((await t.call('admin', 'GET', `/api/v1/reflections/${r.id}`)).statusCode, 404);
      const adminList = (await t.call('admin', 'GET', '/api/v1/reflections')).json();
      assert.ok(!adminList.items.some((x: { id: string }) => x.id === r.id));
      assert.equal((await t.call('admin', 'DELETE', `/api/v1/reflections/${r.id}`)).statusCode, 404);
      const shared = await t.call('builder', 'PATCH', `/api/v1/reflections/${r.id}`, { visibility: 'team' });
      assert.equal(shared.json().visibility, 'team');
      assert.equal((await t.call('admin', 'GET', `/api/v1/reflections/${r.id}`)).statusCode, 200);
      assert.equal(
        (await t.call('admin', 'PATCH', `/api/v1/reflections/${r.id}`, { body: 'mine now' })).statusCode,
        403,
      );
      assert.equal((await t.call('builder', 'DELETE', `/api/v1/reflections/${r.id}`)).statusCode, 204);
    });

    test('a reflection with an unknown principle, step or linked item is refused', async () => {
      const badPrinciple = await t.call('builder', 'POST', '/api/v1/reflections', {
        body: 'x',
        step: 'observe',
        principles: ['laziness'],
      });
      assert.equal(badPrinciple.statusCode, 400);
      assert.ok(badPrinciple.json().error.fields.principles);
      const badStep = await t.call('builder', 'POST', '/api/v1/reflections', {
        body: 'x',
        step: 'procrastinate',
      });
      assert.equal(badStep.statusCode, 400);
      const badLink = await t.call('builder', 'POST', '/api/v1/reflections', {
        body: 'x',
        step: 'observe',
        links: [{ type: 'pattern', id: '0000000000aaaaaaaaaaaaaaaa' }],
      });
      assert.equal(badLink.statusCode, 400);
      assert.ok(badLink.json().error.fields['links.0']);
    });

    test('kudos to oneself are refused; kudos to a colleague are listed with their principle and link', async () => {
      const self = await t.call('builder', 'POST', '/api/v1/kudos', {
        toUserId: t.users.builder.id,
        principle: 'ownership',
        body: 'me',
      });
      assert.equal(self.statusCode, 400);
      assert.match(self.json().error.fields.toUserId, /yourself/);
      const pattern = (await t.call('admin', 'POST', '/api/v1/patterns', { title: 'Kudos-worthy' })).json();
      const given = await t.call('builder', 'POST', '/api/v1/kudos', {
        toUserId: t.users.viewer.id,
        principle: 'pursue-the-truth',
        body: 'found the real cause',
        link: { type: 'pattern', id: pattern.id },
      });
      assert.equal(given.statusCode, 201, given.body);
      assert.equal(given.json().principle.slug, 'pursue-the-truth');
      assert.equal(given.json().link.url, `/api/v1/patterns/${pattern.id}`);
      const toViewer = (await t.call('viewer', 'GET', `/api/v1/kudos?toUserId=${t.users.viewer.id}`)).json();
      assert.deepEqual(
        toViewer.items.map((k: { id: string }) => k.id),
        [given.json().id],
      );
      assert.equal(
        (await t.call('viewer', 'GET', `/api/v1/kudos/${given.json().id}`)).json().body,
        'found the real cause',
      );
    });

    test('prompts follow the caller’s decisions and the deploys of their work, until they reflect on them', async () => {
      const product = (
        await t.call('builder', 'POST', '/api/v1/products', { name: 'Prompted', problem: 'x' })
      ).json();
      const imp = (
        await t.call('builder', 'POST', '/api/v1/improvements', {
          title: 'Faster flashing',
          productId: product.id,
        })
      ).json();
      // The decision route belongs to the close-the-loop work; record a decision as it would.
      await t.store.db
        .updateTable('improvements')
        .set({ decided_by: t.users.builder.id, decided_at: t.clock.now().toISOString() })
        .where('id', '=', imp.id)
        .execute();
      for (const status of ['designing', 'building'])
        await t.call('builder', 'PATCH', `/api/v1/improvements/${imp.id}`, { status });
      const deploy = (
        await t.call('builder', 'POST', '/api/v1/deploys', {
          productId: product.id,
          version: '1.0.0',
          improvementIds: [imp.id],
        })
      ).json();
      const prompts = (await t.call('builder', 'GET', '/api/v1/reflections/prompts')).json().items;
      assert.deepEqual(
        prompts.map((p: { kind: string; link: { id: string } }) => `${p.kind}:${p.link.id}`).sort(),
        [`decision:${imp.id}`, `deploy:${deploy.id}`].sort(),
      );
      assert.deepEqual((await t.call('viewer', 'GET', '/api/v1/reflections/prompts')).json().items, []);
      await t.call('builder', 'POST', '/api/v1/reflections', {
        body: 'shipping taught me to measure first',
        step: 'implement',
        links: [{ type: 'deploy', id: deploy.id }],
      });
      const after = (await t.call('builder', 'GET', '/api/v1/reflections/prompts')).json().items;
      assert.deepEqual(
        after.map((p: { kind: string }) => p.kind),
        ['decision'],
      );
    });
  });
}
