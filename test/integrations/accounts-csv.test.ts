import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAccountsCsv } from '../../src/integrations/imports/index.ts';
import { parseMoney } from '../../src/integrations/money.ts';
import { fixture } from './helpers.ts';

test('accounts CSV gives ARR in minor units with currency and rejects bad rows by line', () => {
  const rows = [...parseAccountsCsv(fixture('accounts.csv'))];
  assert.deepEqual(rows, [
    {
      line: 2,
      account: {
        name: 'Acme Corp',
        arr: 1_200_050,
        currency: 'USD',
        segment: 'Mid-market',
        plan: 'Business',
      },
    },
    {
      line: 3,
      account: { name: 'Globex', arr: 1_200_000, currency: 'USD', segment: 'Enterprise', plan: 'Enterprise' },
    },
    {
      line: 4,
      account: {
        name: 'Initech',
        arr: 150_000_000,
        currency: 'EUR',
        segment: 'Enterprise',
        plan: 'Enterprise',
      },
    },
    { line: 5, account: { name: 'Hooli', arr: null, currency: null, segment: 'SMB', plan: 'Free' } },
    { line: 6, error: 'account name is empty' },
    { line: 7, error: 'arr: unrecognised amount "1,5"' },
    {
      line: 8,
      account: {
        name: 'Wayne Enterprises',
        arr: 1_200_000,
        currency: 'JPY',
        segment: 'Enterprise',
        plan: 'Enterprise',
      },
    },
  ]);
});

test('accounts CSV accepts a mapping and reports a missing mapped column', () => {
  const csv = Buffer.from('Customer,Revenue\nAcme,100\n');
  assert.deepEqual(
    [...parseAccountsCsv(csv, { mapping: { name: 'Customer', arr: 'Revenue' }, defaultCurrency: 'GBP' })],
    [{ line: 2, account: { name: 'Acme', arr: 10_000, currency: 'GBP', segment: null, plan: null } }],
  );
  const missing = [...parseAccountsCsv(csv, { mapping: { name: 'Customer', plan: 'Tier' } })];
  assert.deepEqual(missing, [
    { line: 1, error: 'accounts CSV: no column for plan; columns are: Customer, Revenue' },
  ]);
});

test('money parsing is exact and refuses to guess', () => {
  assert.deepEqual(parseMoney('12000', null), { ok: true, minor: 1_200_000, currency: 'USD' });
  assert.deepEqual(parseMoney('12,000.50', null), { ok: true, minor: 1_200_050, currency: 'USD' });
  assert.deepEqual(parseMoney('$12k', null), { ok: true, minor: 1_200_000, currency: 'USD' });
  assert.deepEqual(parseMoney('$10', 'CAD'), { ok: true, minor: 1000, currency: 'CAD' });
  assert.deepEqual(parseMoney('EUR 12 000', null), { ok: true, minor: 1_200_000, currency: 'EUR' });
  assert.deepEqual(parseMoney('0.1', null), { ok: true, minor: 10, currency: 'USD' });
  assert.equal(parseMoney('12.345', null).ok, false);
  assert.equal(parseMoney('-5', null).ok, false);
  assert.equal(parseMoney('€10', 'USD').ok, false);
  assert.equal(parseMoney('10 EUR', 'USD').ok, false);
});
