import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseImport } from '../../src/integrations/imports/index.ts';
import { collect, fixture, partition } from './helpers.ts';

test('JSON Lines keeps valid objects and reports bad JSON and bad shapes with line numbers', async () => {
  const { items, errors } = partition(await collect(parseImport('jsonl', fixture('feedback.jsonl'))));
  assert.deepEqual(
    items.map((r) => r.line),
    [1, 2, 8],
  );
  assert.equal(items[0].item.source.channel, 'api');
  assert.equal(items[0].item.source.externalId, 'evt_1');
  assert.equal(items[1].item.text, 'Please add a Zapier trigger');
  assert.equal(items[1].item.source.channel, 'jsonl');
  assert.equal(items[2].item.source.url, 'https://feedback.example.com/p/42');
  assert.deepEqual(
    errors.map((e) => e.line),
    [4, 5, 6, 7],
  );
  assert.match(errors[0].error, /^invalid JSON: /);
  assert.equal(errors[1].error, 'invalid feedback: text: text is empty');
  assert.equal(errors[2].error, 'invalid feedback: contact.email: Invalid email address');
  assert.match(errors[3].error, /^invalid feedback: .*expected object/);
});

test('the channel option overrides the channel written in each line', async () => {
  const rows = await collect(
    parseImport('jsonl', Buffer.from('{"text":"hi","source":{"channel":"api"}}\n'), { channel: 'portal' }),
  );
  assert.deepEqual(rows, [
    { line: 1, item: { text: 'hi', source: { channel: 'portal', externalId: null, url: null } } },
  ]);
});

test('a JSONL line with invalid UTF-8 is a row error', async () => {
  const input = Buffer.concat([
    Buffer.from('{"text":"'),
    Buffer.from([0xff]),
    Buffer.from('"}\n{"text":"ok"}\n'),
  ]);
  const { items, errors } = partition(await collect(parseImport('jsonl', input)));
  assert.deepEqual(errors, [{ line: 1, error: 'invalid UTF-8: the file must be saved as UTF-8' }]);
  assert.equal(items[0].line, 2);
});
