/**
 * Minimal RFC 4180 CSV reader: quoted fields, doubled quotes, commas and newlines inside quotes,
 * CRLF or LF line ends. Enough for the labelled evaluation files; no streaming needed at their size.
 */

/** Parses CSV text into rows of fields. A trailing empty line is ignored. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let i = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < src.length) {
    const ch = src[i];
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      inQuotes = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (ch === '\r' && src[i + 1] === '\n') i++;
    } else {
      field += ch;
    }
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
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
