import { importCannyCsv } from './canny-csv.ts';
import { importEml } from './eml.ts';
import { importFiderCsv } from './fider-csv.ts';
import { importGenericCsv } from './generic-csv.ts';
import type { ImportOptions, ImportRow } from './import-row.ts';
import { importJsonl } from './jsonl.ts';
import { importMbox } from './mbox.ts';
import { importProductboardCsv } from './productboard-csv.ts';

export { type AccountImportRow, type ImportedAccount, parseAccountsCsv } from './accounts-csv.ts';
export { checkCsvMapping, DEFAULT_CSV_COLUMNS } from './generic-csv.ts';
export type { ImportOptions, ImportRow } from './import-row.ts';

export const IMPORT_FORMATS = ['csv', 'canny', 'productboard', 'fider', 'jsonl', 'eml', 'mbox'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Narrows an arbitrary string (CLI flag, form field) to a known import format. */
export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * Parses an import file and streams one ImportRow per record (CSV row, JSONL line,
 * e-mail message): either the normalised item or the reason it was rejected, always
 * with the line it starts on. Rows are produced lazily, so a caller can store them as
 * they come and report progress (options.onProgress) on large files.
 */
export async function* parseImport(
  format: ImportFormat,
  input: Buffer,
  options: ImportOptions = {},
): AsyncGenerator<ImportRow> {
  switch (format) {
    case 'csv':
      yield* importGenericCsv(input, options);
      return;
    case 'canny':
      yield* importCannyCsv(input, options);
      return;
    case 'productboard':
      yield* importProductboardCsv(input, options);
      return;
    case 'fider':
      yield* importFiderCsv(input, options);
      return;
    case 'jsonl':
      yield* importJsonl(input, options);
      return;
    case 'eml':
      yield* importEml(input, options);
      return;
    case 'mbox':
      yield* importMbox(input, options);
      return;
    default: {
      const unknownFormat: never = format;
      throw new Error(`unknown import format ${String(unknownFormat)}`);
    }
  }
}
