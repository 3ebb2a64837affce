/**
 * import-all: restores an operator's export into an empty database, SQLite or PostgreSQL whichever
 * made the file. The rows are loaded into the schema they were exported from (a new database is
 * migrated that far first), in one transaction, and then migrated to the latest schema like any
 * other database: an old export restores into a new productOS. A file that is cut short, malformed,
 * or does not fit the schema is refused with its line number, and nothing is stored.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Actor } from '../../domain/authorization.ts';
import { AppError, conflict, forbidden } from '../../domain/errors.ts';
import type { Store } from '../../store/database.ts';
import { appliedMigrations, readSchema, type SchemaInfo, type TableInfo } from '../../store/introspect.ts';
import { migrateTo, migrateToLatest, migrationNames } from '../../store/migrate.ts';
import type { Database } from '../../store/schema.ts';
import { toCount } from '../context.ts';
import { EXPORT_TYPE, EXPORT_VERSION } from './format.ts';
import { badLine, type NumberedLine, numbered, parseJson, RowLoader } from './row-loader.ts';
import { dependencyOrder, policyOf } from './tables.ts';

export interface RestoreSummary {
  /** The schema the file was exported at, and the migrations applied after loading it. */
  schema: string;
  migrated: string[];
  tables: number;
  rows: number;
}

function readHeader(line: NumberedLine | undefined): { schema: string } {
  if (!line) throw new AppError('invalid', 'the file is empty');
  const header = parseJson(line);
  if (header.type !== EXPORT_TYPE) throw badLine(line.number, 'is not the header of a productOS export');
  if (header.version !== EXPORT_VERSION)
    throw badLine(
      line.number,
      `export format ${String(header.version)} is not one this productOS reads (${EXPORT_VERSION})`,
    );
  if (header.secrets !== true)
    throw badLine(
      line.number,
      'this export was made through the API, without password hashes, webhook secrets and private reflections; a restore needs a complete export made with `productos export`',
    );
  if (typeof header.schema !== 'string') throw badLine(line.number, 'the header names no schema');
  return { schema: header.schema };
}

function isSeeded(table: string): boolean {
  const policy = policyOf(table);
  return policy?.export === true && policy.seeded === true;
}

/** Refuses a database that holds data: import-all never merges. */
async function assertEmpty(db: Kysely<Database>, schema: SchemaInfo): Promise<void> {
  const filled: string[] = [];
  for (const table of schema.values()) {
    const policy = policyOf(table.name);
    if (table.internal || (policy && (!policy.export || policy.seeded))) continue;
    const result = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table.name)}`.execute(db);
    const rows = toCount(result.rows[0]?.n);
    if (rows > 0) filled.push(`${table.name} (${rows.toLocaleString('en')} ${rows === 1 ? 'row' : 'rows'})`);
  }
  if (filled.length > 0)
    throw conflict(
      `the database is not empty: ${filled.join(', ')}. import-all restores into an empty database and never merges: create a new one (a new SQLite file, or createdb on PostgreSQL), point DATABASE_URL at it and run import-all again`,
    );
}

/** Brings the database to the file's schema, refusing anything it cannot restore into. */
async function prepareSchema(store: Store, fileSchema: string): Promise<void> {
  const known = migrationNames();
  const newest = known[known.length - 1];
  if (!known.includes(fileSchema))
    throw badLine(
      1,
      `the file was exported at schema ${fileSchema}, which this productOS does not know (its newest is ${newest}): upgrade productOS, then import it`,
    );
  const applied = await appliedMigrations(store.db, store.dialect);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw conflict(
      `the database was migrated by a newer productOS (${unknown.join(', ')}): upgrade productOS first`,
    );
  const current = applied[applied.length - 1];
  if (current !== undefined) await assertEmpty(store.db, await readSchema(store.db, store.dialect));
  if (current !== undefined && current > fileSchema)
    throw conflict(
      `the database is already at schema ${current}, newer than the file's ${fileSchema}. Rows are loaded into the schema they were exported from and then migrated, so give import-all a new database with no schema yet (a new SQLite file, or createdb on PostgreSQL): it creates the schema itself`,
    );
  if (current !== fileSchema) await migrateTo(store.db, fileSchema);
}

/** After explicit ids were written, sequences must hand out values past them (PostgreSQL). */
async function advanceSequences(trx: Transaction<Database>, tables: TableInfo[]): Promise<void> {
  for (const table of tables) {
    for (const column of table.columns.filter((c) => c.serial)) {
      await sql`select setval(pg_get_serial_sequence(${table.name}, ${column.name}),
        coalesce((select max(${sql.ref(column.name)}) from ${sql.table(table.name)}), 1),
        (select count(*) from ${sql.table(table.name)}) > 0)`.execute(trx);
    }
  }
}

async function loadFile(
  trx: Transaction<Database>,
  store: Store,
  schema: SchemaInfo,
  fileSchema: string,
  lines: AsyncIterator<NumberedLine>,
): Promise<{ tables: number; rows: number }> {
  // Rows a migration seeded (the principles, the default rubric) give way to the file's.
  const seeded = dependencyOrder([...schema.values()].filter((t) => isSeeded(t.name))).reverse();
  for (const table of seeded) await sql`delete from ${sql.table(table.name)}`.execute(trx);

  const loader = new RowLoader(trx, store.dialect, schema, fileSchema);
  let last = 1;
  for (;;) {
    const next = await lines.next();
    if (next.done)
      throw badLine(
        last,
        'the file ends here without its end line: it is incomplete (an interrupted export or download)',
      );
    last = next.value.number;
    if (next.value.text.trim() === '') continue;
    const head = parseJson(next.value);
    if (head.type === 'table') {
      await loader.loadTable(next.value, head, lines);
      continue;
    }
    if (head.type !== 'end') throw badLine(last, 'expected a table line or the end line');
    if (head.tables !== loader.loaded.size || head.rows !== loader.rows)
      throw badLine(
        last,
        `the end line counts ${String(head.tables)} tables and ${String(head.rows)} rows, the file held ${loader.loaded.size} and ${loader.rows}`,
      );
    for (let after = await lines.next(); !after.done; after = await lines.next())
      if (after.value.text.trim() !== '') throw badLine(after.value.number, 'comes after the end line');
    break;
  }
  await loader.finish();
  for (const table of schema.values()) {
    const policy = policyOf(table.name);
    if (policy && !policy.export && policy.rebuild) await policy.rebuild(trx, store.dialect);
  }
  if (store.dialect === 'postgres')
    await advanceSequences(
      trx,
      [...schema.values()].filter((t) => loader.loaded.has(t.name)),
    );
  return { tables: loader.loaded.size, rows: loader.rows };
}

/**
 * Restores an export made by `productos export` into the empty database of `store`: loads it into
 * the schema it was exported at (all or nothing), migrates it to the latest schema, and refreshes
 * the planner's statistics. Only the operator restores.
 */
export async function restoreExport(
  store: Store,
  actor: Actor | null,
  input: AsyncIterable<string>,
): Promise<RestoreSummary> {
  if (actor?.kind !== 'system') throw forbidden('a restore is run with `productos import-all` on the server');
  const lines = numbered(input)[Symbol.asyncIterator]();
  const first = await lines.next();
  const header = readHeader(first.done ? undefined : first.value);
  await prepareSchema(store, header.schema);
  const schema = await readSchema(store.db, store.dialect);
  await assertEmpty(store.db, schema);
  const loaded = await store.db
    .transaction()
    .execute((trx) => loadFile(trx, store, schema, header.schema, lines));
  const migrated = await migrateToLatest(store.db);
  // Fresh statistics, so the planner knows the tables are no longer empty.
  await sql`analyze`.execute(store.db);
  if (store.dialect === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(store.db);
  return { schema: header.schema, migrated, ...loaded };
}
