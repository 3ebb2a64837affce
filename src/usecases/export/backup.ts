/**
 * An online copy of the SQLite database file with SQLite's backup API (better-sqlite3's `backup`),
 * safe while the server runs. PostgreSQL has its own tools (pg_dump), which this names instead.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { AppError } from '../../domain/errors.ts';

/** Pages per step while nobody writes: ~100 steps, so a progress bar moves. */
const STEPS = 100;
/** "Everything left in one step": SQLite takes a larger count than the file has as all pages. */
const ALL_PAGES = 0x7fffffff;

export interface BackupProgress {
  pages: number;
  totalPages: number;
}

export interface BackupSummary {
  source: string;
  file: string;
  pages: number;
  bytes: number;
  /** How often another connection's write made SQLite start the copy over. */
  restarts: number;
}

/** Explains, for a PostgreSQL URL, how to back it up instead. */
export function postgresBackupAdvice(url: string): string {
  const safe = new URL(url);
  safe.password = '';
  return [
    `productos backup copies a SQLite database file; DATABASE_URL is PostgreSQL (${safe.toString()}).`,
    'Back it up with pg_dump, which takes a consistent snapshot while the server runs:',
    `  pg_dump --format=custom --file=productos.dump '${safe.toString()}'`,
    'and restore it into a new, empty database with pg_restore:',
    '  createdb productos_restored && pg_restore --dbname=productos_restored productos.dump',
    'For a portable copy that restores into SQLite or PostgreSQL alike: productos export --out FILE.',
  ].join('\n');
}

function sqlitePath(url: string): string {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (path === '' || path === ':memory:')
    throw new AppError('invalid', 'an in-memory database has no file to back up');
  return resolve(path);
}

/**
 * Copies the SQLite database at `url` to `file`. The copy is consistent: SQLite restarts a copy
 * that another connection wrote to between two steps, and after the first restart this copies all
 * remaining pages in one step, which holds one read snapshot (in WAL mode writers go on meanwhile).
 * The copy is written beside `file` and renamed into place when complete, then checked.
 */
export async function backupSqlite(
  url: string,
  file: string,
  options: { overwrite?: boolean; onProgress?: (progress: BackupProgress) => void } = {},
): Promise<BackupSummary> {
  const source = sqlitePath(url);
  const target = resolve(file);
  if (!existsSync(source)) throw new AppError('not_found', `there is no database at ${source}`);
  if (target === source)
    throw new AppError('invalid', 'the backup must go to another file than the database');
  if (existsSync(target) && !options.overwrite)
    throw new AppError('conflict', `${target} exists: choose another name or pass --force to replace it`);
  if (!existsSync(dirname(target)))
    throw new AppError('invalid', `the folder ${dirname(target)} does not exist`);

  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new SQLite(source, { fileMustExist: true });
  let restarts = 0;
  let pages = 0;
  try {
    db.pragma('busy_timeout = 5000');
    let lastRemaining = Number.POSITIVE_INFINITY;
    const result = await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        if (remainingPages > lastRemaining) restarts++;
        lastRemaining = remainingPages;
        options.onProgress?.({ pages: totalPages - remainingPages, totalPages });
        return restarts > 0 ? ALL_PAGES : Math.max(100, Math.ceil(totalPages / STEPS));
      },
    });
    pages = result.totalPages;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
  // Not read-only: the copy is in WAL mode, and only a connection that may write removes the -wal
  // and -shm files it opens when it closes, instead of leaving them beside the backup.
  const check = new SQLite(partial, { fileMustExist: true });
  let verdict: string;
  try {
    verdict = String(check.pragma('quick_check', { simple: true }));
  } finally {
    check.close();
  }
  if (verdict !== 'ok') {
    rmSync(partial, { force: true });
    throw new AppError(
      'conflict',
      `the copy failed SQLite's check (${verdict}); nothing was written to ${target}`,
    );
  }
  renameSync(partial, target);
  options.onProgress?.({ pages, totalPages: pages });
  return { source, file: target, pages, bytes: statSync(target).size, restarts };
}
