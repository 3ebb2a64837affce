/**
 * A streaming RFC 4180 CSV reader that works on raw bytes.
 *
 * Why bytes and not a decoded string: the structural characters (quote, comma, CR, LF)
 * are ASCII, and UTF-8 never uses bytes below 0x80 inside a multi-byte sequence, so we
 * can split records on bytes safely and decode each field on its own. That lets us
 * report invalid UTF-8 per row (with its line number) instead of failing the whole
 * file or silently turning bytes into U+FFFD.
 */

export type CsvRecord = { kind: 'record'; line: number; fields: string[] };
export type CsvReadError = { kind: 'error'; line: number; error: string };
export type CsvEvent = CsvRecord | CsvReadError;

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

type Segment = [start: number, end: number];

/**
 * Reads CSV records one at a time. `line` is the 1-based physical line on which the
 * record starts. Blank lines are skipped. Malformed records become `error` events and
 * reading resumes after them, so one broken row never hides the good rows after it.
 */
export function* readCsvRecords(input: Uint8Array): Generator<CsvEvent> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const bytes = input;
  const length = bytes.length;
  let pos = hasUtf8Bom(bytes) ? 3 : 0;
  let line = 1;

  while (pos < length) {
    const recordLine = line;
    const fieldSegments: Segment[][] = [];
    let problem: string | null = null;
    let skipped = false;
    let recordDone = false;

    while (!recordDone) {
      const segments: Segment[] = [];
      if (pos < length && bytes[pos] === QUOTE) {
        const fieldLine = line;
        const fieldStart = pos;
        pos++;
        let segStart = pos;
        let closed = false;
        while (pos <= length) {
          const q = indexOfByte(bytes, QUOTE, pos);
          if (q === -1) break;
          line += countLineFeeds(bytes, pos, q);
          if (bytes[q + 1] === QUOTE) {
            // A doubled quote is one literal quote inside a quoted field.
            segments.push([segStart, q + 1]);
            pos = q + 2;
            segStart = pos;
            continue;
          }
          segments.push([segStart, q]);
          pos = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          yield {
            kind: 'error',
            line: fieldLine,
            error: `unbalanced quotes: the quoted field that starts on line ${fieldLine} is never closed`,
          };
          // Resume on the physical line after the one where the unclosed field began;
          // treating the rest of the file as one giant field would hide every later row.
          const nextLine = indexOfByte(bytes, LF, fieldStart);
          if (nextLine === -1) return;
          pos = nextLine + 1;
          line = fieldLine + 1;
          recordDone = true;
          skipped = true;
          break;
        }
        const next = bytes[pos];
        if (pos < length && next !== COMMA && next !== CR && next !== LF) {
          problem = `unexpected character after the closing quote of column ${fieldSegments.length + 1}`;
          // Skip the rest of the physical line: we cannot know where this field really ends.
          const lf = indexOfByte(bytes, LF, pos);
          pos = lf === -1 ? length : lf;
        }
      } else {
        const start = pos;
        while (pos < length) {
          const b = bytes[pos];
          if (b === COMMA || b === CR || b === LF) break;
          pos++;
        }
        segments.push([start, pos]);
      }
      fieldSegments.push(segments);

      if (pos >= length) {
        recordDone = true;
      } else if (bytes[pos] === COMMA) {
        pos++;
      } else {
        // CRLF, LF or a lone CR all end the record.
        if (bytes[pos] === CR && bytes[pos + 1] === LF) pos++;
        pos++;
        line++;
        recordDone = true;
      }
    }

    if (skipped) continue;
    if (problem) {
      yield { kind: 'error', line: recordLine, error: problem };
      continue;
    }
    if (isBlankRecord(fieldSegments)) continue;

    const fields: string[] = [];
    let encodingError: string | null = null;
    for (let i = 0; i < fieldSegments.length; i++) {
      try {
        fields.push(decodeSegments(decoder, bytes, fieldSegments[i]));
      } catch {
        encodingError = `invalid UTF-8 in column ${i + 1}: the file must be saved as UTF-8`;
        break;
      }
    }
    if (encodingError) {
      yield { kind: 'error', line: recordLine, error: encodingError };
      continue;
    }
    yield { kind: 'record', line: recordLine, fields };
  }
}

function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function indexOfByte(bytes: Uint8Array, value: number, from: number): number {
  return bytes.indexOf(value, from);
}

function countLineFeeds(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (bytes[i] === LF) count++;
  return count;
}

function isBlankRecord(fieldSegments: Segment[][]): boolean {
  if (fieldSegments.length !== 1) return false;
  const segments = fieldSegments[0];
  return segments.length === 1 && segments[0][0] === segments[0][1];
}

function decodeSegments(decoder: TextDecoder, bytes: Uint8Array, segments: Segment[]): string {
  if (segments.length === 1) return decoder.decode(bytes.subarray(segments[0][0], segments[0][1]));
  let total = 0;
  for (const [s, e] of segments) total += e - s;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const [s, e] of segments) {
    joined.set(bytes.subarray(s, e), offset);
    offset += e - s;
  }
  return decoder.decode(joined);
}
