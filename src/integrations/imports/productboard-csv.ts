import type { CsvFeedbackLayout } from './csv-feedback.ts';
import { importCsvFeedback } from './csv-feedback.ts';
import type { ImportOptions, ImportRow } from './import-row.ts';

/**
 * Productboard notes export (Insights → All notes → Export, served from
 * /api/notes/export?export_type=with_features&strip_html=true).
 *
 * Columns as documented by a team analysing real exports (public repo skill
 * "productboard-insights", notes-export.csv): feature_name, feature_id,
 * parent_feature_id, id, created_at, note_title, note_text, state, creator_name,
 * creator_email, owner_name, owner_email, user_name, user_email, company_name,
 * company_domain, source_id, source_url, tags, uuid, last_updated_at, company_uuid.
 * Productboard's public API names the note link `display_url`, so it is accepted too.
 *
 * The "with_features" export writes one row per note × linked feature, so the same
 * note can appear several times: we keep its first row and skip the repeats.
 * The customer is user_* (creator_* / owner_* are Productboard teammates, not customers).
 */
export const PRODUCTBOARD_LAYOUT: CsvFeedbackLayout = {
  label: 'Productboard notes export',
  channel: 'productboard',
  columns: {
    externalId: ['id', 'note_id', 'uuid'],
    title: ['note_title', 'title'],
    text: ['note_text', 'note_content', 'content'],
    receivedAt: ['created_at'],
    email: ['user_email', 'customer_email'],
    name: ['user_name', 'customer_name'],
    account: ['company_name'],
    url: ['display_url', 'source_url'],
  },
  dedupeKey: (values) => values.externalId ?? null,
};

/** Imports a Productboard notes export. */
export function importProductboardCsv(input: Uint8Array, options: ImportOptions): Generator<ImportRow> {
  return importCsvFeedback(PRODUCTBOARD_LAYOUT, input, options);
}
