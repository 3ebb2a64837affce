/**
 * What the migration test cannot do generically, per migration. The test fills a database at the
 * schema right after each migration with the rows of a database made through the API (projected
 * onto the columns that schema has), migrates it to the latest schema, and checks nothing was lost.
 * A new migration needs nothing here unless it changes existing data:
 *
 * - `fill`: rows or values the generic fill cannot give at the schema right after this migration
 *   (a column a later migration drops or renames, so the latest database has no values for it);
 * - `changes`: columns ('table.column' or 'table.*') this migration rewrites on purpose, left out
 *   of the "unchanged" comparison for databases filled before it;
 * - `check`: what this migration must have done to data filled before it, run on the latest schema.
 */
import assert from 'node:assert/strict';
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: each fill is written against the schema of its own moment
type AnyDb = Kysely<any>;

export interface MigrationFill {
  fill?: (db: AnyDb) => Promise<void>;
  changes?: string[];
  check?: (db: AnyDb) => Promise<void>;
}

export const MIGRATION_FILLS: Record<string, MigrationFill> = {
  '20261125T2120-builders': {
    // It seeds the 14 principles only into an empty table: principles people had already edited stay.
    async check(db) {
      const rows = await sql<{ slug: string }>`select slug from principles order by slug`.execute(db);
      const slugs = rows.rows.map((r) => r.slug);
      assert.ok(
        slugs.includes('customer-obsession'),
        'a principle added before the migration is still there',
      );
      assert.equal(new Set(slugs).size, slugs.length, 'no principle was seeded twice');
    },
  },
};
