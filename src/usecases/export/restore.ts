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
import type { DialectName, Store } from '../../store/database.ts';
import {
  appliedMigrations,
  type ColumnInfo,
  type ForeignKeyInfo,
  readSchema,
  type SchemaInfo,
  type TableInfo,
} from '../../store/introspect.ts';
import { migrateTo, migrateToLatest, migrationNames } from '../../store/migrate.ts';
import type { Database } from '../../store/schema.ts';
import { toCount } from '../context.ts';
import { decodeValue, EXPORT_TYPE, EXPORT_VERSION, type ExportValue, isObject } from './format.ts';
import { dependencyOrder, policyOf } from './tables.ts';

/** Parameters per INSERT statement, well under SQLite's 32,766 and PostgreSQL's 65,535. */
const PARAMETERS_PER_INSERT = 20_000;
const MAX_ROWS_PER_INSERT = 500;

export interface RestoreSummary {
  /** The schema the file was exported at, and the migrations applied after loading it. */
  schema: string;
  migrated: string[];
  tables: number;
  rows: number;
}

interface NumberedLine {
  number: number;
  text: string;
}

const badLine = (line: number, message: string) => new AppError('invalid', `line ${line}: ${message}`);

async function* numbered(lines: AsyncIterable<string>): AsyncGenerator<NumberedLine> {
  let number = 0;
  for await (const text of lines) {
    number++;
    yield { number, text };
  }
}

function parseJson(line: NumberedLine): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    throw badLine(line.number, 'is not JSON (is this a productOS export?)');
  }
  if (!isObject(value)) throw badLine(line.number, 'is not a JSON object');
  return value;
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

/** A reference import-all fills in once the rows it points to are there. */
interface DeferredReference {
  table: TableInfo;
  key: unknown[];
  foreignKey: ForeignKeyInfo;
  values: unknown[];
}

/** Loads the table and row lines into one transaction, checking every line against the schema. */
class Loader {
  readonly loaded = new Set<string>();
  private readonly pending: DeferredReference[] = [];
  rows = 0;

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: DialectName,
    private readonly schema: SchemaInfo,
    private readonly fileSchema: string,
  ) {}

  /** Reads one table's announcement and its rows from `lines`. */
  async loadTable(
    announcement: NumberedLine,
    head: Record<string, unknown>,
    lines: AsyncIterator<NumberedLine>,
  ) {
    const { table, columns, count } = this.checkAnnouncement(announcement.number, head);
    const deferred = table.foreignKeys.filter(
      (fk) =>
        (fk.refTable === table.name || !this.loaded.has(fk.refTable)) &&
        fk.columns.every((c) => columns.some((col) => col.name === c) && !this.column(table, c).notNull),
    );
    const batchRows = Math.max(
      1,
      Math.min(MAX_ROWS_PER_INSERT, Math.floor(PARAMETERS_PER_INSERT / columns.length)),
    );
    let batch: unknown[][] = [];
    for (let i = 0; i < count; i++) {
      const next = await lines.next();
      if (next.done)
        throw badLine(
          announcement.number,
          `${table.name} announced ${count} rows, the file ends after ${i}: it is incomplete`,
        );
      batch.push(this.readRow(next.value, table, columns, deferred));
      if (batch.length >= batchRows) {
        await this.insert(table, columns, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.insert(table, columns, batch);
    this.loaded.add(table.name);
    this.rows += count;
    await this.applyDeferred((ref) => ref.foreignKey.refTable === table.name);
  }

  /** Fills every reference still waiting for its rows, then checks none points nowhere. */
  async finish(): Promise<void> {
    await this.applyDeferred(() => true);
  }

  private column(table: TableInfo, name: string): ColumnInfo {
    const column = table.columns.find((c) => c.name === name);
    if (!column) throw new Error(`no column ${table.name}.${name}`);
    return column;
  }

  private checkAnnouncement(line: number, head: Record<string, unknown>) {
    const { table: name, columns: names, rows } = head;
    if (typeof name !== 'string' || !Array.isArray(names) || !names.every((c) => typeof c === 'string'))
      throw badLine(line, 'a table line needs "table" and "columns"');
    if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 0)
      throw badLine(line, 'a table line needs its number of "rows"');
    const table = this.schema.get(name);
    if (!table || table.internal)
      throw badLine(line, `table ${name} does not exist in this database at schema ${this.fileSchema}`);
    const policy = policyOf(name);
    if (policy && !policy.export) throw badLine(line, `table ${name} is never exported (${policy.reason})`);
    if (this.loaded.has(name)) throw badLine(line, `table ${name} appears twice`);
    const columns = names.map((c) => {
      const column = table.columns.find((col) => col.name === c && !col.generated);
      if (!column) throw badLine(line, `column ${name}.${c} does not exist at schema ${this.fileSchema}`);
      return column;
    });
    const missing = table.columns.filter(
      (c) => c.notNull && !c.hasDefault && !c.generated && !names.includes(c.name),
    );
    if (missing.length > 0)
      throw badLine(line, `table ${name} lacks required columns ${missing.map((c) => c.name).join(', ')}`);
    return { table, columns, count: rows };
  }

  private readRow(
    line: NumberedLine,
    table: TableInfo,
    columns: ColumnInfo[],
    deferred: ForeignKeyInfo[],
  ): unknown[] {
    const parsed = parseJson(line);
    if (parsed.table !== table.name || !isObject(parsed.row))
      throw badLine(line.number, `expected a row of ${table.name} (the table line announced more rows)`);
    const row = parsed.row;
    const keys = Object.keys(row);
    if (keys.length !== columns.length || columns.some((c) => !Object.hasOwn(row, c.name)))
      throw badLine(line.number, `the row's columns differ from those its table line announced`);
    const values = columns.map((column) => {
      const value = row[column.name];
      if (value !== null && typeof value !== 'string' && typeof value !== 'number')
        throw badLine(
          line.number,
          `${table.name}.${column.name} holds ${JSON.stringify(value)}, not text, a number or null`,
        );
      return decodeValue(value as ExportValue, column, this.dialect);
    });
    for (const foreignKey of deferred) {
      const positions = foreignKey.columns.map((c) => columns.findIndex((col) => col.name === c));
      const refValues = positions.map((p) => values[p]);
      if (refValues.every((v) => v === null)) continue;
      const key = table.primaryKey.map((k) => values[columns.findIndex((c) => c.name === k)]);
      this.pending.push({ table, key, foreignKey, values: refValues });
      for (const p of positions) values[p] = null;
    }
    return values;
  }

  private async insert(table: TableInfo, columns: ColumnInfo[], rows: unknown[][]): Promise<void> {
    const names = sql.join(columns.map((c) => sql.ref(c.name)));
    const values = sql.join(rows.map((r) => sql`(${sql.join(r)})`));
    await sql`insert into ${sql.table(table.name)} (${names}) values ${values}`.execute(this.trx);
  }

  private async applyDeferred(ready: (ref: DeferredReference) => boolean): Promise<void> {
    const waiting: DeferredReference[] = [];
    for (const ref of this.pending) {
      if (!ready(ref)) {
        waiting.push(ref);
        continue;
      }
      const set = sql.join(ref.foreignKey.columns.map((c, i) => sql`${sql.ref(c)} = ${ref.values[i]}`));
      const where = sql.join(
        ref.table.primaryKey.map((k, i) => sql`${sql.ref(k)} = ${ref.key[i]}`),
        sql` and `,
      );
      await sql`update ${sql.table(ref.table.name)} set ${set} where ${where}`.execute(this.trx);
    }
    this.pending.length = 0;
    this.pending.push(...waiting);
  }
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

  const loader = new Loader(trx, store.dialect, schema, fileSchema);
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
