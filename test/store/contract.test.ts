import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDeps } from '../../src/deps.ts';
import { SYSTEM_ACTOR } from '../../src/domain/authorization.ts';
import { AppError } from '../../src/domain/errors.ts';
import { newId } from '../../src/domain/ids.ts';
import type { Store } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { type Deps, inTransaction, toCount } from '../../src/usecases/context.ts';
import { listFeedback } from '../../src/usecases/feedback.ts';
import { ingestFeedback } from '../../src/usecases/feedback-ingest.ts';
import { createPattern, feedbackCounts, linkFeedback } from '../../src/usecases/patterns.ts';
import { createProduct, listProducts } from '../../src/usecases/products.ts';
import { databaseTargets } from '../support/databases.ts';

/** One contract, every storage: the same assertions must hold on SQLite and on PostgreSQL. */
for (const target of databaseTargets()) {
  describe(`store contract on ${target.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let deps: Deps;
    before(async () => {
      const created = await target.create();
      store = created.store;
      drop = created.drop;
      deps = createDeps({ store, clock: () => new Date('2026-11-01T00:00:00Z') });
    });
    after(() => drop());

    test('migrating again applies nothing', async () => {
      assert.deepEqual(await migrateToLatest(store.db), []);
    });

    test('counts come back as numbers', async () => {
      await createProduct(deps, SYSTEM_ACTOR, { name: 'Counted', problem: 'p' });
      const row = await store.db
        .selectFrom('products')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      assert.equal(typeof toCount(row?.n), 'number');
      assert.equal(toCount(row?.n), 1);
    });

    test('large ARR values survive as exact numbers', async () => {
      const { items } = await ingestFeedback(deps, SYSTEM_ACTOR, [
        { text: 'big', contact: { email: 'cfo@big.test', account: 'Big Co', arr: 9_000_000_000_00 } },
      ]);
      const contact = await store.db
        .selectFrom('contacts')
        .selectAll()
        .where('id', '=', items[0].feedback.contactId as string)
        .executeTakeFirstOrThrow();
      const account = await store.db
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', contact.account_id as string)
        .executeTakeFirstOrThrow();
      assert.equal(Number(account.arr), 9_000_000_000_00);
    });

    test('foreign keys are enforced by the database itself', async () => {
      await assert.rejects(
        store.db
          .insertInto('pattern_feedback')
          .values({
            pattern_id: newId(),
            feedback_id: newId(),
            linked_by: null,
            linked_at: '2026-11-01T00:00:00Z',
          })
          .execute(),
      );
    });

    test('a failed write leaves neither its rows nor its history behind', async () => {
      const before = toCount(
        (
          await store.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst()
        )?.n,
      );
      await assert.rejects(
        inTransaction(deps, SYSTEM_ACTOR, async (tx) => {
          await tx.db
            .insertInto('accounts')
            .values({
              id: newId(),
              name: 'Ghost',
              arr: 1,
              currency: 'USD',
              segment: null,
              plan: null,
              created_at: tx.now,
              updated_at: tx.now,
            })
            .execute();
          await tx.record('account', 'ghost', 'create', {});
          throw new AppError('conflict', 'changed my mind');
        }),
        /changed my mind/,
      );
      const after = toCount(
        (
          await store.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst()
        )?.n,
      );
      assert.equal(after, before);
      assert.equal(
        await store.db.selectFrom('accounts').select('id').where('name', '=', 'Ghost').executeTakeFirst(),
        undefined,
      );
    });

    test('a unique source id is stored once even when the same batch repeats it', async () => {
      const batch = Array.from({ length: 3 }, () => ({
        text: 'same',
        source: { channel: 'email' as const, externalId: 'dup-1' },
      }));
      const result = await ingestFeedback(deps, SYSTEM_ACTOR, batch);
      assert.equal(result.created, 1);
      const rows = await store.db
        .selectFrom('feedback')
        .select('id')
        .where('external_id', '=', 'dup-1')
        .execute();
      assert.equal(rows.length, 1);
    });

    test('cursor pages walk every row exactly once, newest received first', async () => {
      const items = Array.from({ length: 230 }, (_, i) => ({
        text: `paged ${i}`,
        receivedAt: new Date(Date.UTC(2026, 0, 1) + (i % 50) * 3_600_000).toISOString(),
        source: { channel: 'csv' as const, externalId: `p-${i}` },
      }));
      await ingestFeedback(deps, SYSTEM_ACTOR, items);
      const seen: string[] = [];
      const times: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listFeedback(deps, SYSTEM_ACTOR, { q: 'paged', limit: 37, cursor });
        seen.push(...page.items.map((f) => f.id));
        times.push(...page.items.map((f) => f.receivedAt));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.equal(seen.length, 230);
      assert.equal(new Set(seen).size, 230);
      assert.deepEqual(times, [...times].sort().reverse());
    });

    test('derived link counts agree with the links', async () => {
      const fb = await ingestFeedback(deps, SYSTEM_ACTOR, [{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
      const p = await createPattern(deps, SYSTEM_ACTOR, { title: 'abc' });
      await linkFeedback(
        deps,
        SYSTEM_ACTOR,
        p.id,
        fb.items.map((i) => i.feedback.id),
      );
      assert.equal((await feedbackCounts(store.db, [p.id])).get(p.id), 3);
      const page = await listProducts(deps, SYSTEM_ACTOR, {});
      assert.ok(page.items.length >= 1);
    });
  });
}
