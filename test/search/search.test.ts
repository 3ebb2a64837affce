import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/domain/authorization.ts';
import { ingestFeedback } from '../../src/usecases/feedback-ingest.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';

interface Segment {
  text: string;
  match: boolean;
}
interface Result {
  type: string;
  id: string;
  score: number;
  title: Segment[];
  snippet: Segment[];
  status: string | null;
}

const joined = (segments: Segment[]) => segments.map((s) => s.text).join('');
const marked = (segments: Segment[]) => segments.filter((s) => s.match).map((s) => s.text);

for (const target of databaseTargets()) {
  describe(`search on ${target.name}`, () => {
    let t: TestApp;
    const ids: Record<string, string> = {};
    const find = async (query: string, as: 'viewer' | 'builder' | 'admin' = 'viewer') => {
      const res = await t.call(as, 'GET', `/api/v1/search?${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { items: Result[]; nextCursor: string | null };
    };
    const post = async (path: string, body: unknown) => {
      const res = await t.call('builder', 'POST', path, body);
      assert.ok(res.statusCode < 300, res.body);
      return res.json();
    };

    before(async () => {
      t = await startTestApp(target);
      ids.product = (
        await post('/api/v1/products', { name: 'Etcher', problem: 'Flash OS images to SD cards' })
      ).id;
      ids.short = (await post('/api/v1/feedback', { text: 'Flashing fails. Flashing fails again.' })).id;
      ids.long = (
        await post('/api/v1/feedback', {
          text: 'I tried a long list of things this morning with several cards and readers and the flashing step failed once near the end',
          contact: {
            email: 'ana@acme.test',
            name: 'Ana Lima',
            account: 'Acme Robotics',
            segment: 'Enterprise',
          },
        })
      ).id;
      ids.pattern = (
        await post('/api/v1/patterns', {
          title: 'Flashing fails on macOS',
          description: 'Writes stop at 99%',
        })
      ).id;
      ids.improvement = (
        await post('/api/v1/improvements', {
          title: 'Verify writes',
          proposal: 'Re-read every block after flashing',
        })
      ).id;
      ids.export = (await post('/api/v1/feedback', { text: 'Please add an export to PDF' })).id;
    });
    after(() => t.close());

    test('finds every kind of item by a word, a title match ranking above a body match', async () => {
      const { items } = await find('q=flashing');
      const types = new Map(items.map((r) => [r.id, r.type]));
      assert.equal(types.get(ids.pattern), 'pattern');
      assert.equal(types.get(ids.improvement), 'improvement');
      assert.equal(types.get(ids.short), 'feedback');
      assert.equal(types.get(ids.long), 'feedback');
      assert.equal(items[0].id, ids.pattern, 'the pattern names the word in its title');
      const rank = (id: string) => items.findIndex((r) => r.id === id);
      assert.ok(
        rank(ids.short) < rank(ids.long),
        'a short text saying it twice beats a long one saying it once',
      );
      assert.ok(items.every((r, i) => i === 0 || items[i - 1].score >= r.score));
    });

    test('stems and folds: "flash" finds "Flashing", and the product by its problem', async () => {
      const { items } = await find('q=FLASH');
      assert.ok(items.some((r) => r.id === ids.product && r.type === 'product'));
      assert.ok(items.some((r) => r.id === ids.short));
    });

    test('every word must match, and the last one also as a prefix', async () => {
      assert.deepEqual(
        (await find('q=flashing%20macos')).items.map((r) => r.id),
        [ids.pattern],
      );
      assert.deepEqual(
        (await find('q=pdf%20expo')).items.map((r) => r.id),
        [ids.export],
      );
      assert.deepEqual((await find('q=flashing%20zebra')).items, []);
    });

    test('types narrows the kinds searched, and an unknown type is refused', async () => {
      const { items } = await find('q=flashing&types=feedback,improvement');
      assert.deepEqual(new Set(items.map((r) => r.type)), new Set(['feedback', 'improvement']));
      const bad = await t.call('viewer', 'GET', '/api/v1/search?q=flashing&types=feedback,secrets');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /secrets/);
    });

    test('people and accounts are found by name, email and email domain', async () => {
      const { items } = await find('q=acme');
      const kinds = items.map((r) => r.type).sort();
      assert.deepEqual(kinds, ['account', 'contact']);
      const contact = items.find((r) => r.type === 'contact') as Result;
      assert.equal(joined(contact.title), 'Ana Lima');
      assert.equal(joined(contact.snippet), 'ana@acme.test');
      assert.deepEqual(marked(contact.snippet), ['acme']);
      const users = (await find('q=viewer&types=user')).items;
      assert.equal(users.length, 1);
      assert.equal(users[0].id, t.users.viewer.id);
      assert.equal(users[0].status, 'viewer');
    });

    test('the index follows changes: edited text, deletion, merged patterns, rejected portal spam', async () => {
      const edited = await post('/api/v1/feedback', { text: 'The sidebar flickers' });
      assert.equal((await find('q=flickers')).items.length, 1);
      await t.call('builder', 'PATCH', `/api/v1/feedback/${edited.id}`, { text: 'The toolbar shimmers' });
      assert.deepEqual((await find('q=flickers')).items, []);
      assert.equal((await find('q=shimmers')).items[0].id, edited.id);
      assert.equal((await t.call('builder', 'DELETE', `/api/v1/feedback/${edited.id}`)).statusCode, 204);
      assert.deepEqual((await find('q=shimmers')).items, []);

      const from = await post('/api/v1/patterns', { title: 'Zeppelin crashes' });
      const into = await post('/api/v1/patterns', { title: 'Zeppelin stability' });
      assert.equal((await find('q=zeppelin')).items.length, 2);
      await post(`/api/v1/patterns/${from.id}/merge`, { intoId: into.id });
      assert.deepEqual(
        (await find('q=zeppelin')).items.map((r) => r.id),
        [into.id],
      );

      const spam = await ingestFeedback(t.deps, SYSTEM_ACTOR, [{ text: 'cheap watches here' }], {
        moderation: 'pending',
      });
      const spamId = spam.items[0].feedback.id;
      assert.equal((await find('q=watches')).items[0].id, spamId, 'pending items are found by builders');
      await post(`/api/v1/feedback/${spamId}/moderation`, { decision: 'reject' });
      assert.deepEqual((await find('q=watches')).items, []);
    });

    test('hostile text comes back as the same plain text, split into segments, never as markup', async () => {
      const hostile =
        '<img src=x onerror=alert(1)> <script>flash()</script> [link](javascript:alert(2)) \u202Eevil\u202C "flash" & <b>';
      const item = await post('/api/v1/feedback', { text: hostile });
      const result = (await find('q=onerror')).items.find((r) => r.id === item.id) as Result;
      assert.equal(joined(result.snippet), hostile);
      assert.deepEqual(marked(result.snippet), ['onerror']);
      const flash = (await find('q=flash&types=feedback')).items.find((r) => r.id === item.id) as Result;
      assert.deepEqual(marked(flash.snippet), ['flash', 'flash']);
      assert.ok(flash.snippet.every((s) => !s.match || /^[\p{L}\p{N}]+$/u.test(s.text)));
    });

    test('query syntax of either database is only words here', async () => {
      for (const q of [
        '"flashing',
        'flashing OR *',
        'NEAR(flashing',
        'flashing:* | !x',
        "'; DROP TABLE feedback; --",
        'a-b^c',
      ]) {
        const res = await t.call('viewer', 'GET', `/api/v1/search?q=${encodeURIComponent(q)}`);
        assert.equal(res.statusCode, 200, `${q}: ${res.body}`);
      }
      const plain = (await find('q=flashing')).items.map((r) => r.id);
      // Stop words ("or", "the") count on neither database.
      assert.deepEqual(
        (await find(`q=${encodeURIComponent('"flashing" OR the')}`)).items.map((r) => r.id),
        plain,
      );
      assert.deepEqual((await find(`q=${encodeURIComponent('*()"')}`)).items, []);
      assert.deepEqual(
        (await find(`q=${encodeURIComponent('(flashing)')}`)).items.map((r) => r.id),
        plain,
      );
    });

    test('a long text is cut around its first match with ellipses', async () => {
      const text = `${'lorem ipsum dolor '.repeat(20)}needle in the haystack ${'sit amet '.repeat(30)}`;
      const item = await post('/api/v1/feedback', { text });
      const result = (await find('q=needle')).items.find((r) => r.id === item.id) as Result;
      const snippet = joined(result.snippet);
      assert.ok(snippet.startsWith('…') && snippet.endsWith('…'));
      assert.ok(snippet.length <= 205);
      assert.deepEqual(marked(result.snippet), ['needle']);
      assert.ok(text.replace(/\s+/g, ' ').includes(snippet.slice(1, -1)));
    });

    test('results page with a cursor, and only signed-in users search', async () => {
      for (let i = 0; i < 5; i++) await post('/api/v1/feedback', { text: `paging item ${i}` });
      const first = await find('q=paging&limit=3');
      assert.equal(first.items.length, 3);
      assert.ok(first.nextCursor);
      const second = await find(`q=paging&limit=3&cursor=${first.nextCursor}`);
      assert.equal(second.items.length, 2);
      assert.equal(second.nextCursor, null);
      const all = new Set([...first.items, ...second.items].map((r) => r.id));
      assert.equal(all.size, 5);
      assert.equal((await t.call(null, 'GET', '/api/v1/search?q=paging')).statusCode, 401);
      assert.equal(
        (await t.call('viewer', 'GET', '/api/v1/search?q=paging&cursor=nonsense')).statusCode,
        400,
      );
    });

    test('the route is described in the OpenAPI document', async () => {
      const doc = (await t.call(null, 'GET', '/openapi.json')).json();
      assert.ok(doc.paths['/api/v1/search'].get);
    });
  });
}
