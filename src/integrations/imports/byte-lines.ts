const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a buffer into physical lines (LF or CRLF, terminator removed) without
 * decoding the whole file, numbering them from 1.
 */
export function* splitLines(input: Uint8Array): Generator<{ line: number; bytes: Uint8Array }> {
  let start = 0;
  let line = 1;
  while (start < input.length) {
    const lf = input.indexOf(LF, start);
    const end = lf === -1 ? input.length : lf;
    const stop = end > start && input[end - 1] === CR ? end - 1 : end;
    yield { line, bytes: input.subarray(start, stop) };
    start = end + 1;
    line++;
  }
}
