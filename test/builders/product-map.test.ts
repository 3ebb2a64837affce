import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';

interface MapBody {
  products: Array<{
    id: string;
    slug: string;
    surfaces: Array<{ name: string }>;
    health: Record<string, unknown>;
  }>;
  edges: Array<{ from: string; to: string; surface: string }>;
  alternatives: Array<{ productId: string; alternativeProductId: string | null; name: string }>;
  cycles: Array<{ slugs: string[] }>;
}

for (const target of databaseTargets()) {
  describe(`the product map on ${target.name}`, () => {
    let t: TestApp;
    let etcher: { id: string };
    before(async () => {
      t = await startTestApp(target);
      const res = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Etcher',
        problem: 'Flash OS images safely',
        surfaces: [
          { name: 'flash-api', kind: 'http', specUrl: 'https://example.test/openapi.json', version: '2.1' },
          { name: 'etcher-cli', kind: 'cli' },
        ],
      });
      assert.equal(res.statusCode, 201, res.body);
      etcher = res.json();
    });
    after(() => t.close());

    test('a product keeps its surfaces, dependencies and alternatives, and GET returns them', async () => {
      const created = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Fleet',
        problem: 'Operate many devices',
        surfaces: [{ name: 'devices', kind: 'event', status: 'deprecated' }],
        dependsOn: [{ productId: 'etcher', surface: 'flash-api' }],
        alternatives: [
          { productId: etcher.id, note: 'for single devices' },
          { name: 'Mender', url: 'https://mender.io' },
        ],
      });
      assert.equal(created.statusCode, 201, created.body);
      const got = (await t.call('viewer', 'GET', `/api/v1/products/${created.json().id}`)).json();
      assert.deepEqual(got.surfaces, [
        { name: 'devices', kind: 'event', specUrl: null, version: null, status: 'deprecated' },
      ]);
      assert.deepEqual(got.dependsOn, [
        { productId: etcher.id, productSlug: 'etcher', surface: 'flash-api' },
      ]);
      assert.deepEqual(got.alternatives, [
        { productId: etcher.id, name: 'Etcher', url: null, note: 'for single devices' },
        { productId: null, name: 'Mender', url: 'https://mender.io', note: '' },
      ]);
      const etcherNow = (await t.call('viewer', 'GET', '/api/v1/products/etcher')).json();
      assert.equal(etcherNow.surfaces[0].specUrl, 'https://example.test/openapi.json');
      const listed = (await t.call('viewer', 'GET', '/api/v1/products')).json();
      assert.equal(listed.items.find((p: { slug: string }) => p.slug === 'fleet').dependsOn.length, 1);
    });

    test('a dependency on a surface that does not exist is refused, naming the field and the known surfaces', async () => {
      const res = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Broken',
        problem: 'x',
        dependsOn: [{ productId: etcher.id, surface: 'nope' }],
      });
      assert.equal(res.statusCode, 400);
      assert.ok(res.json().error.fields['dependsOn.0.surface']);
      assert.match(res.json().error.message, /flash-api, etcher-cli/);
      const unknownProduct = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Broken',
        problem: 'x',
        dependsOn: [{ productId: 'no-such-product', surface: 'x' }],
      });
      assert.equal(unknownProduct.statusCode, 400);
      assert.ok(unknownProduct.json().error.fields['dependsOn.0.productId']);
      assert.equal((await t.call('viewer', 'GET', '/api/v1/products/broken')).statusCode, 404);
      const badKind = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Broken',
        problem: 'x',
        surfaces: [{ name: 'a', kind: 'carrier-pigeon' }],
      });
      assert.equal(badKind.statusCode, 400);
      const bothOrNeither = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Broken',
        problem: 'x',
        alternatives: [{ note: 'neither a product nor a name' }],
      });
      assert.equal(bothOrNeither.statusCode, 400);
    });

    test('patterns and improvements point at a product and one of its surfaces, which must exist', async () => {
      const ok = await t.call('builder', 'POST', '/api/v1/patterns', {
        title: 'Flash API times out',
        productId: etcher.id,
        surface: 'flash-api',
      });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().surface, 'flash-api');
      const bad = await t.call('builder', 'POST', '/api/v1/improvements', {
        title: 'x',
        productId: etcher.id,
        surface: 'nope',
      });
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.json().error.fields.surface);
      const imp = await t.call('builder', 'POST', '/api/v1/improvements', {
        title: 'Retry',
        productId: etcher.id,
        surface: 'etcher-cli',
      });
      assert.equal(imp.json().surface, 'etcher-cli');
      const moved = await t.call('builder', 'PATCH', `/api/v1/improvements/${imp.json().id}`, {
        surface: 'flash-api',
      });
      assert.equal(moved.json().surface, 'flash-api');
    });

    test('removing a surface other products depend on is a conflict listing the dependants', async () => {
      const res = await t.call('builder', 'PATCH', `/api/v1/products/${etcher.id}`, {
        surfaces: [{ name: 'etcher-cli', kind: 'cli' }],
      });
      assert.equal(res.statusCode, 409);
      assert.deepEqual(
        res
          .json()
          .error.details.dependants.map(
            (d: { productSlug: string; surface: string }) => `${d.productSlug}:${d.surface}`,
          ),
        ['fleet:flash-api'],
      );
      assert.match(res.json().error.message, /fleet \(through flash-api\)/);
      const still = (await t.call('viewer', 'GET', `/api/v1/products/${etcher.id}`)).json();
      assert.equal(still.surfaces.length, 2);
      const del = await t.call('builder', 'DELETE', `/api/v1/products/${etcher.id}`);
      assert.equal(del.statusCode, 409);
      const changed = await t.call('builder', 'PATCH', `/api/v1/products/${etcher.id}`, {
        surfaces: [{ name: 'flash-api', kind: 'http', version: '3.0' }],
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual(
        changed.json().surfaces.map((s: { version: string }) => s.version),
        ['3.0'],
      );
    });

    test('the map is not mistaken for a product id, reports cycles and carries loop health', async () => {
      const a = (
        await t.call('builder', 'POST', '/api/v1/products', {
          name: 'Alpha',
          problem: 'a',
          surfaces: [{ name: 'a-api', kind: 'http' }],
        })
      ).json();
      const b = (
        await t.call('builder', 'POST', '/api/v1/products', {
          name: 'Beta',
          problem: 'b',
          surfaces: [{ name: 'b-lib', kind: 'library' }],
          dependsOn: [{ productId: a.id, surface: 'a-api' }],
        })
      ).json();
      const closing = await t.call('builder', 'PATCH', `/api/v1/products/${a.id}`, {
        dependsOn: [{ productId: b.id, surface: 'b-lib' }],
      });
      assert.equal(closing.statusCode, 200, closing.body);

      const feedback = [];
      for (const [account, arr] of [
        ['Acme', 100_000],
        ['Acme', 100_000],
        ['Globex', 50_000],
      ] as const) {
        const f = await t.call('builder', 'POST', '/api/v1/feedback', {
          text: `alpha is slow for ${account} ${feedback.length}`,
          productId: a.id,
          contact: {
            email: `${account.toLowerCase()}${feedback.length}@x.test`,
            account,
            arr,
            currency: 'EUR',
          },
        });
        feedback.push(f.json().id);
      }
      await t.call('builder', 'POST', '/api/v1/patterns', {
        title: 'Alpha is slow',
        productId: a.id,
        feedbackIds: feedback,
      });
      const resolved = (
        await t.call('builder', 'POST', '/api/v1/patterns', { title: 'Old', productId: a.id })
      ).json();
      await t.call('builder', 'PATCH', `/api/v1/patterns/${resolved.id}`, { status: 'resolved' });
      for (const status of ['deployed', 'verified']) {
        const imp = (
          await t.call('builder', 'POST', '/api/v1/improvements', {
            title: `ship ${status}`,
            productId: a.id,
          })
        ).json();
        for (const s of ['designing', 'building', 'deployed', ...(status === 'verified' ? ['verified'] : [])])
          assert.equal(
            (await t.call('builder', 'PATCH', `/api/v1/improvements/${imp.id}`, { status: s })).statusCode,
            200,
          );
      }

      const res = await t.call('viewer', 'GET', '/api/v1/products/map');
      assert.equal(res.statusCode, 200, res.body);
      const map: MapBody = res.json();
      assert.ok(
        map.cycles.some((c) => c.slugs.join('>') === 'alpha>beta'),
        JSON.stringify(map.cycles),
      );
      assert.equal(map.cycles.length, 1);
      assert.ok(map.edges.some((e) => e.from === b.id && e.to === a.id && e.surface === 'a-api'));
      assert.ok(map.alternatives.some((x) => x.name === 'Mender'));
      const alpha = map.products.find((p) => p.id === a.id);
      assert.deepEqual(
        alpha?.surfaces.map((s) => s.name),
        ['a-api'],
      );
      assert.deepEqual(alpha?.health, {
        openPatterns: 1,
        arrAtStake: [{ currency: 'EUR', amount: 150_000 }],
        deployedImprovements: 1,
        verifiedImprovements: 1,
        verifiedRate: 0.5,
      });
      assert.equal(map.products.find((p) => p.id === b.id)?.health.verifiedRate, null);
    });
  });
}
