import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { SYSTEM_ACTOR } from '../../domain/authorization.ts';
import {
  IMPORT_FILE_FORMATS,
  type ImportFileFormat,
  type ImportReport,
  importFile,
} from '../../usecases/imports.ts';
import { parseCommandArgs } from '../args.ts';
import { type CliCommand, type CliIo, UsageError } from '../command.ts';
import { printJson } from '../output.ts';

/** Files with more rows than this get a progress bar on a terminal. */
const PROGRESS_THRESHOLD = 2_000;
const BAR_WIDTH = 30;

const FORMAT_OF_EXTENSION: Record<string, ImportFileFormat> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.eml': 'eml',
  '.mbox': 'mbox',
};

function isFileFormat(value: string): value is ImportFileFormat {
  return (IMPORT_FILE_FORMATS as readonly string[]).includes(value);
}

function formatOf(given: string | undefined, file: string): ImportFileFormat {
  if (given !== undefined) {
    if (!isFileFormat(given))
      throw new UsageError(`--format must be one of ${IMPORT_FILE_FORMATS.join(', ')}`);
    return given;
  }
  const guessed = FORMAT_OF_EXTENSION[extname(file).toLowerCase()];
  if (!guessed)
    throw new UsageError(
      `say --format (${IMPORT_FILE_FORMATS.join(', ')}); it cannot be told from the file name`,
    );
  return guessed;
}

function mappingOf(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new UsageError('--mapping must be JSON, e.g. \'{"text":"Comment","email":"Email"}\'');
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  ) {
    throw new UsageError('--mapping must be a JSON object of field → column header');
  }
  return value as Record<string, string>;
}

/** A rough row count, only to size the progress bar: lines for line formats, messages for mbox. */
function estimateRows(format: ImportFileFormat, data: Buffer): number {
  if (format === 'eml') return 1;
  const separator = format === 'mbox' ? '\nFrom ' : '\n';
  let count = 0;
  for (let at = data.indexOf(separator); at !== -1; at = data.indexOf(separator, at + 1)) count++;
  return format === 'mbox' ? count + 1 : Math.max(1, count - (format === 'jsonl' ? 0 : 1));
}

/** Draws `[#####-----]  48%  9,600 / 20,000 rows` over itself on stderr. */
function progressBar(io: CliIo, total: number): { update: (rows: number) => void; finish: () => void } {
  const draw = (rows: number) => {
    const share = Math.min(1, rows / total);
    const filled = Math.round(share * BAR_WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
    io.stderr(
      `\r[${bar}] ${String(Math.round(share * 100)).padStart(3)}%  ${rows.toLocaleString('en')} / ~${total.toLocaleString('en')} rows`,
    );
  };
  return { update: draw, finish: () => io.stderr('\n') };
}

function printReport(io: CliIo, file: string, report: ImportReport): void {
  io.stdout(
    `imported ${file} (${report.format}): ${report.rowsRead} rows read, ${report.created} created, ${report.existing} already present, ${report.rejected.length} rejected\n`,
  );
  if (report.rejected.length === 0) return;
  io.stdout('rejected rows (the other rows were stored):\n');
  for (const row of report.rejected) io.stdout(`  line ${row.line}: ${row.reason}\n`);
}

/** `productos import FILE --format …`: the same import as POST /api/v1/imports, run on the database directly. */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import feedback (CSV, Canny, Productboard, Fider, JSONL, eml, mbox) or accounts from a file',
  usage: [
    `productos import FILE [--format ${IMPORT_FILE_FORMATS.join('|')}] [--mapping JSON] [--product SLUG] [--json]`,
    '  --format   defaults from the extension (.csv, .jsonl, .ndjson, .eml, .mbox)',
    '  --mapping  field → column header for csv and accounts, e.g. \'{"text":"Comment","email":"Email"}\'',
    '  --product  product (slug or id) for rows that name none',
    '  --json     print the report as JSON',
    'Exits 1 when some rows were rejected (the good rows are stored all the same).',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      format: { type: 'string' },
      mapping: { type: 'string' },
      product: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('name one file to import');
    const [file] = positionals;
    const format = formatOf(values.format, file);
    const mapping = mappingOf(values.mapping);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      ctx.io.stderr(
        `productos import: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return 1;
    }
    const total = estimateRows(format, data);
    const bar = ctx.io.isTty && total > PROGRESS_THRESHOLD ? progressBar(ctx.io, total) : null;
    const report = await importFile(await ctx.deps(), SYSTEM_ACTOR, {
      format,
      data,
      mapping,
      product: values.product ?? null,
      onProgress: bar?.update,
      progressEvery: 500,
    });
    bar?.finish();
    if (values.json) printJson(ctx.io, report);
    else printReport(ctx.io, file, report);
    return report.rejected.length > 0 ? 1 : 0;
  },
};
