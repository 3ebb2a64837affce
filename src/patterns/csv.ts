import { readCsvRecords } from '../integrations/imports/csv-reader.ts';

/**
 * Parses CSV text into rows of fields with the importers' RFC 4180 reader (quoted fields, doubled
 * quotes, newlines inside quotes, CRLF, BOM). A malformed record is an error naming its line.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const event of readCsvRecords(Buffer.from(text, 'utf8'))) {
    if (event.kind === 'error') throw new Error(`line ${event.line}: ${event.error}`);
    rows.push(event.fields);
  }
  return rows;
}

/** A labelled text row as used by the evaluation. */
export interface LabelledRow {
  text: string;
  label: string;
}

/**
 * Reads `text` and `label` columns by header name. Throws with a readable message when either
 * column is missing, so the CLI can report it instead of producing nonsense metrics.
 */
export function parseLabelledCsv(text: string): LabelledRow[] {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new Error('CSV file is empty');
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const textCol = header.indexOf('text');
  const labelCol = header.indexOf('label');
  if (textCol < 0 || labelCol < 0) throw new Error('CSV header must include "text" and "label" columns');
  const out: LabelledRow[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length === 1 && row[0] === '') continue;
    out.push({ text: row[textCol] ?? '', label: (row[labelCol] ?? '').trim() });
  }
  return out;
}
