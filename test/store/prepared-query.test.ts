import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/database.ts';
import { PreparedQuery } from '../../src/store/prepared-query.ts';
import type { EventsTable } from '../../src/store/schema.ts';
import { databaseTargets } from '../support/databases.ts';

const insertEvent = new PreparedQuery<Omit<EventsTable, 'action'>>((db, param) =>
  db.insertInto('events').values({
    id: param('id'),
    actor_id: param('actor_id'),
    actor_name: param('actor_name'),
    at: param('at'),
    item_type: param('item_type'),
    item_id: param('item_id'),
    action: 'create', // a constant stays a constant
    changes_json: param('changes_json'),
  }),
);
const eventsOf = new PreparedQuery<{ itemId: string }, EventsTable>((db, param) =>
  db.selectFrom('events').selectAll().where('item_id', '=', param('itemId')).orderBy('id'),
);

for (const target of databaseTargets()) {
  describe(`prepared queries on ${target.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    before(async () => {
      ({ store, drop } = await target.create());
    });
    after(() => drop());

    test('run with fresh values each time, inside and outside transactions, constants kept', async () => {
      const event = (id: string, itemId: string) => ({
        id,
        actor_id: null,
        actor_name: 'tests',
        at: '2026-11-01T10:00:00.000Z',
        item_type: 'feedback',
        item_id: itemId,
        changes_json: `{"n":"${id}"}`,
      });
      await insertEvent.execute(store, event('e1', 'item-a'));
      await store.db.transaction().execute(async (trx) => {
        const tx = { db: trx, dialect: store.dialect };
        await insertEvent.execute(tx, event('e2', 'item-a'));
        await insertEvent.execute(tx, event('e3', 'item-b'));
      });
      const a = (await eventsOf.execute(store, { itemId: 'item-a' })).rows;
      assert.deepEqual(
        a.map((r) => [r.id, r.action, r.changes_json]),
        [
          ['e1', 'create', '{"n":"e1"}'],
          ['e2', 'create', '{"n":"e2"}'],
        ],
      );
      assert.deepEqual(
        (await eventsOf.execute(store, { itemId: 'item-b' })).rows.map((r) => r.id),
        ['e3'],
      );
      assert.equal((await eventsOf.execute(store, { itemId: 'item-c' })).rows.length, 0);
    });
  });
}
