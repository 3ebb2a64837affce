import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { allFeedback, fixture, postImport } from './helpers.ts';

for (const target of databaseTargets()) {
  describe(`imports through POST /api/v1/imports on ${target.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
      for (const slug of ['mobile-app', 'web']) {
        await t.call('builder', 'POST', '/api/v1/products', { name: slug, slug, problem: `the ${slug}` });
      }
    });
    after(() => t.close());

    test('a generic CSV keeps its good rows, rejects the bad ones with their lines, and a re-import finds them all', async () => {
      const first = await postImport(t, 'builder', 'format=csv', fixture('generic-feedback.csv'));
      assert.equal(first.statusCode, 200);
      assert.deepEqual(first.json(), {
        format: 'csv',
        rowsRead: 7,
        created: 3,
        existing: 0,
        rejected: [
          { line: 6, reason: 'wrong column count: expected 7 columns (as in the header), found 6' },
          { line: 7, reason: 'receivedAt: ambiguous date "05/06/2024": use ISO 8601 (YYYY-MM-DD)' },
          { line: 8, reason: 'contact.email: Invalid email address' },
          { line: 9, reason: 'no feedback text (title and text are both empty)' },
        ],
      });
      const stored = (await allFeedback(t)).filter((f) => f.source.channel === 'csv');
      assert.deepEqual(stored.map((f) => f.source.externalId).sort(), ['T-1001', 'T-1002', 'T-1003']);
      const web = (await t.call('viewer', 'GET', '/api/v1/products/web')).json();
      assert.equal(stored.find((f) => f.source.externalId === 'T-1003')?.productId, web.id);
      assert.equal(stored.find((f) => f.source.externalId === 'T-1001')?.account?.name, 'Acme');

      const again = (await postImport(t, 'builder', 'format=csv', fixture('generic-feedback.csv'))).json();
      assert.deepEqual([again.created, again.existing, again.rejected.length], [0, 3, 4]);
    });

    test('a row naming an unknown product is rejected with its line while the others are stored', async () => {
      const csv = 'id,product,text\nu-1,web,Fine row\nu-2,no-such-product,Orphan row\nu-3,,No product row\n';
      const report = (await postImport(t, 'builder', 'format=csv', csv)).json();
      assert.equal(report.created, 2);
      assert.deepEqual(report.rejected, [
        { line: 3, reason: 'product: no product with id, slug or name "no-such-product"' },
      ]);
    });

    test('Canny, Productboard and Fider exports are imported with their own channels', async () => {
      const canny = (await postImport(t, 'builder', 'format=canny', fixture('canny-posts.csv'))).json();
      assert.deepEqual(canny, {
        format: 'canny',
        rowsRead: 3,
        created: 2,
        existing: 0,
        rejected: [{ line: 4, reason: 'no feedback text (title and text are both empty)' }],
      });
      const productboard = (
        await postImport(t, 'builder', 'format=productboard', fixture('productboard-notes.csv'))
      ).json();
      assert.deepEqual(productboard, {
        format: 'productboard',
        rowsRead: 2,
        created: 2,
        existing: 0,
        rejected: [],
      });
      const fider = (
        await postImport(t, 'builder', 'format=fider&productId=web', fixture('fider-posts.csv'))
      ).json();
      assert.deepEqual(fider, { format: 'fider', rowsRead: 3, created: 3, existing: 0, rejected: [] });
      const items = await allFeedback(t);
      assert.equal(items.filter((f) => f.source.channel === 'canny').length, 2);
      assert.equal(items.filter((f) => f.source.channel === 'productboard').length, 2);
      const fiderItems = items.filter((f) => f.source.channel === 'fider');
      assert.equal(fiderItems.length, 3);
      const web = (await t.call('viewer', 'GET', '/api/v1/products/web')).json();
      assert.ok(
        fiderItems.every((f) => f.productId === web.id),
        'the ?productId= default applies to rows naming no product',
      );
    });

    test('JSON Lines, eml and mbox files are imported, and a truncated mbox keeps its complete messages', async () => {
      const jsonl = (
        await postImport(t, 'builder', 'format=jsonl', fixture('feedback.jsonl'), 'application/x-ndjson')
      ).json();
      assert.equal(jsonl.rowsRead, 7);
      assert.equal(jsonl.created, 2);
      assert.deepEqual(
        jsonl.rejected.map((r: { line: number }) => r.line),
        [2, 4, 5, 6, 7],
      );
      assert.match(jsonl.rejected[0].reason, /no product .* "automation"/);

      const eml = (
        await postImport(
          t,
          'builder',
          'format=eml',
          fixture('multipart-alternative-qp.eml'),
          'message/rfc822',
        )
      ).json();
      assert.deepEqual(eml, { format: 'eml', rowsRead: 1, created: 1, existing: 0, rejected: [] });

      const truncated = (
        await postImport(t, 'builder', 'format=mbox', fixture('truncated.mbox'), 'application/mbox')
      ).json();
      assert.equal(truncated.created, 3);
      assert.deepEqual(truncated.rejected, [
        { line: 38, reason: 'message is truncated: the headers never end (no blank line before the body)' },
      ]);
      const mbox = (
        await postImport(t, 'builder', 'format=mbox', fixture('inbox.mbox'), 'application/mbox')
      ).json();
      assert.deepEqual(mbox, { format: 'mbox', rowsRead: 3, created: 0, existing: 3, rejected: [] });
      const emails = (await allFeedback(t)).filter((f) => f.source.channel === 'email');
      assert.equal(emails.length, 4);
    });

    test('a generic CSV with a mapping uses the named columns, and a bad mapping is a 400', async () => {
      const csv = 'Ref,What,Who\nm-1,Needs SSO,sam@mapped.test\n';
      const mapping = encodeURIComponent(JSON.stringify({ externalId: 'Ref', text: 'What', email: 'Who' }));
      const report = (await postImport(t, 'builder', `format=csv&mapping=${mapping}`, csv)).json();
      assert.deepEqual([report.created, report.rejected.length], [1, 0]);
      const bad = await postImport(
        t,
        'builder',
        `format=csv&mapping=${encodeURIComponent('{"colour":"x"}')}`,
        csv,
      );
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'invalid');
      assert.ok(bad.json().error.fields.mapping);
      const withCharset = await postImport(
        t,
        'builder',
        'format=csv',
        'text\nSent with a charset\n',
        'text/csv; charset=utf-8',
      );
      assert.equal(withCharset.json().created, 1);
      const notJson = await postImport(t, 'builder', 'format=csv&mapping=nope', csv);
      assert.equal(notJson.statusCode, 400);
    });

    test('an accounts CSV upserts accounts by name with ARR, currency, segment and plan', async () => {
      const report = (await postImport(t, 'builder', 'format=accounts', fixture('accounts.csv'))).json();
      assert.deepEqual(report, {
        format: 'accounts',
        rowsRead: 7,
        created: 4,
        existing: 1, // Globex was created by the generic CSV's contact
        rejected: [
          { line: 6, reason: 'account name is empty' },
          { line: 7, reason: 'arr: unrecognised amount "1,5"' },
        ],
      });
      const accounts = (await t.call('viewer', 'GET', '/api/v1/accounts?limit=200')).json().items;
      const initech = accounts.find((a: { name: string }) => a.name === 'Initech');
      assert.deepEqual(
        [initech.arr, initech.currency, initech.segment, initech.plan],
        [150_000_000, 'EUR', 'Enterprise', 'Enterprise'],
      );
      const again = (
        await postImport(t, 'builder', 'format=accounts', 'Name,ARR,Segment\nInitech,2M EUR,Strategic\n')
      ).json();
      assert.deepEqual([again.created, again.existing], [0, 1]);
      const updated = (await t.call('viewer', 'GET', `/api/v1/accounts/${initech.id}`)).json();
      assert.deepEqual(
        [updated.arr, updated.segment, updated.plan],
        [200_000_000, 'Strategic', 'Enterprise'],
      );
    });

    test('viewers cannot import, an unknown default product is a 400, and a JSON body is refused', async () => {
      assert.equal((await postImport(t, 'viewer', 'format=csv', 'text\nhi\n')).statusCode, 403);
      assert.equal((await postImport(t, null, 'format=csv', 'text\nhi\n')).statusCode, 401);
      const unknown = await postImport(t, 'builder', 'format=csv&productId=nope', 'text\nhi\n');
      assert.equal(unknown.statusCode, 400);
      assert.ok(unknown.json().error.fields.productId);
      assert.equal((await postImport(t, 'builder', 'format=xlsx', 'text\nhi\n')).statusCode, 400);
      const json = await postImport(t, 'builder', 'format=jsonl', '{"text":"hi"}', 'application/json');
      assert.equal(json.statusCode, 400);
    });

    test('a body one byte over 50 MB is refused with 413 in the standard error shape', async () => {
      const big = Buffer.alloc(50 * 1024 * 1024 + 1, 0x61);
      const res = await postImport(t, 'builder', 'format=csv', big);
      assert.equal(res.statusCode, 413);
      assert.equal(res.json().error.code, 'too_large');
    });
  });
}
