import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanEmailBody } from '../../src/integrations/imports/email-body.ts';
import { parseImport } from '../../src/integrations/imports/index.ts';
import { splitMbox } from '../../src/integrations/imports/mbox.ts';
import { collect, fixture, partition } from './helpers.ts';

async function eml(name: string) {
  const rows = await collect(parseImport('eml', fixture(name)));
  assert.equal(rows.length, 1);
  const [row] = rows;
  assert.ok('item' in row, `expected an item, got ${JSON.stringify(row)}`);
  return row.item;
}

test('a multipart/alternative quoted-printable mail gives decoded text, Message-ID, Date and sender', async () => {
  const item = await eml('multipart-alternative-qp.eml');
  assert.equal(
    item.text,
    'Feedback: Rezept-Import schlägt fehl\n\nHallo,\n\nder Import von Rezepten mit Umlauten (z.\u00a0B. "Käsespätzle") schlägt fehl, die Datei wird als leer angezeigt.',
  );
  assert.deepEqual(item.source, {
    channel: 'email',
    externalId: '<20240604081245.4711@kitchenco.de>',
    url: null,
  });
  assert.equal(item.receivedAt, '2024-06-04T06:12:45.000Z');
  assert.deepEqual(item.contact, { email: 'marta@kitchenco.de', name: 'Marta Müller' });
});

test('an HTML-only mail is converted to text and its signature is trimmed', async () => {
  const item = await eml('html-only.eml');
  assert.equal(
    item.text,
    'Timeline zoom\n\nThe timeline zoom resets every time I switch tabs.\nIt would be great if it remembered the level.',
  );
});

test('base64 attachments are ignored and the "--" signature is cut', async () => {
  const item = await eml('attachment-base64.eml');
  assert.equal(
    item.text,
    'Invoice PDF has wrong VAT number\n\nThe invoice PDF shows our old VAT number even after I updated it in settings.\nScreenshot attached.',
  );
  assert.equal(item.receivedAt, '2024-06-06T05:50:00.000Z');
});

test('a reply keeps only the new text: Re: prefixes, signature and the "On ... wrote:" block go', async () => {
  const item = await eml('reply-with-quote.eml');
  assert.equal(
    item.text,
    'Your feedback about exports\n\nThanks! One more thing: the export should include archived items too.',
  );
  const inline = await eml('quoted-inline.eml');
  assert.equal(inline.text, 'Weekly digest\n\nYes, weekly is too often for me; monthly would be perfect.');
  assert.deepEqual(inline.contact, { email: 'amy@example.org', name: null });
});

test('body cleaning removes "Sent from my iPhone", Outlook separators and quoted lines', () => {
  assert.equal(cleanEmailBody('Works now.\n\nSent from my iPhone'), 'Works now.');
  assert.equal(
    cleanEmailBody('Yes please\r\n\r\n________________________________\r\nFrom: Bob\r\nSent: Monday'),
    'Yes please',
  );
  assert.equal(cleanEmailBody('> old\nnew\n>> older'), 'new');
  assert.equal(cleanEmailBody('Top\n-----Original Message-----\nFrom: x'), 'Top');
});

test('an mbox is split on "From " separators only, with >From unquoted', async () => {
  const { items, errors } = partition(await collect(parseImport('mbox', fixture('inbox.mbox'))));
  assert.deepEqual(errors, []);
  assert.deepEqual(
    items.map((r) => [r.line, r.item.source.externalId]),
    [
      [1, '<cal-sync-1@northwind.io>'],
      [13, '<wording-2@contoso.com>'],
      [26, '<mobile-3@fabrikam.fr>'],
    ],
  );
  assert.equal(
    items[0].item.text,
    'Calendar sync\n\nCalendar sync only pulls the primary calendar; we need shared ones too.',
  );
  assert.equal(
    items[1].item.text,
    'Import wording\n\nThe importer says\nFrom now on, use the new template\nwhich confused our team: which template?\nFrom what I can tell the old one still works.',
  );
  assert.equal(items[2].item.text, "Accès mobile\n\nL'application mobile se déconnecte toutes les heures.");
  assert.equal(items[2].item.receivedAt, '2024-06-03T10:30:00.000Z');
});

test('a truncated mbox keeps the complete messages and rejects the cut-off one with its line', async () => {
  const { items, errors } = partition(await collect(parseImport('mbox', fixture('truncated.mbox'))));
  assert.equal(items.length, 3);
  assert.deepEqual(errors, [
    { line: 38, error: 'message is truncated: the headers never end (no blank line before the body)' },
  ]);
});

test('a multipart message cut before its closing boundary is rejected, not half-imported', async () => {
  const mbox = Buffer.from(
    'From a@b.co Tue Jun  4 09:00:00 2024\nFrom: a@b.co\nSubject: x\nContent-Type: multipart/mixed; boundary="zz"\n\n--zz\nContent-Type: text/plain\n\nhalf a mes',
  );
  assert.deepEqual(await collect(parseImport('mbox', mbox)), [
    { line: 1, error: 'message is truncated: the multipart body ends before its closing boundary' },
  ]);
});

test('text before the first separator is reported instead of silently dropped', () => {
  const parts = [
    ...splitMbox(Buffer.from('garbage\nFrom a@b.co Tue Jun  4 09:00:00 2024\nFrom: a@b.co\n\nhi\n')),
  ];
  assert.deepEqual(parts[0], {
    line: 1,
    error: 'not an mbox message: line 1 comes before any "From " separator line',
  });
  assert.equal(parts[1].line, 2);
});

test('a message without a From address is rejected', async () => {
  const rows = await collect(parseImport('eml', Buffer.from('Subject: hello\r\n\r\nbody\r\n')));
  assert.deepEqual(rows, [{ line: 1, error: 'message has no From address' }]);
});
