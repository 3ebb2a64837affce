import { type CsvFeedbackLayout, importCsvFeedback } from './csv-feedback.ts';
import { headerKey, readCsvTable } from './csv-table.ts';
import { FEEDBACK_FIELDS, type FeedbackField } from './feedback-fields.ts';
import type { ImportOptions, ImportRow } from './import-row.ts';

/**
 * Header names recognised when no mapping is given. Matching ignores case, spaces and
 * punctuation (see headerKey), so "Created At" also matches "created_at".
 */
export const DEFAULT_CSV_COLUMNS: Readonly<Record<FeedbackField, readonly string[]>> = {
  text: [
    'text',
    'feedback',
    'comment',
    'comments',
    'body',
    'message',
    'description',
    'details',
    'content',
    'note',
  ],
  title: ['title', 'subject', 'summary'],
  email: [
    'email',
    'e-mail',
    'email address',
    'user email',
    'customer email',
    'author email',
    'contact email',
  ],
  name: ['name', 'full name', 'user name', 'customer name', 'author name', 'author', 'contact name'],
  account: ['account', 'company', 'company name', 'organization', 'organisation', 'customer'],
  receivedAt: [
    'date',
    'created_at',
    'created',
    'created date',
    'timestamp',
    'submitted at',
    'received at',
    'time',
  ],
  externalId: ['id', 'external id', 'ticket id', 'reference'],
  product: ['product', 'product name'],
  surface: ['surface', 'area', 'feature', 'component', 'page'],
  url: ['url', 'link', 'permalink'],
  arr: ['arr', 'annual recurring revenue'],
  currency: ['currency'],
  segment: ['segment'],
  plan: ['plan', 'tier'],
};

export type MappingCheck = { ok: true } | { ok: false; error: string };

/** Checks that a mapping only names known fields and includes a text (or title) column. */
export function checkCsvMapping(mapping: Record<string, string>): MappingCheck {
  const unknown = Object.keys(mapping).filter((k) => !(FEEDBACK_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    return {
      ok: false,
      error: `mapping: unknown field(s) ${unknown.join(', ')}; known: ${FEEDBACK_FIELDS.join(', ')}`,
    };
  }
  if (!mapping.text && !mapping.title)
    return { ok: false, error: 'mapping: "text" (or "title") is required' };
  return { ok: true };
}

/**
 * Imports a generic CSV. With a mapping (field → header, e.g. {text: 'Comment'}),
 * exactly those columns are used and a mapped header missing from the file is a
 * file-level error; without one, DEFAULT_CSV_COLUMNS are recognised.
 */
export function* importGenericCsv(input: Uint8Array, options: ImportOptions): Generator<ImportRow> {
  const mapping = options.mapping;
  if (!mapping || Object.keys(mapping).length === 0) {
    yield* importCsvFeedback({ label: 'CSV', channel: 'csv', columns: DEFAULT_CSV_COLUMNS }, input, options);
    return;
  }
  const check = checkCsvMapping(mapping);
  if (!check.ok) {
    yield { line: 1, error: check.error };
    return;
  }
  const missing = missingMappedHeaders(input, mapping);
  if (missing) {
    yield missing;
    return;
  }
  const columns: CsvFeedbackLayout['columns'] = {};
  for (const [field, header] of Object.entries(mapping)) columns[field as FeedbackField] = [header];
  yield* importCsvFeedback({ label: 'CSV', channel: 'csv', columns }, input, options);
}

// Reads only the header record (the generator stops right after it).
function missingMappedHeaders(input: Uint8Array, mapping: Record<string, string>): ImportRow | null {
  for (const event of readCsvTable(input)) {
    if (event.kind !== 'header') return null;
    const present = new Set(event.headers.map(headerKey));
    const absent = Object.entries(mapping).filter(([, header]) => !present.has(headerKey(header)));
    if (absent.length === 0) return null;
    const list = absent.map(([field, header]) => `"${header}" (for ${field})`).join(', ');
    return {
      line: event.line,
      error: `mapping: column ${list} not found; columns are: ${event.headers.join(', ')}`,
    };
  }
  return null;
}
