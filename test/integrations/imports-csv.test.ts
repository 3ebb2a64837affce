import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseImport } from '../../src/integrations/imports/index.ts';
import { collect, fixture, partition } from './helpers.ts';

test('generic CSV without a mapping recognises common headers and reports bad rows by line', async () => {
  const { items, errors } = partition(await collect(parseImport('csv', fixture('generic-feedback.csv'))));
  assert.deepEqual(
    items.map((r) => r.line),
    [2, 3, 5],
  );
  assert.deepEqual(items[0].item, {
    text: 'Export to CSV is great, but the date column uses US format',
    product: 'mobile-app',
    surface: null,
    receivedAt: '2024-05-02T09:15:00.000Z',
    source: { channel: 'csv', externalId: 'T-1001', url: null },
    contact: {
      email: 'ana@acme.io',
      name: 'Ana Souza',
      account: 'Acme',
      arr: null,
      currency: null,
      segment: null,
      plan: null,
    },
  });
  assert.equal(items[1].item.text, 'The "Save" button does nothing\nwhen the form has an emoji 🎉 in it');
  assert.equal(items[1].item.contact?.email, 'bob@globex.com');
  assert.equal(items[2].item.receivedAt, '2024-05-03T14:30:00.000Z');
  assert.equal(items[2].item.contact, null);
  assert.deepEqual(errors, [
    { line: 6, error: 'wrong column count: expected 7 columns (as in the header), found 6' },
    { line: 7, error: 'receivedAt: ambiguous date "05/06/2024": use ISO 8601 (YYYY-MM-DD)' },
    { line: 8, error: 'contact.email: Invalid email address' },
    { line: 9, error: 'no feedback text (title and text are both empty)' },
  ]);
});

test('generic CSV with an explicit mapping uses exactly the mapped columns', async () => {
  const csv = Buffer.from(
    'Ref,When,Who,Org,What,Area\nA-1,2024-01-02T03:04:05+02:00,x@y.io,Acme,Needs SSO,admin\n',
  );
  const rows = await collect(
    parseImport('csv', csv, {
      mapping: {
        externalId: 'Ref',
        receivedAt: 'When',
        email: 'Who',
        account: 'Org',
        text: 'What',
        surface: 'Area',
      },
      channel: 'api',
    }),
  );
  assert.deepEqual(rows, [
    {
      line: 2,
      item: {
        text: 'Needs SSO',
        product: null,
        surface: 'admin',
        receivedAt: '2024-01-02T01:04:05.000Z',
        source: { channel: 'api', externalId: 'A-1', url: null },
        contact: {
          email: 'x@y.io',
          name: null,
          account: 'Acme',
          arr: null,
          currency: null,
          segment: null,
          plan: null,
        },
      },
    },
  ]);
});

test('a mapping naming a missing column or an unknown field is a file-level error', async () => {
  const csv = Buffer.from('Comment\nhello\n');
  assert.deepEqual(await collect(parseImport('csv', csv, { mapping: { text: 'Feedback' } })), [
    { line: 1, error: 'mapping: column "Feedback" (for text) not found; columns are: Comment' },
  ]);
  const unknown = await collect(parseImport('csv', csv, { mapping: { text: 'Comment', colour: 'x' } }));
  assert.match('error' in unknown[0] ? unknown[0].error : '', /unknown field\(s\) colour/);
});

test('a CSV without any text column is rejected once, on the header line', async () => {
  const rows = await collect(parseImport('csv', Buffer.from('id,email\n1,a@b.co\n')));
  assert.equal(rows.length, 1);
  assert.equal(rows[0].line, 1);
  assert.match('error' in rows[0] ? rows[0].error : '', /no feedback text column found/);
});

test('an unbalanced quote in an import is a row error with the line where the field started', async () => {
  const csv = Buffer.from('text,email\n"broken,a@b.co\nfine,c@d.co\n');
  assert.deepEqual(await collect(parseImport('csv', csv)), [
    { line: 2, error: 'unbalanced quotes: the quoted field that starts on line 2 is never closed' },
    {
      line: 3,
      item: {
        text: 'fine',
        product: null,
        surface: null,
        receivedAt: null,
        source: { channel: 'csv', externalId: null, url: null },
        contact: {
          email: 'c@d.co',
          name: null,
          account: null,
          arr: null,
          currency: null,
          segment: null,
          plan: null,
        },
      },
    },
  ]);
});

test('invalid UTF-8 in an import is a clear row error', async () => {
  const csv = Buffer.concat([Buffer.from('text\n'), Buffer.from([0xc3, 0x28]), Buffer.from('\nok\n')]);
  const { items, errors } = partition(await collect(parseImport('csv', csv)));
  assert.deepEqual(errors, [
    { line: 2, error: 'invalid UTF-8 in column 1: the file must be saved as UTF-8' },
  ]);
  assert.equal(items[0].item.text, 'ok');
});

test('Canny export rows become feedback keyed by post id with the post URL', async () => {
  const { items, errors } = partition(await collect(parseImport('canny', fixture('canny-posts.csv'))));
  assert.equal(items.length, 2);
  assert.deepEqual(items[0].item, {
    text: 'Slack integration for status changes\n\nWhen a post moves to "In Progress", notify our #product channel.',
    product: null,
    surface: 'Integrations',
    receivedAt: '2024-03-11T16:02:44.000Z',
    source: {
      channel: 'canny',
      externalId: '64f1c2a9e4b0a1d2c3e4f5a6',
      url: 'https://northwind.canny.io/feature-requests/p/slack-integration-for-status-changes',
    },
    contact: {
      email: 'maya@northwind.io',
      name: 'Maya Chen',
      account: 'Northwind',
      arr: null,
      currency: null,
      segment: null,
      plan: null,
    },
  });
  assert.equal(items[1].item.text, 'Bulk edit tags');
  assert.deepEqual(errors, [{ line: 4, error: 'no feedback text (title and text are both empty)' }]);
});

test('Productboard notes export keeps the customer, skips repeated note rows and keeps multi-line notes', async () => {
  const { items, errors } = partition(
    await collect(parseImport('productboard', fixture('productboard-notes.csv'))),
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(
    items.map((r) => [r.line, r.item.source.externalId]),
    [
      [2, '88120'],
      [6, '88121'],
    ],
  );
  const first = items[0].item;
  assert.equal(
    first.text,
    'Needs Okta SSO before rollout\n\nSecurity team blocks rollout to 400 seats until we support Okta SAML.\nRenewal is in June.',
  );
  assert.equal(first.source.channel, 'productboard');
  assert.equal(first.source.url, 'https://app.intercom.com/a/inbox/conversation/5521');
  assert.equal(first.contact?.email, 'jon@bigbank.com');
  assert.equal(first.contact?.account, 'Big Bank');
  assert.equal(items[1].item.source.url, null);
});

test('Fider posts export uses the post number as id and builds URLs from the base URL', async () => {
  const rows = await collect(
    parseImport('fider', fixture('fider-posts.csv'), { baseUrl: 'https://ideas.example.com/' }),
  );
  const { items } = partition(rows);
  assert.equal(items.length, 3);
  assert.deepEqual(items[0].item.source, {
    channel: 'fider',
    externalId: '10',
    url: 'https://ideas.example.com/posts/10',
  });
  assert.equal(
    items[0].item.text,
    'Offline mode\n\nLet me keep editing on the train, sync when back online.',
  );
  assert.equal(items[0].item.contact?.name, 'Faceless');
  assert.equal(items[1].item.text, 'Keyboard shortcuts');
  const withoutBase = partition(await collect(parseImport('fider', fixture('fider-posts.csv')))).items;
  assert.equal(withoutBase[0].item.source.url, null);
});

test('a 20,000-row CSV streams row by row and reports progress', async () => {
  const lines = ['id,email,feedback'];
  for (let i = 1; i <= 20_000; i++)
    lines.push(`${i},user${i}@example.com,"Feedback number ${i}, with a comma"`);
  const progress: number[] = [];
  let first: unknown = null;
  let count = 0;
  for await (const row of parseImport('csv', Buffer.from(lines.join('\n')), {
    onProgress: (n) => progress.push(n),
  })) {
    if (count === 0) {
      first = row;
      // Streaming: the first row arrives before the reader has gone through the file.
      assert.ok(progress.length === 0);
    }
    count++;
  }
  assert.equal(count, 20_000);
  assert.equal(progress.length, 20);
  assert.equal(progress.at(-1), 20_000);
  assert.equal((first as { line: number }).line, 2);
});
