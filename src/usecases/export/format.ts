/**
 * The export file: JSON Lines, one object per line.
 *
 *   {"type":"productos-export","version":1,"schema":"<last migration>","secrets":true,"note":"…"}
 *   {"type":"table","table":"accounts","columns":["id","arr",…],"rows":2}
 *   {"table":"accounts","row":{"id":"…","arr":120000000,…}}
 *   …
 *   {"type":"end","tables":31,"rows":12345}
 *
 * Each table line announces how many rows follow, and the end line closes the file, so a file cut
 * short (an interrupted download) is recognised instead of restored in part. Values are those both
 * databases agree on: text (timestamps as ISO-8601), JSON numbers, 0/1 for booleans, base64 for
 * binary, null. Nothing in the file depends on when or from which database it was made, so
 * export → import-all → export gives the same file, line for line.
 */
import type { ColumnInfo, ColumnKind } from '../../store/introspect.ts';

export const EXPORT_TYPE = 'productos-export';
export const EXPORT_VERSION = 1;

export type ExportValue = string | number | null;

export interface ExportHeader {
  type: typeof EXPORT_TYPE;
  version: number;
  /** The last migration of the exported database: the schema its rows fit. */
  schema: string;
  /** true: the operator's complete export (a backup); false: an admin's copy without secrets. */
  secrets: boolean;
  note: string;
  /** Columns left out, by table (an admin's copy only). */
  withheld?: Record<string, string[]>;
}

export interface TableLine {
  type: 'table';
  table: string;
  columns: string[];
  rows: number;
}

export interface RowLine {
  table: string;
  row: Record<string, ExportValue>;
}

export interface EndLine {
  type: 'end';
  tables: number;
  rows: number;
}

export const OPERATOR_NOTE =
  'This file holds secrets: password hashes, webhook signing secrets, unsubscribe tokens and private reflections. Keep it as safe as the database itself. API tokens and sessions are not in it. Restore with: productos import-all FILE (into an empty database).';

export const ADMIN_NOTE =
  'The company’s data without secrets: password hashes, webhook secrets and unsubscribe tokens are withheld, and other people’s private reflections are left out. It is not a backup: use `productos export` on the server for one.';

/** A value as read from either database, in the form the file keeps. */
export function encodeValue(value: unknown, kind: ColumnKind): ExportValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (kind === 'boolean') return value === 0 ? 0 : 1;
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  // json/jsonb columns come back parsed on PostgreSQL; the file keeps them as the text SQLite has.
  return JSON.stringify(value);
}

/** A value from the file as the target column takes it. */
export function decodeValue(value: ExportValue, column: ColumnInfo, dialect: 'sqlite' | 'postgres'): unknown {
  if (value === null) return null;
  if (column.kind === 'blob' && typeof value === 'string') return Buffer.from(value, 'base64');
  if (column.kind === 'boolean' && dialect === 'postgres')
    return value === 1 || value === '1' || value === 'true';
  return value;
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
