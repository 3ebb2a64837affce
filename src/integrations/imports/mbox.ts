import { splitLines } from './byte-lines.ts';
import { parseEmailMessage } from './email-message.ts';
import { type ImportOptions, type ImportRow, ProgressCounter } from './import-row.ts';

// A separator is "From <envelope-sender> <asctime date>", e.g.
// "From alice@example.com Mon Jun  3 10:15:00 2024". Requiring the asctime shape keeps
// a body line such as "From what I can tell..." from being taken as a new message,
// even in mboxo files whose writer did not escape it.
const SEPARATOR =
  /^From \S+ +(Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +\d{1,2}:\d{2}(:\d{2})?/;
// mboxrd escapes body lines starting with "From " (and already-escaped ones) by one ">".
const ESCAPED_FROM = /^>+From /;
const NEWLINE = new Uint8Array([0x0a]);

export type MboxMessage = { line: number; raw: Uint8Array } | { line: number; error: string };

/**
 * Splits an mbox file into raw messages, each tagged with the line of its "From "
 * separator, undoing mboxrd ">From " quoting. Content before the first separator is
 * reported as an error (it is not an mbox message) instead of being dropped silently.
 */
export function* splitMbox(input: Uint8Array): Generator<MboxMessage> {
  let current: { line: number; parts: Uint8Array[] } | null = null;
  let preamble: number | null = null;
  for (const { line, bytes } of splitLines(input)) {
    const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 120)).toString(
      'latin1',
    );
    if (SEPARATOR.test(head)) {
      if (current) yield { line: current.line, raw: joinLines(current.parts) };
      current = { line, parts: [] };
      continue;
    }
    if (!current) {
      if (head.trim() !== '' && preamble === null) preamble = line;
      continue;
    }
    current.parts.push(ESCAPED_FROM.test(head) ? bytes.subarray(1) : bytes);
  }
  if (preamble !== null) {
    yield {
      line: preamble,
      error: `not an mbox message: line ${preamble} comes before any "From " separator line`,
    };
  }
  if (current) yield { line: current.line, raw: joinLines(current.parts) };
}

function joinLines(parts: Uint8Array[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  parts.forEach((part, i) => {
    if (i > 0) chunks.push(NEWLINE);
    chunks.push(part);
  });
  return Buffer.concat(chunks);
}

/** Imports every message of an mbox file; a damaged message is one rejected row. */
export async function* importMbox(input: Uint8Array, options: ImportOptions): AsyncGenerator<ImportRow> {
  const progress = new ProgressCounter(options);
  for (const message of splitMbox(input)) {
    progress.tick();
    if ('error' in message) {
      yield message;
      continue;
    }
    const parsed = await parseEmailMessage(message.raw, options.channel ?? 'email');
    yield parsed.ok ? { line: message.line, item: parsed.item } : { line: message.line, error: parsed.error };
  }
  progress.done();
}
