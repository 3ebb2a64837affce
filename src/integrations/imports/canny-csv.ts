import type { CsvFeedbackLayout } from './csv-feedback.ts';
import { importCsvFeedback } from './csv-feedback.ts';
import type { ImportOptions, ImportRow } from './import-row.ts';

/**
 * Canny posts export (Admin → Feedback → Export CSV).
 *
 * Canny does not publish a specification of this file. What we could verify:
 * - a Canny → Featurebase migration workflow reading a real export
 *   (devodii/featurebase-connect-sdk, templates/canny-migration.json) uses the headers
 *   "Title", "Details", "Board", "Author Email", "Author Name", "Created At", "Votes",
 *   "Status", "Tags";
 * - Canny's API post object (developers.canny.io/api-reference) names the same data
 *   id, title, details, url, created, author.name/email, board, category, status.
 * We therefore match those headers case-insensitively, with the API names as aliases,
 * and take the post's id as externalId (falling back to its URL, which is stable).
 */
export const CANNY_LAYOUT: CsvFeedbackLayout = {
  label: 'Canny export',
  channel: 'canny',
  columns: {
    externalId: ['ID', 'Post ID'],
    title: ['Title', 'Post Title'],
    text: ['Details', 'Description'],
    email: ['Author Email', 'Email'],
    name: ['Author Name', 'Author'],
    account: ['Company', 'Company Name', 'Author Company'],
    receivedAt: ['Created At', 'Created', 'Created Date', 'Date'],
    url: ['URL', 'Post URL', 'Link'],
    surface: ['Category'],
  },
  refine: (values) => ({ ...values, externalId: values.externalId ?? values.url ?? null }),
};

/** Imports a Canny posts export. */
export function importCannyCsv(input: Uint8Array, options: ImportOptions): Generator<ImportRow> {
  return importCsvFeedback(CANNY_LAYOUT, input, options);
}
