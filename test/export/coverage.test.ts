import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Store } from '../../src/store/database.ts';
import { readSchema, type SchemaInfo } from '../../src/store/introspect.ts';
import { DATA_TABLES, decisionProblems, planExport } from '../../src/usecases/export/tables.ts';
import { databaseTargets } from '../support/databases.ts';

for (const target of databaseTargets()) {
  describe(`every table of the live schema has an export decision (${target.name})`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let schema: SchemaInfo;
    before(async () => {
      ({ store, drop } = await target.create());
      schema = await readSchema(store.db, store.dialect);
    });
    after(() => drop());

    test('every table is exported or skipped with a reason, and every decision names a table that exists', () => {
      assert.deepEqual(decisionProblems(schema, store.dialect), []);
      assert.ok(schema.size >= Object.keys(DATA_TABLES).length - 1);
    });

    test('a table added without a decision, or with a secret-looking column, is reported', async () => {
      const scratch = await target.create();
      try {
        await sql`create table zz_undecided (id text primary key, api_key text)`.execute(scratch.store.db);
        await sql`alter table users add column recovery_token text`.execute(scratch.store.db);
        const problems = decisionProblems(await readSchema(scratch.store.db, scratch.store.dialect), scratch.store.dialect);
        assert.equal(problems.length, 2, problems.join('\n'));
        assert.match(problems.join('\n'), /table zz_undecided has no export decision/);
        assert.match(problems.join('\n'), /users\.recovery_token looks like a secret/);
      } finally {
        await scratch.drop();
      }
    });

    test('the API export withholds every secret column and every table the operator’s does not write', () => {
      const admin = planExport(schema, 'admin');
      const operator = planExport(schema, 'operator');
      assert.deepEqual(
        admin.tables.map((p) => p.table.name),
        operator.tables.map((p) => p.table.name),
        'the same tables, in the same order',
      );
      for (const planned of admin.tables) {
        const policy = DATA_TABLES[planned.table.name];
        const secret = policy.export ? (policy.secret ?? []) : [];
        for (const column of secret)
          assert.ok(!planned.columns.some((c) => c.name === column), `${planned.table.name}.${column}`);
      }
      const users = admin.tables.find((p) => p.table.name === 'users');
      assert.deepEqual(users?.withheld, ['password_hash']);
      for (const [name, policy] of Object.entries(DATA_TABLES))
        if (!policy.export) assert.ok(!operator.tables.some((p) => p.table.name === name), name);
    });

    test('tables come after the tables they refer to', () => {
      const order = planExport(schema, 'operator').tables.map((p) => p.table.name);
      for (const planned of planExport(schema, 'operator').tables)
        for (const fk of planned.table.foreignKeys)
          if (fk.refTable !== planned.table.name)
            assert.ok(
              order.indexOf(fk.refTable) < order.indexOf(planned.table.name),
              `${planned.table.name} after ${fk.refTable}`,
            );
    });

    test('a freshly migrated database holds only rows its migrations seed, so import-all takes it as empty', async () => {
      for (const planned of planExport(schema, 'operator').tables) {
        const policy = DATA_TABLES[planned.table.name];
        if (policy?.export && policy.seeded) continue;
        const result = await sql<{
          n: unknown;
        }>`select count(*) as n from ${sql.table(planned.table.name)}`.execute(store.db);
        assert.equal(
          Number(result.rows[0].n),
          0,
          `${planned.table.name} has rows after migrating: mark it seeded in DATA_TABLES if a migration fills it`,
        );
      }
    });
  });
}
