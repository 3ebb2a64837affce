import { readCsvRecords } from './csv-reader.ts';

/** One data row of a CSV file with a header, or the reason it could not be read. */
export type CsvTableEvent =
  | { kind: 'header'; line: number; headers: string[] }
  | { kind: 'row'; line: number; fields: string[] }
  | { kind: 'error'; line: number; error: string; fatal?: boolean };

/**
 * Reads a CSV file whose first record is a header row, checking that every data row
 * has exactly as many columns as the header. A file whose header cannot be read is
 * reported once as a fatal error (nothing after it can be interpreted).
 */
export function* readCsvTable(input: Uint8Array): Generator<CsvTableEvent> {
  let headers: string[] | null = null;
  for (const event of readCsvRecords(input)) {
    if (headers === null) {
      if (event.kind === 'error') {
        yield { kind: 'error', line: event.line, error: `header row: ${event.error}`, fatal: true };
        return;
      }
      headers = event.fields.map((h) => h.trim());
      yield { kind: 'header', line: event.line, headers };
      continue;
    }
    if (event.kind === 'error') {
      yield event;
      continue;
    }
    if (event.fields.length !== headers.length) {
      yield {
        kind: 'error',
        line: event.line,
        error: `wrong column count: expected ${headers.length} columns (as in the header), found ${event.fields.length}`,
      };
      continue;
    }
    yield { kind: 'row', line: event.line, fields: event.fields };
  }
  if (headers === null)
    yield { kind: 'error', line: 1, error: 'the file is empty: no header row', fatal: true };
}

/**
 * Header comparison key: case, spaces, underscores and punctuation are ignored so
 * "Created At", "created_at" and "CreatedAt" all match.
 */
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Finds, for each logical field, the index of the first header matching one of its
 * candidate names (in candidate order). Fields with no matching header are absent.
 */
export function resolveColumns<F extends string>(
  headers: string[],
  candidates: Readonly<Record<F, readonly string[]>>,
): Partial<Record<F, number>> {
  const byKey = new Map<string, number>();
  headers.forEach((h, i) => {
    const key = headerKey(h);
    if (!byKey.has(key)) byKey.set(key, i);
  });
  const resolved: Partial<Record<F, number>> = {};
  for (const field of Object.keys(candidates) as F[]) {
    for (const name of candidates[field]) {
      const index = byKey.get(headerKey(name));
      if (index !== undefined) {
        resolved[field] = index;
        break;
      }
    }
  }
  return resolved;
}

/** Reads a resolved column from a row: trimmed, and null when absent or blank. */
export function cell(fields: string[], index: number | undefined): string | null {
  if (index === undefined) return null;
  const value = fields[index]?.trim() ?? '';
  return value === '' ? null : value;
}
