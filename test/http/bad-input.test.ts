import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';

for (const target of databaseTargets()) {
  describe(`bad input is a 4xx naming the field on ${target.name}, and nothing is written`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(() => t.close());

    const countProducts = async () =>
      (await t.call('viewer', 'GET', '/api/v1/products?limit=200')).json().items.length;

    test('malformed JSON is invalid, not a server error', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/products',
        headers: { authorization: `Bearer ${t.users.builder.token}`, 'content-type': 'application/json' },
        payload: '{"name": "x", ',
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.code, 'invalid');
      assert.equal(res.json().error.fields.body, 'malformed JSON');
    });

    test('wrong types, missing and unknown fields are each named', async () => {
      const res = await t.call('builder', 'POST', '/api/v1/products', { name: 42, colour: 'red' });
      assert.equal(res.statusCode, 400);
      const fields = res.json().error.fields;
      assert.ok(fields.name, 'name named');
      assert.ok(fields.problem, 'problem named');
      assert.equal(fields.colour, 'unknown field');
      assert.equal(await countProducts(), 0);
    });

    test('over-long strings are refused', async () => {
      const res = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'x'.repeat(201),
        problem: 'p',
      });
      assert.equal(res.statusCode, 400);
      assert.ok(res.json().error.fields.name);
      const longFeedback = await t.call('builder', 'POST', '/api/v1/feedback', { text: 'y'.repeat(20_001) });
      assert.equal(longFeedback.statusCode, 400);
      assert.ok(longFeedback.json().error.fields.text);
    });

    test('empty text and a bad date are refused', async () => {
      const empty = await t.call('builder', 'POST', '/api/v1/feedback', { text: '   ' });
      assert.equal(empty.statusCode, 400);
      assert.ok(empty.json().error.fields.text);
      const date = await t.call('builder', 'POST', '/api/v1/feedback', {
        text: 'ok',
        receivedAt: 'yesterday',
      });
      assert.ok(date.json().error.fields.receivedAt);
    });

    test('ids that do not exist are 404 in the URL and 400 naming the field in the body', async () => {
      const missing = await t.call('viewer', 'GET', '/api/v1/feedback/01jzzzzzzzzzzzzzzzzzzzzzzz');
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().error.code, 'not_found');
      const link = await t.call('builder', 'POST', '/api/v1/feedback', {
        text: 'x',
        productId: '01jzzzzzzzzzzzzzzzzzzzzzzz',
      });
      assert.equal(link.statusCode, 400);
      assert.match(link.json().error.fields.productId, /no product/);
      const imp = await t.call('builder', 'POST', '/api/v1/improvements', {
        title: 'x',
        patternIds: ['01jzzzzzzzzzzzzzzzzzzzzzzz'],
      });
      assert.equal(imp.statusCode, 400);
      assert.ok(imp.json().error.fields.patternIds);
      assert.equal(
        (await t.call('viewer', 'GET', '/api/v1/improvements')).json().items.length,
        0,
        'nothing partial written',
      );
    });

    test('ids of the wrong type are named', async () => {
      const res = await t.call('builder', 'POST', '/api/v1/feedback', { text: 'x', productId: 12 });
      assert.equal(res.statusCode, 400);
      assert.ok(res.json().error.fields.productId);
      const shape = await t.call('builder', 'POST', '/api/v1/feedback', {
        text: 'x',
        productId: 'not-an-id',
      });
      assert.equal(shape.statusCode, 400);
    });

    test('a batch with one bad item names its index and stores none of them', async () => {
      const res = await t.call('builder', 'POST', '/api/v1/feedback', {
        items: [{ text: 'good' }, { text: '' }],
      });
      assert.equal(res.statusCode, 400);
      assert.ok(
        Object.keys(res.json().error.fields).some((k) => k.startsWith('items.1')),
        JSON.stringify(res.json()),
      );
      const tooMany = await t.call('builder', 'POST', '/api/v1/feedback', {
        items: Array.from({ length: 1001 }, () => ({ text: 'x' })),
      });
      assert.equal(tooMany.statusCode, 400);
      assert.equal((await t.call('viewer', 'GET', '/api/v1/feedback')).json().items.length, 0);
    });

    test('bad list parameters and cursors are invalid', async () => {
      assert.equal((await t.call('viewer', 'GET', '/api/v1/feedback?limit=0')).statusCode, 400);
      assert.equal((await t.call('viewer', 'GET', '/api/v1/feedback?status=sideways')).statusCode, 400);
      const cursor = await t.call('viewer', 'GET', '/api/v1/feedback?cursor=garbage');
      assert.equal(cursor.statusCode, 400);
      assert.ok(cursor.json().error.fields.cursor);
      assert.equal((await t.call('viewer', 'GET', '/api/v1/feedback?sort=asc')).statusCode, 400);
    });

    test('a body over the limit is too_large', async () => {
      const res = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'x',
        problem: 'p'.repeat(1_100_000),
      });
      assert.equal(res.statusCode, 413);
      assert.equal(res.json().error.code, 'too_large');
    });

    test('unknown routes are 404 in the same error shape', async () => {
      const res = await t.call('viewer', 'GET', '/api/v1/nothing-here');
      assert.equal(res.statusCode, 404);
      assert.deepEqual(Object.keys(res.json().error), ['code', 'message']);
    });
  });
}

describe('the API describes itself', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(databaseTargets()[0]);
  });
  after(() => t.close());

  test('/openapi.json is OpenAPI 3.1 with every route, its errors, and schemas from zod', async () => {
    const doc = (await t.call(null, 'GET', '/openapi.json')).json();
    assert.equal(doc.openapi, '3.1.0');
    const routes = Object.entries(
      doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>,
    ).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );
    const keys = routes.map((r) => r.key);
    for (const expected of [
      'POST /api/v1/auth/login',
      'GET /api/v1/feedback',
      'POST /api/v1/patterns/{id}/feedback',
      'GET /api/v1/{collection}/{id}/history',
      'DELETE /api/v1/tokens/{id}',
    ]) {
      assert.ok(keys.includes(expected), `${expected} documented`);
    }
    for (const { key, op } of routes) {
      if (key.startsWith('GET /healthz')) continue;
      assert.ok(op.responses['400'] && op.responses['401'], `${key} documents its errors`);
    }
    const login = doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(login.required.sort(), ['email', 'password']);
    process.stdout.write(`# documented routes: ${routes.length}\n`);
  });

  test('/docs serves a readable page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /swagger/i);
  });
});
