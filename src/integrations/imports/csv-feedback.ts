import type { FeedbackChannel } from '../incoming-feedback.ts';
import { cell, readCsvTable, resolveColumns } from './csv-table.ts';
import { buildFeedback, type FeedbackField, type FeedbackFieldValues } from './feedback-fields.ts';
import { type ImportOptions, type ImportRow, ProgressCounter } from './import-row.ts';

/** Describes how one CSV layout (generic or a vendor export) maps onto feedback fields. */
export interface CsvFeedbackLayout {
  /** Name used in error messages, e.g. "Canny export". */
  label: string;
  channel: FeedbackChannel;
  /** Candidate header names per field, first match wins. */
  columns: Partial<Record<FeedbackField, readonly string[]>>;
  /** Extra per-row adjustments (fallback ids, URLs built from numbers...). */
  refine?: (values: FeedbackFieldValues, options: ImportOptions) => FeedbackFieldValues;
  /** Key that identifies repeated rows of the same record (e.g. one row per linked feature). */
  dedupeKey?: (values: FeedbackFieldValues) => string | null;
}

/**
 * Streams a CSV file through a layout: every data row becomes an item or an error
 * carrying its line number; a file-level problem (unreadable header, no text column)
 * is reported once on the header line.
 */
export function* importCsvFeedback(
  layout: CsvFeedbackLayout,
  input: Uint8Array,
  options: ImportOptions,
): Generator<ImportRow> {
  const progress = new ProgressCounter(options);
  const channel = options.channel ?? layout.channel;
  const seen = new Set<string>();
  let columns: Partial<Record<FeedbackField, number>> = {};

  for (const event of readCsvTable(input)) {
    if (event.kind === 'header') {
      columns = resolveColumns(event.headers, layout.columns as Record<FeedbackField, readonly string[]>);
      if (columns.text === undefined && columns.title === undefined) {
        const expected = [...(layout.columns.text ?? []), ...(layout.columns.title ?? [])].join('", "');
        yield {
          line: event.line,
          error: `${layout.label}: no feedback text column found (expected one of "${expected}"); columns are: ${event.headers.join(', ')}`,
        };
        return;
      }
      continue;
    }
    progress.tick();
    if (event.kind === 'error') {
      yield { line: event.line, error: event.error };
      if (event.fatal) break;
      continue;
    }
    let values: FeedbackFieldValues = {};
    for (const [field, index] of Object.entries(columns) as [FeedbackField, number][]) {
      values[field] = cell(event.fields, index);
    }
    if (layout.refine) values = layout.refine(values, options);
    const key = layout.dedupeKey?.(values);
    if (key) {
      // Repeated rows describe the same record (e.g. a note linked to two features).
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const built = buildFeedback(values, channel);
    yield built.ok ? { line: event.line, item: built.item } : { line: event.line, error: built.error };
  }
  progress.done();
}
