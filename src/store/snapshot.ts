import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Store } from './database.ts';
import type { Database } from './schema.ts';

/**
 * Runs `work` on a consistent, read-only view of the database: every query it makes sees the data
 * as it was when the first one ran, however long it takes and whatever is written meanwhile.
 *
 * PostgreSQL: a REPEATABLE READ, READ ONLY transaction on one pooled connection. SQLite: a read
 * transaction on a connection of its own, because Kysely's SQLite driver has a single connection
 * and a transaction on it would hold up every other request of the server for the whole export;
 * in WAL mode that reader blocks no writer. An in-memory SQLite database cannot be shared between
 * connections, so there `work` runs on the store's own connection without a snapshot.
 */
export async function withReadSnapshot<T>(
  store: Store,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (store.dialect === 'postgres') {
    return store.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((trx) => work(trx));
  }
  if (store.location === ':memory:') return work(store.db);
  const sqlite = new SQLite(store.location, { fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  const reader = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    return await reader.transaction().execute((trx) => work(trx));
  } finally {
    await reader.destroy();
  }
}
