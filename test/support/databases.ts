import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';

export interface DatabaseTarget {
  name: 'sqlite' | 'postgres';
  /**
   * Opens a fresh, migrated, empty database (with `migrate: false`, one with no schema at all);
   * `drop` removes it again.
   */
  create(options?: { migrate?: boolean }): Promise<{ store: Store; url: string; drop: () => Promise<void> }>;
}

const sqliteTarget: DatabaseTarget = {
  name: 'sqlite',
  async create(options) {
    const dir = mkdtempSync(join(tmpdir(), 'productos-test-'));
    const url = `sqlite:${join(dir, 'test.db')}`;
    const store = openStore(url);
    if (options?.migrate !== false) await migrateToLatest(store.db);
    return {
      store,
      url,
      drop: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** Each run gets its own PostgreSQL database, created from TEST_POSTGRES_URL's server and dropped after. */
function postgresTarget(adminUrl: string): DatabaseTarget {
  return {
    name: 'postgres',
    async create(options) {
      const name = `productos_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const store = openStore(url.toString());
      if (options?.migrate !== false) await migrateToLatest(store.db);
      return {
        store,
        url: url.toString(),
        drop: async () => {
          await store.close();
          const again = new pg.Client({ connectionString: adminUrl });
          await again.connect();
          await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await again.end();
        },
      };
    },
  };
}

/** SQLite always; PostgreSQL when TEST_POSTGRES_URL names a server (otherwise the suite says it skipped). */
export function databaseTargets(): DatabaseTarget[] {
  const url = process.env.TEST_POSTGRES_URL;
  return url ? [sqliteTarget, postgresTarget(url)] : [sqliteTarget];
}

export const postgresSkipReason = process.env.TEST_POSTGRES_URL
  ? false
  : 'TEST_POSTGRES_URL is not set: PostgreSQL suite SKIPPED';
