import { parseEmailMessage } from './email-message.ts';
import { type ImportOptions, type ImportRow, ProgressCounter } from './import-row.ts';

/** Imports a single .eml message; its row is reported as line 1. */
export async function* importEml(input: Uint8Array, options: ImportOptions): AsyncGenerator<ImportRow> {
  const progress = new ProgressCounter(options);
  progress.tick();
  const parsed = await parseEmailMessage(input, options.channel ?? 'email');
  yield parsed.ok ? { line: 1, item: parsed.item } : { line: 1, error: parsed.error };
  progress.done();
}
