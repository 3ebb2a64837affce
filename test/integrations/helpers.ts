import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ImportRow } from '../../src/integrations/imports/index.ts';
import type { IncomingFeedback } from '../../src/integrations/incoming-feedback.ts';

/** Reads a fixture file from test/integrations/fixtures as raw bytes. */
export function fixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));
}

/** Drains an (async) iterable into an array. */
export async function collect<T>(rows: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** Splits import rows into accepted items and rejected rows. */
export function partition(rows: ImportRow[]): {
  items: { line: number; item: IncomingFeedback }[];
  errors: { line: number; error: string }[];
} {
  const items: { line: number; item: IncomingFeedback }[] = [];
  const errors: { line: number; error: string }[] = [];
  for (const row of rows) {
    if ('item' in row) items.push(row);
    else errors.push(row);
  }
  return { items, errors };
}
