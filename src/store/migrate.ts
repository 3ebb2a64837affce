import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as initial from './migrations/20261125T1900-initial.ts';
import * as observe from './migrations/20261125T2000-observe.ts';
import * as reflect from './migrations/20261125T2100-reflect.ts';
import * as loop from './migrations/20261125T2110-loop.ts';
import * as builders from './migrations/20261125T2120-builders.ts';
import * as inboxFilters from './migrations/20261205T1400-inbox-filters.ts';
import * as search from './migrations/20261205T1410-search.ts';

/** Migrations in order; append new ones, never edit or remove one that has shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '20261125T1900-initial': initial,
  '20261125T2000-observe': observe,
  '20261125T2100-reflect': reflect,
  '20261125T2110-loop': loop,
  '20261125T2120-builders': builders,
  '20261205T1400-inbox-filters': inboxFilters,
  '20261205T1410-search': search,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the schema up to date; returns the names of migrations applied by this call. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The names of every migration this build knows, oldest first. */
export function migrationNames(): string[] {
  return Object.keys(MIGRATIONS).sort();
}

/**
 * Brings the schema up to the named migration and no further (import-all restores a file into the
 * schema it was exported from, then migrates to the latest; the migration tests start from each one).
 */
export async function migrateTo(db: Kysely<any>, name: string): Promise<string[]> {
  if (!(name in MIGRATIONS)) throw new Error(`unknown migration ${name}`);
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
