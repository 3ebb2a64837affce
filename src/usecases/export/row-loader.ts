/**
 * import-all's loading of table and row lines into the open transaction: each line checked against
 * the schema (its number in every error), rows inserted in multi-row statements, and references to
 * rows not loaded yet (of the same table, or of a table further on) filled in once those exist.
 */
import { sql, type Transaction } from 'kysely';
import { AppError } from '../../domain/errors.ts';
import type { DialectName } from '../../store/database.ts';
import type { ColumnInfo, ForeignKeyInfo, SchemaInfo, TableInfo } from '../../store/introspect.ts';
import type { Database } from '../../store/schema.ts';
import { decodeValue, type ExportValue, isObject } from './format.ts';
import { policyOf } from './tables.ts';

/** Parameters per INSERT statement, well under SQLite's 32,766 and PostgreSQL's 65,535. */
const PARAMETERS_PER_INSERT = 20_000;
const MAX_ROWS_PER_INSERT = 500;

/** A line of the file and its number, for error messages. */
export interface NumberedLine {
  number: number;
  text: string;
}

/** An error about one line of the file. */
export const badLine = (line: number, message: string) => new AppError('invalid', `line ${line}: ${message}`);

/** Numbers the lines of the file from 1. */
export async function* numbered(lines: AsyncIterable<string>): AsyncGenerator<NumberedLine> {
  let number = 0;
  for await (const text of lines) {
    number++;
    yield { number, text };
  }
}

/** A line as a JSON object, or an error naming the line. */
export function parseJson(line: NumberedLine): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    throw badLine(line.number, 'is not JSON (is this a productOS export?)');
  }
  if (!isObject(value)) throw badLine(line.number, 'is not a JSON object');
  return value;
}

/** A reference import-all fills in once the rows it points to are there. */
interface DeferredReference {
  table: TableInfo;
  key: unknown[];
  foreignKey: ForeignKeyInfo;
  values: unknown[];
}

/** Loads the table and row lines into one transaction, checking every line against the schema. */
export class RowLoader {
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
