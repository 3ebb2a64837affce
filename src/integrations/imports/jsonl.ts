import { describeZodIssues, feedbackSourceSchema, incomingFeedbackSchema } from '../incoming-feedback.ts';
import { splitLines } from './byte-lines.ts';
import { type ImportOptions, type ImportRow, ProgressCounter } from './import-row.ts';

// A JSONL line is an IncomingFeedback whose source may be left out (the import knows it).
const jsonlLineSchema = incomingFeedbackSchema.extend({
  source: feedbackSourceSchema.partial({ channel: true }).optional(),
});

/**
 * Imports JSON Lines: one IncomingFeedback-shaped object per line. Blank lines are
 * skipped; invalid UTF-8, invalid JSON and objects of the wrong shape are row errors.
 * The channel is the line's own source.channel, else options.channel, else "jsonl";
 * options.channel, when given, wins.
 */
export function* importJsonl(input: Uint8Array, options: ImportOptions): Generator<ImportRow> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const progress = new ProgressCounter(options);
  let first = true;
  for (const { line, bytes } of splitLines(input)) {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      progress.tick();
      yield { line, error: 'invalid UTF-8: the file must be saved as UTF-8' };
      continue;
    }
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    if (text.trim() === '') continue;
    progress.tick();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line, error: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
      continue;
    }
    const parsed = jsonlLineSchema.safeParse(value);
    if (!parsed.success) {
      yield { line, error: `invalid feedback: ${describeZodIssues(parsed.error)}` };
      continue;
    }
    const { source, ...rest } = parsed.data;
    const item = {
      ...rest,
      source: {
        channel: options.channel ?? source?.channel ?? 'jsonl',
        externalId: source?.externalId ?? null,
        url: source?.url ?? null,
      },
    };
    yield { line, item };
  }
  progress.done();
}
