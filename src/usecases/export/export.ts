/**
 * Export: every exported table (see tables.ts), in dependency order, as JSON Lines (see format.ts),
 * read from one consistent snapshot in pages of primary-key order (keyset pagination: each page is
 * an index range after the last key written), so memory stays bounded at any size and rows
 * written meanwhile neither appear half nor break a reference.
 */
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Actor, authorize } from '../../domain/authorization.ts';
import { AppError, forbidden } from '../../domain/errors.ts';
import type { DialectName } from '../../store/database.ts';
import { appliedMigrations, readSchema } from '../../store/introspect.ts';
import type { Database } from '../../store/schema.ts';
import { withReadSnapshot } from '../../store/snapshot.ts';
import { type Deps, toCount } from '../context.ts';
import {
  ADMIN_NOTE,
  type EndLine,
  EXPORT_TYPE,
  EXPORT_VERSION,
  type ExportHeader,
  type ExportValue,
  encodeValue,
  OPERATOR_NOTE,
  type TableLine,
} from './format.ts';
import { type ExportAudience, type PlannedTable, planExport } from './tables.ts';

/** Rows per page: large enough that a page costs little more than its rows, small enough to hold. */
const PAGE_ROWS = 1000;

export interface ExportProgress {
  table: string;
  rows: number;
  totalRows: number;
}

export interface ExportOptions {
  audience: ExportAudience;
  onProgress?: (progress: ExportProgress) => void;
}

export interface ExportSummary {
  schema: string;
  tables: number;
  rows: number;
  /** Tables the schema has but this build has no decision for (see tables.ts). */
  unknown: string[];
}

/** Receives the file in pieces; resolves when it can take more (backpressure). */
export type ExportSink = (chunk: string) => Promise<void>;

function authorizeExport(actor: Actor | null, audience: ExportAudience): string | null {
  if (audience === 'operator') {
    // The complete export holds password hashes and every private journal: only the operator, on
    // the server itself, may make one.
    if (actor?.kind !== 'system')
      throw forbidden('a complete export is made with `productos export` on the server');
    return null;
  }
  authorize(actor, 'data:export');
  if (!actor.userId) throw forbidden('an export through the API needs a signed-in admin');
  return actor.userId;
}

function visibility(planned: PlannedTable, viewer: string | null): RawBuilder<SqlBool> | null {
  return viewer && planned.policy?.visibleTo ? planned.policy.visibleTo(viewer) : null;
}

async function countRows(db: Kysely<Database>, planned: PlannedTable, filter: RawBuilder<SqlBool> | null) {
  const where = filter ? sql`where ${filter}` : sql``;
  const result = await sql<{
    n: unknown;
  }>`select count(*) as n from ${sql.table(planned.table.name)} ${where}`.execute(db);
  return toCount(result.rows[0]?.n);
}

/** One page of a table: the rows after `after` (a primary key), in key order. */
async function readPage(
  db: Kysely<Database>,
  planned: PlannedTable,
  filter: RawBuilder<SqlBool> | null,
  after: unknown[] | null,
): Promise<Array<Record<string, unknown>>> {
  const key = sql.join(planned.table.primaryKey.map((c) => sql.ref(c)));
  const conditions: RawBuilder<unknown>[] = [];
  if (filter) conditions.push(filter);
  if (after) conditions.push(sql`(${key}) > (${sql.join(after)})`);
  const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const columns = sql.join(planned.columns.map((c) => sql.ref(c.name)));
  const result = await sql<Record<string, unknown>>`
    select ${columns} from ${sql.table(planned.table.name)} ${where} order by ${key} limit ${PAGE_ROWS}`.execute(
    db,
  );
  return result.rows;
}

function headerOf(schema: string, audience: ExportAudience, plan: PlannedTable[]): ExportHeader {
  if (audience === 'operator')
    return { type: EXPORT_TYPE, version: EXPORT_VERSION, schema, secrets: true, note: OPERATOR_NOTE };
  const withheld: Record<string, string[]> = {};
  for (const p of plan) if (p.withheld.length > 0) withheld[p.table.name] = p.withheld;
  return { type: EXPORT_TYPE, version: EXPORT_VERSION, schema, secrets: false, note: ADMIN_NOTE, withheld };
}

/** Turns a page of rows into row lines: values in the file's form, secrets blanked where asked. */
function rowLines(planned: PlannedTable, rows: Array<Record<string, unknown>>): string {
  let chunk = '';
  for (const raw of rows) {
    const row: Record<string, ExportValue> = {};
    for (const column of planned.columns) {
      const value = encodeValue(raw[column.name], column.kind);
      const redact = planned.redact[column.name];
      row[column.name] = redact && typeof value === 'string' ? redact(value) : value;
    }
    chunk += `${JSON.stringify({ table: planned.table.name, row })}\n`;
  }
  return chunk;
}

/** Writes one table's line and its rows, page by page; calls `onPage` with the rows of each page. */
async function writeTable(
  db: Kysely<Database>,
  planned: PlannedTable,
  filter: RawBuilder<SqlBool> | null,
  count: number,
  write: ExportSink,
  onPage: (rows: number) => void,
): Promise<void> {
  const name = planned.table.name;
  const line: TableLine = {
    type: 'table',
    table: name,
    columns: planned.columns.map((c) => c.name),
    rows: count,
  };
  await write(`${JSON.stringify(line)}\n`);
  let after: unknown[] | null = null;
  let written = 0;
  for (;;) {
    const rows = await readPage(db, planned, filter, after);
    if (rows.length === 0) break;
    await write(rowLines(planned, rows));
    written += rows.length;
    onPage(rows.length);
    const last = rows[rows.length - 1];
    after = planned.table.primaryKey.map((k) => last[k]);
    if (rows.length < PAGE_ROWS) break;
  }
  // Only possible without a snapshot (an in-memory database written meanwhile): never write a
  // file whose announced counts are wrong, import-all would refuse it.
  if (written !== count)
    throw new AppError(
      'conflict',
      `table ${name} changed while it was exported (${count} → ${written} rows)`,
    );
}

async function writeTables(
  db: Kysely<Database>,
  dialect: DialectName,
  viewer: string | null,
  options: ExportOptions,
  write: ExportSink,
): Promise<ExportSummary> {
  const schema = await readSchema(db, dialect);
  const applied = await appliedMigrations(db, dialect);
  const version = applied[applied.length - 1];
  if (!version) throw new AppError('conflict', 'the database has no schema yet: there is nothing to export');
  const plan = planExport(schema, options.audience);
  for (const planned of plan.tables)
    if (planned.table.primaryKey.length === 0)
      throw new AppError(
        'conflict',
        `table ${planned.table.name} has no primary key, so it cannot be read in pages`,
      );
  const counts: number[] = [];
  for (const planned of plan.tables) counts.push(await countRows(db, planned, visibility(planned, viewer)));
  const totalRows = counts.reduce((a, b) => a + b, 0);
  await write(`${JSON.stringify(headerOf(version, options.audience, plan.tables))}\n`);
  let done = 0;
  for (const [index, planned] of plan.tables.entries()) {
    await writeTable(db, planned, visibility(planned, viewer), counts[index], write, (rows) => {
      done += rows;
      options.onProgress?.({ table: planned.table.name, rows: done, totalRows });
    });
  }
  const end: EndLine = { type: 'end', tables: plan.tables.length, rows: done };
  await write(`${JSON.stringify(end)}\n`);
  return { schema: version, tables: plan.tables.length, rows: done, unknown: plan.unknown };
}

/**
 * Writes the export of everything `actor` may take out to `write`. The operator (the CLI, acting
 * on the database itself) gets the complete file; an admin through the API gets it without secret
 * columns and without other people's private reflections.
 */
export async function exportData(
  deps: Deps,
  actor: Actor | null,
  options: ExportOptions,
  write: ExportSink,
): Promise<ExportSummary> {
  const viewer = authorizeExport(actor, options.audience);
  return withReadSnapshot(deps.store, (db) => writeTables(db, deps.store.dialect, viewer, options, write));
}
