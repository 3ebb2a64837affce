import { once } from 'node:events';
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { SYSTEM_ACTOR } from '../../domain/authorization.ts';
import { openStore } from '../../store/database.ts';
import { backupSqlite, postgresBackupAdvice } from '../../usecases/export/backup.ts';
import { type ExportSink, exportData } from '../../usecases/export/export.ts';
import { readLines } from '../../usecases/export/lines.ts';
import { restoreExport } from '../../usecases/export/restore.ts';
import { parseCommandArgs } from '../args.ts';
import { type CliCommand, type CliIo, UsageError } from '../command.ts';
import { megabytes, progressBar } from '../progress.ts';

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Writes to a stream, waiting when it asks to (a slow disk or pipe never makes the export buffer). */
function streamSink(stream: NodeJS.WritableStream): ExportSink {
  return async (chunk) => {
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
}

/** The file is written under a temporary name and renamed when complete: FILE is never half a file. */
async function exportToFile(file: string, run: (sink: ExportSink) => Promise<void>): Promise<number> {
  const partial = `${file}.partial`;
  // Owner-only: the file holds password hashes and private journals.
  const stream = createWriteStream(partial, { mode: 0o600 });
  try {
    await once(stream, 'open');
    await run(streamSink(stream));
    stream.end();
    await once(stream, 'finish');
  } catch (error) {
    stream.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
  renameSync(partial, file);
  return statSync(file).size;
}

function wantsProgress(io: CliIo, flag: boolean | undefined): boolean {
  return Boolean(flag) || io.isTty;
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export everything as JSON Lines (a complete copy, secrets included) to restore with import-all',
  usage: [
    'productos export [--out FILE] [--progress]',
    '  --out       write to FILE (created readable by you only); without it, to standard output',
    '  --progress  show a progress bar on stderr (shown anyway when stderr is a terminal)',
    'The file holds secrets: password hashes, webhook secrets, unsubscribe tokens, private reflections.',
    'API tokens and sessions are not exported; create tokens again after a restore.',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: 'string' },
      progress: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError('say where with --out FILE');
    const stdout = ctx.io.stdoutStream;
    if (!values.out && stdout?.isTTY)
      throw new UsageError(
        'standard output is a terminal: pass --out FILE or redirect it (the export holds secrets)',
      );
    const deps = await ctx.deps();
    const started = Date.now();
    const bar = wantsProgress(ctx.io, values.progress)
      ? progressBar(
          ctx.io,
          (done, total) => `${done.toLocaleString('en')} / ${total.toLocaleString('en')} rows`,
        )
      : null;
    const run = async (sink: ExportSink) => {
      const summary = await exportData(
        deps,
        SYSTEM_ACTOR,
        { audience: 'operator', onProgress: (p) => bar?.update(p.rows, p.totalRows) },
        sink,
      );
      bar?.finish();
      return summary;
    };
    let summary: Awaited<ReturnType<typeof run>> | undefined;
    let size: number | null = null;
    if (values.out) {
      size = await exportToFile(values.out, async (sink) => {
        summary = await run(sink);
      });
    } else {
      summary = await run(stdout ? streamSink(stdout) : async (chunk) => ctx.io.stdout(chunk));
    }
    if (!summary) return 1;
    if (summary.unknown.length > 0)
      ctx.io.stderr(
        `warning: this productOS has no export decision for ${summary.unknown.join(', ')}; exported whole (see src/usecases/export/tables.ts)\n`,
      );
    ctx.io.stderr(
      `exported ${summary.rows.toLocaleString('en')} rows of ${summary.tables} tables (schema ${summary.schema})${values.out ? ` to ${values.out}` : ''}${size === null ? '' : `, ${megabytes(size)}`}, in ${seconds(started)}.\n` +
        'It holds secrets (password hashes, webhook secrets, private reflections): keep it as safe as the database.\n',
    );
    return 0;
  },
};

export const importAllCommand: CliCommand = {
  name: 'import-all',
  summary: 'Restore an export into an empty database (SQLite or PostgreSQL, whichever made it)',
  usage: [
    'productos import-all FILE [--progress]     (FILE - reads standard input)',
    '  Restores everything `productos export` wrote into the empty database DATABASE_URL names,',
    '  creating its schema; refuses a database that holds data. All or nothing.',
    '  --progress  show a progress bar on stderr (shown anyway when stderr is a terminal)',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { progress: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('name one export file (or - for standard input)');
    const [file] = positionals;
    let size = 0;
    if (file !== '-') {
      try {
        const stat = statSync(file);
        if (!stat.isFile()) throw new Error('it is not a file');
        size = stat.size;
      } catch (error) {
        ctx.io.stderr(`productos import-all: cannot read ${file}: ${(error as Error).message}\n`);
        return 1;
      }
    }
    const bar =
      wantsProgress(ctx.io, values.progress) && size > 0
        ? progressBar(ctx.io, (done, total) => `${megabytes(done)} / ${megabytes(total)}`)
        : null;
    const input = file === '-' ? process.stdin : createReadStream(file);
    const store = openStore(ctx.config.databaseUrl);
    const started = Date.now();
    try {
      const summary = await restoreExport(
        store,
        SYSTEM_ACTOR,
        readLines(input, (bytes) => bar?.update(bytes, size)),
      );
      bar?.finish();
      const migrated = summary.migrated.length > 0 ? `, then migrated (${summary.migrated.join(', ')})` : '';
      ctx.io.stdout(
        `restored ${summary.rows.toLocaleString('en')} rows into ${summary.tables} tables from ${file} (exported at schema ${summary.schema}${migrated}) in ${seconds(started)}.\n` +
          'People sign in with their passwords as before; API tokens are not restored: create them again (productos token create).\n',
      );
      return 0;
    } finally {
      if (file !== '-') (input as ReturnType<typeof createReadStream>).destroy();
      await store.close();
    }
  },
};

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'Copy the SQLite database to FILE while the server runs (PostgreSQL: use pg_dump)',
  usage: [
    'productos backup FILE [--force] [--progress]',
    '  A consistent copy of the SQLite file, made with SQLite’s online backup while the server runs.',
    '  Restore: stop the server, then use the copy as the database file (see the README).',
    '  --force     replace FILE if it exists',
    '  --progress  show a progress bar on stderr (shown anyway when stderr is a terminal)',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      force: { type: 'boolean' },
      progress: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('name the file to write the copy to');
    if (!ctx.config.databaseUrl.startsWith('sqlite:')) {
      ctx.io.stderr(`${postgresBackupAdvice(ctx.config.databaseUrl)}\n`);
      return 1;
    }
    const bar = wantsProgress(ctx.io, values.progress)
      ? progressBar(
          ctx.io,
          (done, total) => `${done.toLocaleString('en')} / ${total.toLocaleString('en')} pages`,
        )
      : null;
    const started = Date.now();
    const summary = await backupSqlite(ctx.config.databaseUrl, positionals[0], {
      overwrite: values.force,
      onProgress: (p) => bar?.update(p.pages, p.totalPages),
    });
    bar?.finish();
    const restarted = summary.restarts > 0 ? '; writes meanwhile made it copy the rest in one step' : '';
    ctx.io.stdout(
      `backed up ${summary.source} to ${summary.file}: ${megabytes(summary.bytes)}, ${summary.pages.toLocaleString('en')} pages, checked by SQLite (quick_check ok), in ${seconds(started)}${restarted}.\n`,
    );
    return 0;
  },
};
