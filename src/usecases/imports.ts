import { createAccountInput } from '../domain/account.ts';
import { type Actor, authorize } from '../domain/authorization.ts';
import { AppError, missingReference } from '../domain/errors.ts';
import type { CreateFeedbackInput } from '../domain/feedback.ts';
import {
  checkCsvMapping,
  IMPORT_FORMATS,
  type ImportedAccount,
  parseAccountsCsv,
  parseImport,
} from '../integrations/imports/index.ts';
import { describeZodIssues } from '../integrations/incoming-feedback.ts';
import { insertAccount, patchAccount } from './accounts.ts';
import { type Deps, inTransaction } from './context.ts';
import { ingestFeedback } from './feedback-ingest.ts';
import { ProductResolver, productOfIncoming, toCreateFeedbackInput } from './incoming.ts';

/** Every file format an import accepts: the feedback formats, and accounts from a CRM export. */
export const IMPORT_FILE_FORMATS = [...IMPORT_FORMATS, 'accounts'] as const;
export type ImportFileFormat = (typeof IMPORT_FILE_FORMATS)[number];

export interface ImportRequest {
  format: ImportFileFormat;
  data: Buffer;
  /** Field → column header, for the generic CSV and the accounts CSV. */
  mapping?: Record<string, string>;
  /** Product (id or slug) for rows that name none. */
  product?: string | null;
  /** Called with the number of rows read so far, every `progressEvery` rows and at the end. */
  onProgress?: (rowsRead: number) => void;
  progressEvery?: number;
}

export interface ImportReport {
  format: ImportFileFormat;
  rowsRead: number;
  created: number;
  existing: number;
  /** Rows that were not stored, with the line they start on; every other row was kept. */
  rejected: Array<{ line: number; reason: string }>;
}

/** Rows are stored this many at a time, each chunk in one transaction. */
export const IMPORT_CHUNK = 500;

/**
 * Imports a file of feedback (or accounts) and reports what happened to every row. Rows are
 * checked one by one (parse, product reference, API limits) before they are stored, so a bad row
 * is rejected with its line while the good ones are kept; re-importing a file whose rows carry
 * source ids finds them all `existing`. HTTP and CLI both call this.
 */
export async function importFile(
  deps: Deps,
  actor: Actor | null,
  request: ImportRequest,
): Promise<ImportReport> {
  authorize(actor, 'loop:write');
  if (request.format === 'accounts') return importAccounts(deps, actor, request);
  if (request.mapping && request.format === 'csv') {
    const check = checkCsvMapping(request.mapping);
    if (!check.ok) throw new AppError('invalid', check.error, { mapping: check.error });
  }
  const resolver = new ProductResolver(deps.store.db);
  let fallbackProductId: string | null = null;
  if (request.product) {
    fallbackProductId = await resolver.resolve(request.product);
    if (!fallbackProductId) throw missingReference('productId', 'product', request.product);
  }

  const report: ImportReport = { format: request.format, rowsRead: 0, created: 0, existing: 0, rejected: [] };
  let pending: Array<{ line: number; input: CreateFeedbackInput }> = [];
  const rows = parseImport(request.format, request.data, {
    mapping: request.mapping,
    onProgress: request.onProgress,
    progressEvery: request.progressEvery,
  });
  for await (const row of rows) {
    report.rowsRead++;
    if ('error' in row) {
      report.rejected.push({ line: row.line, reason: row.error });
      continue;
    }
    const product = await productOfIncoming(resolver, row.item, fallbackProductId);
    const converted = product.ok ? toCreateFeedbackInput(row.item, product.productId) : product;
    if (!converted.ok) {
      report.rejected.push({ line: row.line, reason: converted.error });
      continue;
    }
    pending.push({ line: row.line, input: converted.input });
    if (pending.length >= IMPORT_CHUNK) {
      await storeChunk(deps, actor, pending, report);
      pending = [];
    }
  }
  await storeChunk(deps, actor, pending, report);
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}

/** Stores a chunk; if it fails as a whole, retries row by row so only the culprit is rejected. */
async function storeChunk(
  deps: Deps,
  actor: Actor,
  chunk: Array<{ line: number; input: CreateFeedbackInput }>,
  report: ImportReport,
): Promise<void> {
  if (chunk.length === 0) return;
  try {
    const result = await ingestFeedback(
      deps,
      actor,
      chunk.map((c) => c.input),
    );
    report.created += result.created;
    report.existing += result.existing;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (chunk.length === 1) {
      report.rejected.push({ line: chunk[0].line, reason: error.message });
      return;
    }
    for (const one of chunk) await storeChunk(deps, actor, [one], report);
  }
}

/** Accounts CSV: upserts by name; present cells overwrite, empty cells leave what is stored. */
async function importAccounts(deps: Deps, actor: Actor, request: ImportRequest): Promise<ImportReport> {
  const report: ImportReport = { format: 'accounts', rowsRead: 0, created: 0, existing: 0, rejected: [] };
  let pending: Array<{ line: number; account: ImportedAccount }> = [];
  const rows = parseAccountsCsv(request.data, {
    mapping: request.mapping,
    onProgress: request.onProgress,
    progressEvery: request.progressEvery,
  });
  for (const row of rows) {
    report.rowsRead++;
    if ('error' in row) {
      report.rejected.push({ line: row.line, reason: row.error });
      continue;
    }
    const checked = createAccountInput.safeParse(withoutNulls(row.account));
    if (!checked.success) {
      report.rejected.push({ line: row.line, reason: describeZodIssues(checked.error) });
      continue;
    }
    pending.push(row);
    if (pending.length >= IMPORT_CHUNK) {
      await storeAccounts(deps, actor, pending, report);
      pending = [];
    }
  }
  await storeAccounts(deps, actor, pending, report);
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}

function withoutNulls(account: ImportedAccount): Record<string, string | number> {
  return Object.fromEntries(Object.entries(account).filter(([, v]) => v !== null)) as Record<
    string,
    string | number
  >;
}

async function storeAccounts(
  deps: Deps,
  actor: Actor,
  chunk: Array<{ line: number; account: ImportedAccount }>,
  report: ImportReport,
): Promise<void> {
  if (chunk.length === 0) return;
  try {
    const counts = await inTransaction(deps, actor, async (tx) => {
      const names = [...new Set(chunk.map((c) => c.account.name))];
      const rows = await tx.db.selectFrom('accounts').selectAll().where('name', 'in', names).execute();
      const byName = new Map(rows.map((r) => [r.name, r]));
      let created = 0;
      for (const { account } of chunk) {
        const given = withoutNulls(account);
        const before = byName.get(account.name);
        byName.set(
          account.name,
          before
            ? await patchAccount(tx, before, given)
            : await insertAccount(tx, { ...given, name: account.name }),
        );
        if (!before) created++;
      }
      return { created, existing: chunk.length - created };
    });
    report.created += counts.created;
    report.existing += counts.existing;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (chunk.length === 1) {
      report.rejected.push({ line: chunk[0].line, reason: error.message });
      return;
    }
    for (const one of chunk) await storeAccounts(deps, actor, [one], report);
  }
}
