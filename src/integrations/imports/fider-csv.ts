import type { CsvFeedbackLayout } from './csv-feedback.ts';
import { importCsvFeedback } from './csv-feedback.ts';
import type { ImportOptions, ImportRow } from './import-row.ts';

/**
 * Fider "Export posts to CSV" (Site Settings → Export, GET /admin/export/posts.csv).
 *
 * Columns, in order, as written by Fider's own exporter (getfider/fider,
 * app/pkg/csv/csv.go `FromPosts`, and its fixture app/pkg/csv/testdata/more-posts.csv):
 *   number, title, description, created_at, created_by, votes_count, comments_count,
 *   status, responded_by, responded_at, response, original_number, original_title, tags
 * Older Fider versions wrote total_votes / total_comments instead of the *_count names;
 * neither is used here. created_at is RFC 3339. The export has no e-mail and no URL:
 * `created_by` is the author's display name, and the post URL is `<site>/posts/<number>`,
 * which we can only build when the caller passes the site's baseUrl.
 */
export const FIDER_LAYOUT: CsvFeedbackLayout = {
  label: 'Fider export',
  channel: 'fider',
  columns: {
    externalId: ['number'],
    title: ['title'],
    text: ['description'],
    receivedAt: ['created_at'],
    name: ['created_by'],
  },
  refine(values, options) {
    const number = values.externalId;
    const base = options.baseUrl?.replace(/\/+$/, '');
    return { ...values, url: number && base ? `${base}/posts/${number}` : null };
  },
};

/** Imports a Fider posts export. */
export function importFiderCsv(input: Uint8Array, options: ImportOptions): Generator<ImportRow> {
  return importCsvFeedback(FIDER_LAYOUT, input, options);
}
