import { parseMoney } from '../money.ts';
import { cell, headerKey, readCsvTable, resolveColumns } from './csv-table.ts';
import { type ImportOptions, ProgressCounter } from './import-row.ts';

export interface ImportedAccount {
  name: string;
  /** Annual recurring revenue in minor units (cents), null when the cell is empty. */
  arr: number | null;
  /** ISO 4217 code, null when arr is null. */
  currency: string | null;
  segment: string | null;
  plan: string | null;
}

export type AccountImportRow = { line: number; account: ImportedAccount } | { line: number; error: string };

type AccountField = 'name' | 'arr' | 'currency' | 'segment' | 'plan';

const ACCOUNT_COLUMNS: Readonly<Record<AccountField, readonly string[]>> = {
  name: ['name', 'account', 'account name', 'company', 'company name', 'organization', 'organisation'],
  arr: ['arr', 'annual recurring revenue', 'annual revenue'],
  currency: ['currency'],
  segment: ['segment'],
  plan: ['plan', 'tier', 'pricing plan'],
};

export interface AccountsCsvOptions extends Pick<ImportOptions, 'mapping' | 'onProgress' | 'progressEvery'> {
  /** Currency for amounts that name none (no symbol, code or currency column); default USD. */
  defaultCurrency?: string;
}

/**
 * Imports accounts (name, ARR, currency, segment, plan) from CSV, streaming one row
 * per record. ARR accepts "12000", "12,000.50", "$12k", "1.5M EUR" (see parseMoney for
 * the exact rules) and is returned in minor units with its currency. A row without a
 * name or with an unreadable amount is rejected with its line number.
 */
export function* parseAccountsCsv(
  input: Uint8Array,
  options: AccountsCsvOptions = {},
): Generator<AccountImportRow> {
  const progress = new ProgressCounter(options);
  const candidates = columnsFor(options.mapping);
  if (typeof candidates === 'string') {
    yield { line: 1, error: candidates };
    return;
  }
  let columns: Partial<Record<AccountField, number>> = {};
  for (const event of readCsvTable(input)) {
    if (event.kind === 'header') {
      columns = resolveColumns(event.headers, candidates);
      const missing = options.mapping
        ? Object.keys(options.mapping).filter((f) => columns[f as AccountField] === undefined)
        : columns.name === undefined
          ? ['name']
          : [];
      if (missing.length > 0) {
        yield {
          line: event.line,
          error: `accounts CSV: no column for ${missing.join(', ')}; columns are: ${event.headers.join(', ')}`,
        };
        return;
      }
      continue;
    }
    progress.tick();
    if (event.kind === 'error') {
      yield { line: event.line, error: event.error };
      if (event.fatal) break;
      continue;
    }
    const name = cell(event.fields, columns.name);
    if (!name) {
      yield { line: event.line, error: 'account name is empty' };
      continue;
    }
    const rawArr = cell(event.fields, columns.arr);
    const currencyCell = cell(event.fields, columns.currency);
    let arr: number | null = null;
    let currency: string | null = null;
    if (rawArr) {
      const money = parseMoney(rawArr, currencyCell, options.defaultCurrency ?? 'USD');
      if (!money.ok) {
        yield { line: event.line, error: `arr: ${money.error}` };
        continue;
      }
      arr = money.minor;
      currency = money.currency;
    }
    yield {
      line: event.line,
      account: {
        name,
        arr,
        currency,
        segment: cell(event.fields, columns.segment),
        plan: cell(event.fields, columns.plan),
      },
    };
  }
  progress.done();
}

function columnsFor(
  mapping: Record<string, string> | undefined,
): Record<AccountField, readonly string[]> | string {
  if (!mapping || Object.keys(mapping).length === 0) return ACCOUNT_COLUMNS;
  const known = Object.keys(ACCOUNT_COLUMNS);
  const unknown = Object.keys(mapping).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    return `mapping: unknown field(s) ${unknown.join(', ')}; known: ${known.join(', ')}`;
  if (!mapping.name || headerKey(mapping.name) === '') return 'mapping: "name" is required';
  const columns: Record<AccountField, readonly string[]> = {
    name: [],
    arr: [],
    currency: [],
    segment: [],
    plan: [],
  };
  for (const [field, header] of Object.entries(mapping)) columns[field as AccountField] = [header];
  return columns;
}
