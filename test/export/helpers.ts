import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCli } from '../../src/cli/main.ts';
import { readConfig } from '../../src/config.ts';
import { createDeps, settleDeps } from '../../src/deps.ts';
import { buildApp } from '../../src/http/app.ts';
import { openStore } from '../../src/store/database.ts';
import { type CliRun, capturedIo } from '../support/cli.ts';

/** Runs the real `productos` command in-process on the database at `url`. */
export async function cliOn(url: string, ...argv: string[]): Promise<CliRun> {
  const io = capturedIo();
  const code = await runCli(argv, io, readConfig({ DATABASE_URL: url }));
  return { code, out: io.out, err: io.err };
}

/** `productos export --out file` on `url`, asserting it worked. */
export async function exportTo(url: string, file: string): Promise<string> {
  const run = await cliOn(url, 'export', '--out', file);
  assert.equal(run.code, 0, run.err);
  return readFileSync(file, 'utf8');
}

/** `productos import-all file` into `url`, asserting it worked. */
export async function importFrom(url: string, file: string): Promise<CliRun> {
  const run = await cliOn(url, 'import-all', file);
  assert.equal(run.code, 0, run.err);
  return run;
}

/** Asserts two exports are identical, naming the first line that differs. */
export function assertSameLines(actual: string, expected: string, what: string): void {
  const a = actual.split('\n');
  const b = expected.split('\n');
  const first = a.findIndex((line, i) => line !== b[i]);
  if (first !== -1 || a.length !== b.length)
    assert.fail(
      `${what}: line ${first === -1 ? Math.min(a.length, b.length) + 1 : first + 1} differs\n  got:      ${a[first] ?? '(end of file)'}\n  expected: ${b[first] ?? '(end of file)'}`,
    );
}

export interface ParsedExport {
  header: Record<string, unknown>;
  tables: Map<string, { columns: string[]; rows: Array<Record<string, unknown>> }>;
}

/** Reads an export into its header and each table's rows. */
export function parseExport(text: string): ParsedExport {
  const lines = text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const tables: ParsedExport['tables'] = new Map();
  for (const line of lines.slice(1)) {
    if (line.type === 'table')
      tables.set(String(line.table), { columns: line.columns as string[], rows: [] });
    else if (line.row) tables.get(String(line.table))?.rows.push(line.row as Record<string, unknown>);
  }
  return { header: lines[0], tables };
}

/**
 * Signs in on a server built on the database at `url`; returns the login's status code, what an
 * old API token gets, and what asking for a feedback item's suggestions with the new session gets.
 */
export async function signInOn(
  url: string,
  email: string,
  password: string,
  token?: string,
  feedbackId?: string,
) {
  const store = openStore(url);
  const deps = createDeps({ store });
  const app = await buildApp(deps, { publicUrl: 'http://127.0.0.1:3000', logger: false });
  try {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
    });
    const me = token
      ? await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })
      : null;
    const suggestions =
      feedbackId && login.statusCode === 200
        ? await app.inject({
            method: 'GET',
            url: `/api/v1/feedback/${feedbackId}/suggestions`,
            headers: { authorization: `Bearer ${login.json().token}` },
          })
        : null;
    return {
      login: login.statusCode,
      tokenStatus: me?.statusCode ?? null,
      suggestions: suggestions ? { status: suggestions.statusCode, body: suggestions.json() } : null,
    };
  } finally {
    await app.close();
    await settleDeps(deps);
    await store.close();
  }
}
