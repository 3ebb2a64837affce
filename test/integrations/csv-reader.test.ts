import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CsvEvent, readCsvRecords } from '../../src/integrations/imports/csv-reader.ts';
import { readCsvTable } from '../../src/integrations/imports/csv-table.ts';

const read = (text: string | Buffer): CsvEvent[] => [...readCsvRecords(Buffer.from(text))];

test('quoted fields keep commas, doubled quotes and embedded newlines', () => {
  const events = read('a,b,c\n"x, y","say ""hi""","line1\nline2"\nlast,row,here\n');
  assert.deepEqual(events, [
    { kind: 'record', line: 1, fields: ['a', 'b', 'c'] },
    { kind: 'record', line: 2, fields: ['x, y', 'say "hi"', 'line1\nline2'] },
    { kind: 'record', line: 4, fields: ['last', 'row', 'here'] },
  ]);
});

test('CRLF line endings, a UTF-8 BOM and a missing final newline are handled', () => {
  const events = read(
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,text\r\n1,héllo\r\n2,"a\r\nb"')]),
  );
  assert.deepEqual(events, [
    { kind: 'record', line: 1, fields: ['id', 'text'] },
    { kind: 'record', line: 2, fields: ['1', 'héllo'] },
    { kind: 'record', line: 3, fields: ['2', 'a\r\nb'] },
  ]);
});

test('blank lines are skipped and empty fields are kept', () => {
  assert.deepEqual(read('a,b\n\n,\n'), [
    { kind: 'record', line: 1, fields: ['a', 'b'] },
    { kind: 'record', line: 3, fields: ['', ''] },
  ]);
});

test('an unterminated quote is reported on the line where its field started and later rows survive', () => {
  const events = read('id,text\n1,"never closed\n2,fine\n');
  assert.deepEqual(events[1], {
    kind: 'error',
    line: 2,
    error: 'unbalanced quotes: the quoted field that starts on line 2 is never closed',
  });
  assert.deepEqual(events[2], { kind: 'record', line: 3, fields: ['2', 'fine'] });
});

test('text after a closing quote is a row error naming the column', () => {
  const events = read('a,b\n"x"y,z\nok,1\n');
  assert.deepEqual(events[1], {
    kind: 'error',
    line: 2,
    error: 'unexpected character after the closing quote of column 1',
  });
  assert.deepEqual(events[2], { kind: 'record', line: 3, fields: ['ok', '1'] });
});

test('invalid UTF-8 bytes make that row an error and leave other rows intact', () => {
  const bytes = Buffer.concat([
    Buffer.from('id,text\n1,caf'),
    Buffer.from([0xe9]),
    Buffer.from('\n2,café\n'),
  ]);
  const events = read(bytes);
  assert.deepEqual(events[1], {
    kind: 'error',
    line: 2,
    error: 'invalid UTF-8 in column 2: the file must be saved as UTF-8',
  });
  assert.deepEqual(events[2], { kind: 'record', line: 3, fields: ['2', 'café'] });
});

test('rows with the wrong number of columns are reported with their line', () => {
  const events = [...readCsvTable(Buffer.from('a,b,c\n1,2,3\n1,2\n1,2,3,4\n'))];
  assert.deepEqual(events.slice(1), [
    { kind: 'row', line: 2, fields: ['1', '2', '3'] },
    { kind: 'error', line: 3, error: 'wrong column count: expected 3 columns (as in the header), found 2' },
    { kind: 'error', line: 4, error: 'wrong column count: expected 3 columns (as in the header), found 4' },
  ]);
});

test('an empty file is a fatal error', () => {
  assert.deepEqual(
    [...readCsvTable(Buffer.alloc(0))],
    [{ kind: 'error', line: 1, error: 'the file is empty: no header row', fatal: true }],
  );
});

test('an unclosed quote after a valid multi-line field resumes right after the broken field', () => {
  const events = read('a,b\n"multi\nline",ok\nx,"open\ny,z\n');
  assert.deepEqual(events.slice(1), [
    { kind: 'record', line: 2, fields: ['multi\nline', 'ok'] },
    {
      kind: 'error',
      line: 4,
      error: 'unbalanced quotes: the quoted field that starts on line 4 is never closed',
    },
    { kind: 'record', line: 5, fields: ['y', 'z'] },
  ]);
});
