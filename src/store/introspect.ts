/**
 * The live schema as the database itself reports it (sqlite_master and pragmas on SQLite, the
 * catalogs on PostgreSQL): tables, columns, primary keys and foreign keys. Export, import-all and
 * the migration tests read it, so a table or column another migration adds is seen without anyone
 * listing it by hand.
 */
import { type Kysely, sql } from 'kysely';
import type { DialectName } from './database.ts';

/**
 * A column's type reduced to what decides how its values travel between the two databases:
 * `integer` and `real` are JSON numbers, `boolean` is 0/1, `blob` is base64 text, `json` and
 * `timestamp` are text.
 */
export type ColumnKind = 'text' | 'integer' | 'real' | 'boolean' | 'blob' | 'json' | 'timestamp';

export interface ColumnInfo {
  name: string;
  /** The type as declared (SQLite) or as PostgreSQL names it. */
  declared: string;
  kind: ColumnKind;
  notNull: boolean;
  hasDefault: boolean;
  /** Computed by the database (GENERATED ... AS): never written, so never exported. */
  generated: boolean;
  /** Filled from a sequence (serial, identity): the sequence must be moved past restored values. */
  serial: boolean;
}

export interface ForeignKeyInfo {
  columns: string[];
  refTable: string;
  refColumns: string[];
}

export interface TableInfo {
  name: string;
  /** In the order the database lists them (creation order). */
  columns: ColumnInfo[];
  /** Primary key columns in key order; empty when the table has none. */
  primaryKey: string[];
  foreignKeys: ForeignKeyInfo[];
  /** SQLite virtual tables (full-text indexes) and their shadow tables are never plain data. */
  internal: 'virtual' | 'shadow' | null;
}

export type SchemaInfo = Map<string, TableInfo>;

/** Anything Kysely can run a raw query on: a database or a transaction of one, of any schema. */
// biome-ignore lint/suspicious/noExplicitAny: the schema is read, not assumed; any Kysely instance will do
type AnyDb = Kysely<any>;

function sqliteKind(declared: string): ColumnKind {
  const t = declared.toLowerCase();
  if (t.includes('bool')) return 'boolean';
  if (t.includes('int')) return 'integer';
  if (t.includes('char') || t.includes('clob') || t.includes('text')) return 'text';
  if (t === '' || t.includes('blob')) return 'blob';
  if (t.includes('real') || t.includes('floa') || t.includes('doub')) return 'real';
  if (t.includes('json')) return 'json';
  if (t.includes('date') || t.includes('time')) return 'timestamp';
  return 'real';
}

function postgresKind(dataType: string): ColumnKind {
  const t = dataType.toLowerCase();
  if (t === 'boolean') return 'boolean';
  if (t === 'smallint' || t === 'integer' || t === 'bigint') return 'integer';
  if (t === 'real' || t === 'double precision' || t === 'numeric') return 'real';
  if (t === 'bytea') return 'blob';
  if (t === 'json' || t === 'jsonb') return 'json';
  if (t.startsWith('timestamp') || t === 'date') return 'timestamp';
  return 'text';
}

async function readSqliteSchema(db: AnyDb): Promise<SchemaInfo> {
  const tables = await sql<{ name: string; type: string }>`
    select name, type from pragma_table_list where schema = 'main' and type in ('table', 'virtual', 'shadow')
      and name not like 'sqlite\\_%' escape '\\' order by name`.execute(db);
  const schema: SchemaInfo = new Map();
  for (const { name, type } of tables.rows) {
    const columns = await sql<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
      hidden: number;
    }>`select name, type, "notnull", dflt_value, pk, hidden from pragma_table_xinfo(${name}) order by cid`.execute(
      db,
    );
    const keys = await sql<{ id: number; seq: number; table: string; from: string; to: string | null }>`
      select id, seq, "table", "from", "to" from pragma_foreign_key_list(${name}) order by id, seq`.execute(
      db,
    );
    const foreignKeys = new Map<number, ForeignKeyInfo>();
    for (const k of keys.rows) {
      const fk = foreignKeys.get(k.id) ?? { columns: [], refTable: k.table, refColumns: [] };
      fk.columns.push(k.from);
      fk.refColumns.push(k.to ?? '');
      foreignKeys.set(k.id, fk);
    }
    const visible = columns.rows.filter((c) => c.hidden !== 1);
    const primaryKey = visible
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    schema.set(name, {
      name,
      columns: visible.map((c) => ({
        name: c.name,
        declared: c.type,
        kind: sqliteKind(c.type),
        notNull: c.notnull === 1 || c.pk > 0,
        hasDefault: c.dflt_value !== null,
        generated: c.hidden === 2 || c.hidden === 3,
        serial: false,
      })),
      primaryKey,
      foreignKeys: [...foreignKeys.values()],
      internal: type === 'virtual' ? 'virtual' : type === 'shadow' ? 'shadow' : null,
    });
  }
  // A reference written without columns means the other table's primary key.
  for (const table of schema.values()) {
    for (const fk of table.foreignKeys) {
      if (fk.refColumns.some((c) => c === '')) fk.refColumns = schema.get(fk.refTable)?.primaryKey ?? [];
    }
  }
  return schema;
}

async function readPostgresSchema(db: AnyDb): Promise<SchemaInfo> {
  const columns = await sql<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
    is_generated: string;
    is_identity: string;
  }>`
    select c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default, c.is_generated, c.is_identity
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  const keys = await sql<{ table_name: string; column_name: string }>`
    select k.table_name, k.column_name
    from information_schema.table_constraints tc
    join information_schema.key_column_usage k
      on k.constraint_schema = tc.constraint_schema and k.constraint_name = tc.constraint_name
      and k.table_name = tc.table_name
    where tc.table_schema = current_schema() and tc.constraint_type = 'PRIMARY KEY'
    order by k.table_name, k.ordinal_position`.execute(db);
  const foreign = await sql<{
    name: string;
    table_name: string;
    ref_table: string;
    col: string;
    ref_col: string;
  }>`
    select c.conname as name, cl.relname as table_name, rf.relname as ref_table, a.attname as col, af.attname as ref_col
    from pg_constraint c
    join pg_namespace n on n.oid = c.connamespace
    join pg_class cl on cl.oid = c.conrelid
    join pg_class rf on rf.oid = c.confrelid
    cross join lateral unnest(c.conkey, c.confkey) with ordinality as k(attnum, refnum, ord)
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
    join pg_attribute af on af.attrelid = c.confrelid and af.attnum = k.refnum
    where c.contype = 'f' and n.nspname = current_schema()
    order by cl.relname, c.conname, k.ord`.execute(db);

  const schema: SchemaInfo = new Map();
  for (const c of columns.rows) {
    let table = schema.get(c.table_name);
    if (!table) {
      table = { name: c.table_name, columns: [], primaryKey: [], foreignKeys: [], internal: null };
      schema.set(c.table_name, table);
    }
    table.columns.push({
      name: c.column_name,
      declared: c.data_type,
      kind: postgresKind(c.data_type),
      notNull: c.is_nullable === 'NO',
      hasDefault: c.column_default !== null || c.is_identity === 'YES',
      generated: c.is_generated === 'ALWAYS',
      serial: c.is_identity === 'YES' || (c.column_default ?? '').startsWith('nextval('),
    });
  }
  for (const k of keys.rows) schema.get(k.table_name)?.primaryKey.push(k.column_name);
  const byName = new Map<string, ForeignKeyInfo & { table: string }>();
  for (const f of foreign.rows) {
    const id = `${f.table_name}.${f.name}`;
    const fk = byName.get(id) ?? { table: f.table_name, columns: [], refTable: f.ref_table, refColumns: [] };
    fk.columns.push(f.col);
    fk.refColumns.push(f.ref_col);
    byName.set(id, fk);
  }
  for (const { table, ...fk } of byName.values()) schema.get(table)?.foreignKeys.push(fk);
  return new Map([...schema.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Reads the tables of the database `db` is connected to (its current schema on PostgreSQL). */
export function readSchema(db: AnyDb, dialect: DialectName): Promise<SchemaInfo> {
  return dialect === 'sqlite' ? readSqliteSchema(db) : readPostgresSchema(db);
}

/** The names of the migrations applied to a database, oldest first; empty before the first one. */
export async function appliedMigrations(db: AnyDb, dialect: DialectName): Promise<string[]> {
  const schema = await readSchema(db, dialect);
  if (!schema.has('kysely_migration')) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}
