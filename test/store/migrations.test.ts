/**
 * Migrations never strand a database: for every migration of the project's history, a database
 * is built up to that migration, filled with data valid for that schema, and migrated to the
 * latest schema; every row must still be there with the same values, and every foreign key and
 * NOT NULL must hold. A migration added later is picked up by itself (see migration-fills.ts for
 * the few that need help).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { createDeps } from '../../src/deps.ts';
import { SYSTEM_ACTOR } from '../../src/domain/authorization.ts';
import type { DialectName, Store } from '../../src/store/database.ts';
import { type ColumnKind, readSchema, type SchemaInfo, type TableInfo } from '../../src/store/introspect.ts';
import { migrateTo, migrateToLatest, migrationNames } from '../../src/store/migrate.ts';
import { exportData } from '../../src/usecases/export/export.ts';
import { encodeValue } from '../../src/usecases/export/format.ts';
import { restoreExport } from '../../src/usecases/export/restore.ts';
import { dependencyOrder } from '../../src/usecases/export/tables.ts';
import { fillEmptyTables, fillThroughApi } from '../export/fixture.ts';
import { parseExport } from '../export/helpers.ts';
import { startTestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { MIGRATION_FILLS } from './migration-fills.ts';

// biome-ignore lint/suspicious/noExplicitAny: the schema changes from one migration to the next
type AnyDb = Kysely<any>;
type Row = Record<string, unknown>;

const MIGRATOR_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

const dataTables = (schema: SchemaInfo) =>
  dependencyOrder([...schema.values()].filter((t) => !t.internal && !MIGRATOR_TABLES.has(t.name)));

const keyOf = (table: TableInfo, row: Row) => JSON.stringify(table.primaryKey.map((k) => row[k]));

/** Every row of every table, with values as both databases agree on them (the export's form). */
async function dump(db: AnyDb, schema: SchemaInfo): Promise<Map<string, Row[]>> {
  const out = new Map<string, Row[]>();
  for (const table of dataTables(schema)) {
    const order = table.primaryKey.length > 0 ? table.primaryKey : table.columns.map((c) => c.name);
    const rows = await sql<Row>`select * from ${sql.table(table.name)}
      order by ${sql.join(order.map((c) => sql.ref(c)))}`.execute(db);
    out.set(
      table.name,
      rows.rows.map((raw) =>
        Object.fromEntries(table.columns.map((c) => [c.name, encodeValue(raw[c.name], c.kind)])),
      ),
    );
  }
  return out;
}

/** The fixture's rows of `table`, cut to the columns the table has at this schema. */
function project(table: TableInfo, rows: Row[], migration: string): Row[] {
  const present = rows[0] ?? {};
  const missing = table.columns.filter(
    (c) => !c.generated && c.notNull && !c.hasDefault && !Object.hasOwn(present, c.name),
  );
  assert.equal(
    missing.length,
    0,
    `${table.name}.${missing.map((c) => c.name).join(', ')} exists after ${migration} but not in the latest schema: register a fill for it in test/store/migration-fills.ts`,
  );
  return rows.map((row) =>
    Object.fromEntries(
      table.columns
        .filter((c) => !c.generated && Object.hasOwn(row, c.name))
        .map((c) => [
          c.name,
          c.kind === 'blob' && typeof row[c.name] === 'string'
            ? Buffer.from(String(row[c.name]), 'base64')
            : row[c.name],
        ]),
    ),
  );
}

async function fillAt(db: AnyDb, schema: SchemaInfo, fixture: Map<string, Row[]>, migration: string) {
  const tables = dataTables(schema);
  // What the migrations seeded makes way for the fixture's own rows (which include them, edited).
  for (const table of [...tables].reverse()) await sql`delete from ${sql.table(table.name)}`.execute(db);
  const filled = new Map<string, Row[]>();
  for (const table of tables) {
    const rows = project(table, fixture.get(table.name) ?? [], migration);
    if (rows.length === 0) continue;
    const columns = Object.keys(rows[0]);
    // One statement per table: rows that refer to rows of their own table need no order.
    await sql`insert into ${sql.table(table.name)} (${sql.join(columns.map((c) => sql.ref(c)))})
      values ${sql.join(rows.map((r) => sql`(${sql.join(columns.map((c) => r[c]))})`))}`.execute(db);
    filled.set(table.name, rows);
  }
  return filled;
}

/** Foreign keys that point nowhere and NOT NULL columns holding null, on either database. */
async function brokenConstraints(db: AnyDb, dialect: DialectName, schema: SchemaInfo): Promise<string[]> {
  const broken: string[] = [];
  for (const table of dataTables(schema)) {
    for (const fk of table.foreignKeys) {
      const set = sql.join(
        fk.columns.map((c) => sql`c.${sql.ref(c)} is not null`),
        sql` and `,
      );
      const match = sql.join(
        fk.columns.map((c, i) => sql`p.${sql.ref(fk.refColumns[i])} = c.${sql.ref(c)}`),
        sql` and `,
      );
      const orphans = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table.name)} c
        where ${set} and not exists (select 1 from ${sql.table(fk.refTable)} p where ${match})`.execute(db);
      if (Number(orphans.rows[0].n) > 0)
        broken.push(`${table.name}.${fk.columns.join(',')} → ${fk.refTable}`);
    }
    for (const column of table.columns.filter((c) => c.notNull)) {
      const nulls = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table.name)}
        where ${sql.ref(column.name)} is null`.execute(db);
      if (Number(nulls.rows[0].n) > 0) broken.push(`${table.name}.${column.name} is null`);
    }
  }
  if (dialect === 'sqlite') {
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
    if (integrity.rows[0]?.integrity_check !== 'ok')
      broken.push(`integrity_check: ${JSON.stringify(integrity.rows)}`);
    const fks = await sql`pragma foreign_key_check`.execute(db);
    if (fks.rows.length > 0) broken.push(`foreign_key_check: ${JSON.stringify(fks.rows)}`);
  }
  return broken;
}

/** The operator's export of a store, as text. */
async function exportText(store: Store): Promise<string> {
  let text = '';
  await exportData(createDeps({ store }), SYSTEM_ACTOR, { audience: 'operator' }, async (chunk) => {
    text += chunk;
  });
  return text;
}

async function* linesOf(text: string) {
  yield* text.split('\n');
}

for (const target of databaseTargets()) {
  describe(`every migration prefix reaches the latest schema with nothing lost (${target.name})`, () => {
    const names = migrationNames();
    let fixture: Map<string, Row[]>;
    before(async () => {
      const t = await startTestApp(target);
      try {
        await fillThroughApi(t);
        await fillEmptyTables(t.store.db, t.store.dialect, (name) => !MIGRATOR_TABLES.has(name));
        fixture = await dump(t.store.db, await readSchema(t.store.db, t.store.dialect));
      } finally {
        await t.close();
      }
    });
    let checked = 0;
    after(() => assert.equal(checked, names.length, 'every migration was a starting point'));

    for (const [index, name] of names.entries()) {
      test(`a database filled right after ${name} migrates to the latest schema with its rows and constraints intact, and its export restores into the latest schema`, async () => {
        const { store, drop } = await target.create({ migrate: false });
        try {
          await migrateTo(store.db, name);
          const filled = await fillAt(store.db, await readSchema(store.db, store.dialect), fixture, name);
          await MIGRATION_FILLS[name]?.fill?.(store.db);
          const oldExport = await exportText(store);
          await migrateToLatest(store.db);

          const latest = await readSchema(store.db, store.dialect);
          const now = await dump(store.db, latest);
          const later = names.slice(index + 1);
          const changed = new Set(later.flatMap((m) => MIGRATION_FILLS[m]?.changes ?? []));
          for (const [tableName, rows] of filled) {
            const table = latest.get(tableName);
            if (changed.has(`${tableName}.*`)) continue;
            assert.ok(
              table,
              `${tableName} disappeared: declare it under changes of the migration that drops it`,
            );
            const byKey = new Map((now.get(tableName) ?? []).map((r) => [keyOf(table, r), r]));
            for (const row of rows) {
              const found = byKey.get(keyOf(table, row));
              assert.ok(found, `a row of ${tableName} was lost: ${keyOf(table, row)}`);
              for (const [column, value] of Object.entries(row)) {
                if (changed.has(`${tableName}.${column}`)) continue;
                const kind: ColumnKind = table.columns.find((c) => c.name === column)?.kind ?? 'text';
                assert.deepEqual(found[column], encodeValue(value, kind), `${tableName}.${column} changed`);
              }
            }
          }
          assert.deepEqual(await brokenConstraints(store.db, store.dialect, latest), []);
          for (const migration of later) await MIGRATION_FILLS[migration]?.check?.(store.db);

          // An export made at that schema restores into this productOS: import-all loads it into
          // the schema it was made at and migrates it, which gives what migrating the source gave.
          const restored = await target.create({ migrate: false });
          try {
            const summary = await restoreExport(restored.store, SYSTEM_ACTOR, linesOf(oldExport));
            assert.equal(summary.schema, name);
            assert.deepEqual(summary.migrated, later);
            const expected = parseExport(await exportText(store)).tables;
            const got = parseExport(await exportText(restored.store)).tables;
            for (const tableName of filled.keys())
              assert.deepEqual(got.get(tableName)?.rows, expected.get(tableName)?.rows, tableName);
          } finally {
            await restored.drop();
          }
          checked++;
        } finally {
          await drop();
        }
      });
    }
  });
}
