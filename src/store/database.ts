import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** A human description of where the data lives, safe to log (no password). */
  location: string;
  close(): Promise<void>;
  /**
   * PostgreSQL only: LISTENs on a channel on a connection of its own (held until the returned stop is
   * called; stop before `close`). `onLost` is called if that connection drops; listen again then.
   */
  listen?(
    channel: string,
    onMessage: (payload: string) => void,
    onLost: (error: Error) => void,
  ): Promise<() => Promise<void>>;
}

/** PostgreSQL's int8 and numeric come back as strings; our values fit in a double, so read numbers. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function sqlitePath(url: string): string {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (path === '' || path === ':memory:') return ':memory:';
  return resolve(path);
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely asks better-sqlite3 to compile every statement it runs; the same few statements run on
 * every request, so the compiled ones are kept (least recently used out). Reusing one is safe:
 * the single connection runs one statement at a time, and SQLite recompiles after schema changes.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) cache.delete(sql);
      else statement = sqlite.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}

/** Opens the database named by a `sqlite:` or `postgres://` URL. */
export function openStore(url: string): Store {
  if (url.startsWith('sqlite:')) {
    const path = sqlitePath(url);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    // 64 MiB of page cache (the default is 2 MiB): inserts touch several indexes per row.
    sqlite.pragma('cache_size = -65536');
    // Checkpoint after 4,000 log pages (16 MiB) instead of 1,000. The COMMIT that crosses the limit
    // waits for the log and the database file to reach the disk (two fsyncs); one write touches a
    // dozen pages (a feedback row, its indexes, its history event), so at 1,000 those stalls came
    // every ~80 writes and were most of what a write cost. Fewer, larger checkpoints also rewrite
    // each hot index page once instead of four times. The price: a larger log file, a longer stall
    // when a checkpoint does run, and (with synchronous=NORMAL) more recent commits that a power
    // cut, not an app crash, could undo; the OS flushes dirty pages within ~30 s regardless.
    sqlite.pragma('wal_autocheckpoint = 4000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', location: path, close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: url, types: pgTypes, max: 10 });
  // An idle client can lose its connection (server restart, failover, a dropped test database);
  // without a listener pg rethrows that as an uncaught error and the whole process dies.
  pool.on('error', (error) => {
    process.stderr.write(
      `productOS: a PostgreSQL connection was lost and will be replaced: ${error.message}\n`,
    );
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const safe = new URL(url);
  safe.password = '';
  const listen = async (
    channel: string,
    onMessage: (payload: string) => void,
    onLost: (error: Error) => void,
  ): Promise<() => Promise<void>> => {
    const client = await pool.connect();
    let released = false;
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      client.release(error);
    };
    client.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '');
    });
    client.on('error', (error) => {
      release(error);
      onLost(error);
    });
    await client.query(`LISTEN "${channel.replace(/"/g, '')}"`);
    return async () => {
      if (released) return;
      await client.query('UNLISTEN *').catch(() => undefined);
      release();
    };
  };
  return { db, dialect: 'postgres', location: safe.toString(), close: () => db.destroy(), listen };
}
