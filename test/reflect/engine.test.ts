import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createDeps } from '../../src/deps.ts';
import { discoverPatterns } from '../../src/patterns/index.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { addFeedback, addPattern, suggestionsFor, TOPICS } from './helpers.ts';

/** A stand-in for an OpenAI-compatible /v1/embeddings endpoint: 8 dims from letter counts. */
async function fakeEmbeddings(): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      calls++;
      const body = JSON.parse(raw) as { model: string; input: string[] };
      if (req.url !== '/v1/embeddings' || body.model !== 'fake-model') {
        res.writeHead(404).end();
        return;
      }
      const data = body.input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from(
          { length: 8 },
          (_, d) => [...text].filter((ch) => ch.charCodeAt(0) % 8 === d).length,
        ),
      }));
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ object: 'list', data, model: body.model }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls: () => calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

for (const target of databaseTargets()) {
  describe(`the pattern engine's stored state on ${target.name}`, () => {
    let t: TestApp;
    let passwords: string;
    let probe: string;
    before(async () => {
      t = await startTestApp(target);
      passwords = await addPattern(t, 'Passwords', await addFeedback(t, [...TOPICS.passwords]));
      await addPattern(t, 'Refunds', await addFeedback(t, [...TOPICS.refunds]));
      [probe] = await addFeedback(t, ['password reset email missing']);
    });
    after(async () => {
      await t.deps.reflect.settled();
      await t.close();
    });

    test('a restart rebuilds the index from stored vectors without refitting or re-embedding', async () => {
      const first = await suggestionsFor(t, probe);
      const engine = await t.deps.reflect.engine();
      assert.equal(engine.counters.fits, 1);
      const restarted = createDeps({ store: t.store });
      const reloaded = await restarted.reflect.engine();
      assert.equal(reloaded.counters.fits, 0);
      assert.equal(reloaded.counters.builtinEmbedded, 0);
      assert.equal(reloaded.counters.vectorsLoaded, 10);
      assert.equal(reloaded.index.exampleCount, 10);
      const [item] = await reloaded.embedItems(t.store.db, [probe], () => new Date().toISOString());
      const again = reloaded.suggester.suggest(item.vector, item.text, { limit: 3 });
      assert.deepEqual(
        again.suggestions.map((s) => [s.patternId, Math.round(s.score * 1000) / 1000]),
        first.suggestions.map((s) => [s.patternId, s.score]),
      );
    });

    test('another process follows links made elsewhere by reading the events table', async () => {
      const other = createDeps({ store: t.store });
      const otherEngine = await other.reflect.engine();
      const ids = await addFeedback(t, ['invoice export is broken']);
      await t.call('builder', 'POST', `/api/v1/patterns/${passwords}/feedback`, { feedbackIds: ids });
      assert.equal(otherEngine.patternsOf(ids[0]).size, 0);
      await other.reflect.pollEvents();
      assert.deepEqual([...otherEngine.patternsOf(ids[0])], [passwords]);
      await t.call('builder', 'DELETE', `/api/v1/patterns/${passwords}/feedback/${ids[0]}`);
      await other.reflect.pollEvents();
      assert.equal(otherEngine.patternsOf(ids[0]).size, 0);
    });

    test('a configured embeddings endpoint is combined with the built-in representation and its vectors stored', async () => {
      const fake = await fakeEmbeddings();
      try {
        const deps = createDeps({ store: t.store, embeddings: { url: fake.url, model: 'fake-model' } });
        const engine = await deps.reflect.engine();
        assert.equal(engine.representation, 'builtin+embeddings');
        assert.equal(engine.warning, null);
        assert.ok(engine.index.dims === engine.model.dims + 8);
        assert.ok(engine.counters.externalEmbedded >= 10);
        const stored = await t.store.db
          .selectFrom('feedback_vectors')
          .select(['external_model'])
          .where('external', 'is not', null)
          .execute();
        assert.ok(stored.length >= 10 && stored.every((r) => r.external_model === 'fake-model'));
        const [item] = await engine.embedItems(t.store.db, [probe], () => new Date().toISOString());
        assert.equal(engine.suggester.suggest(item.vector, item.text).suggestions[0].patternId, passwords);
        const callsBefore = fake.calls();
        const restarted = await createDeps({
          store: t.store,
          embeddings: { url: fake.url, model: 'fake-model' },
        }).reflect.engine();
        assert.equal(restarted.counters.externalEmbedded, 0);
        assert.equal(fake.calls(), callsBefore + 1, 'only the start-up probe');
        // Discovery refines its clusters with a suggester over the same combined vectors.
        const inboxIds = await addFeedback(t, [...TOPICS.passwords, ...TOPICS.refunds]);
        const inbox = await restarted.embedItems(t.store.db, inboxIds, () => new Date().toISOString());
        assert.ok(inbox.every((e) => e.vector.length === restarted.model.dims + 8));
        const groups = discoverPatterns(
          inbox.map((e) => ({ id: e.id, text: e.text })),
          { k: 2, model: restarted.model, vectors: inbox.map((e) => e.vector) },
        );
        const byTopic = groups.map((g) =>
          g.itemIds.map((id) => inboxIds.indexOf(id) < TOPICS.passwords.length),
        );
        assert.equal(byTopic.flat().length, inboxIds.length);
        assert.ok(
          byTopic.every((g) => g.every((p) => p === g[0])),
          JSON.stringify(byTopic),
        );
      } finally {
        await fake.close();
      }
    });

    test('an unreachable or misconfigured endpoint degrades to the built-in representation with a warning', async () => {
      const warnings: string[] = [];
      const fake = await fakeEmbeddings();
      await fake.close();
      const { createReflectServices } = await import('../../src/usecases/reflect/services.ts');
      const services = createReflectServices(t.store, {
        embeddings: { url: fake.url, model: 'fake-model', timeoutMs: 2000 },
        warn: (m) => warnings.push(m),
      });
      const engine = await services.engine();
      assert.equal(engine.representation, 'builtin');
      assert.match(warnings[0], /embeddings endpoint unusable .*built-in/);
      assert.match(engine.warning ?? '', /cannot reach/);
      const [item] = await engine.embedItems(t.store.db, [probe], () => new Date().toISOString());
      assert.equal(engine.suggester.suggest(item.vector, item.text).suggestions[0].patternId, passwords);
      const status = await t.call('viewer', 'GET', '/api/v1/reflect/status');
      assert.equal(status.statusCode, 200);
      assert.equal(status.json().representation, 'builtin');
    });
  });
}
