/**
 * Export / restore benchmark: builds SQLite databases of 10k and 100k feedback items through the
 * API (contacts, accounts, patterns with links, improvements, history), then times
 * `productos export`, `productos import-all` and `productos backup`, each in a process of its own
 * so its peak RSS is measured alone, against floors measured in the same run: a bare better-sqlite3
 * dump of the same tables to JSON lines and a bare load of the same rows. With a PostgreSQL server
 * (BENCH_POSTGRES_URL or TEST_POSTGRES_URL) the same file is restored into and exported from
 * PostgreSQL, beside pg_dump and pg_restore. Every restored database is exported again and must
 * give the same file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDeps, settleDeps } from '../src/deps.ts';
import type { Actor } from '../src/domain/authorization.ts';
import { SYSTEM_ACTOR } from '../src/domain/authorization.ts';
import { buildApp } from '../src/http/app.ts';
import { openStore } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { createToken } from '../src/usecases/auth.ts';
import { createUser } from '../src/usecases/users.ts';

export interface ExportBenchOptions {
  /** Feedback items per database; 10k and 100k by default. */
  sizes?: number[];
  postgresUrl?: string | null;
}

interface Measure {
  seconds: number;
  maxRssMb: number;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1e6, 1)} MB`;

/** Runs one step in a child process and reads back its time and peak RSS. */
function measure(args: string[], env: Record<string, string>, dir: string): Measure {
  const out = join(dir, `measure-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'export-child.ts'), ...args],
    {
      env: { ...process.env, ...env, BENCH_MEASURE_OUT: out },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed (${child.status}): ${child.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as Measure;
  rmSync(out);
  return result;
}

function timed(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const WORDS =
  'export import dialog folder sync device flash drive verify image network proxy login token dashboard chart slow crash freeze retry backup restore invoice billing plan seat admin role permission search filter tag label'.split(
    ' ',
  );

/** A database of `items` feedback items made through the API, as people would fill it. */
export async function seed(path: string, items: number): Promise<Record<string, number>> {
  const store = openStore(`sqlite:${path}`);
  await migrateToLatest(store.db);
  const deps = createDeps({ store });
  const user = await createUser(deps, SYSTEM_ACTOR, {
    email: 'bench@example.test',
    name: 'Bench',
    role: 'admin',
    password: 'bench password 1',
  });
  const actor: Actor = { kind: 'user', userId: user.id, role: 'admin', name: user.name };
  const { token } = await createToken(deps, actor, { name: 'bench' });
  const app = await buildApp(deps, { publicUrl: 'http://127.0.0.1:3000', logger: false });
  const call = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  try {
    const products: string[] = [];
    for (let p = 0; p < 5; p++)
      products.push(
        (await call('POST', '/api/v1/products', { name: `Product ${p}`, problem: `Need ${p}` })).id,
      );
    const ids: string[] = [];
    for (let b = 0; b < items; b += 1000) {
      const batch = Array.from({ length: Math.min(1000, items - b) }, (_, k) => {
        const i = b + k;
        const words = Array.from({ length: 12 + (i % 17) }, (_, w) => WORDS[(i * 7 + w * 13) % WORDS.length]);
        return {
          text: `Item ${i}: ${words.join(' ')}. It happened on version ${i % 40} after the update.`,
          productId: products[i % products.length],
          receivedAt: new Date(Date.UTC(2025, 0, 1) + i * 300_000).toISOString(),
          source: { channel: 'email', externalId: `bench-${i}`, url: `https://mail.example.test/${i}` },
          // 2,000 people at 400 customers, each writing again now and then.
          contact: {
            email: `person${i % 2000}@customer${(i % 2000) % 400}.test`,
            name: `Person ${i % 2000}`,
            account: `Customer ${(i % 2000) % 400}`,
          },
        };
      });
      const res = await call('POST', '/api/v1/feedback', { items: batch });
      for (const item of res.items) ids.push(item.id);
    }
    // Half of the items linked, 50 to a pattern; an improvement with an option for every 10 patterns.
    const patterns = Math.floor(items / 100);
    for (let p = 0; p < patterns; p++) {
      const pattern = await call('POST', '/api/v1/patterns', {
        title: `Pattern ${p}: ${WORDS[p % WORDS.length]} ${WORDS[(p * 3) % WORDS.length]}`,
        productId: products[p % products.length],
        feedbackIds: ids.slice(p * 50, p * 50 + 50),
      });
      if (p % 10 === 0) {
        const improvement = await call('POST', '/api/v1/improvements', {
          title: `Improve ${p}`,
          patternIds: [pattern.id],
          proposal: 'Do the **thing**',
          effort: 3.5,
          confidence: 0.7,
        });
        await call('POST', `/api/v1/improvements/${improvement.id}/options`, {
          title: 'Option A',
          body: 'x',
        });
      }
    }
    const counts: Record<string, number> = {};
    for (const table of [
      'feedback',
      'contacts',
      'accounts',
      'patterns',
      'pattern_feedback',
      'events',
    ] as const) {
      const row = await store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      counts[table] = Number(row.n);
    }
    return counts;
  } finally {
    await app.close();
    await settleDeps(deps);
    await store.close();
  }
}

async function withPostgresDatabase<T>(adminUrl: string, run: (url: string) => Promise<T> | T): Promise<T> {
  const name = `productos_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await run(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

function sameFile(a: string, b: string): boolean {
  return readFileSync(a).equals(readFileSync(b));
}

/** Runs the benchmark and returns its markdown section. */
export async function benchExport(options: ExportBenchOptions = {}): Promise<string> {
  const sizes = options.sizes ?? [10_000, 100_000];
  const postgresUrl = options.postgresUrl ?? null;
  const dir = mkdtempSync(join(tmpdir(), 'productos-bench-export-'));
  const rows: string[] = [];
  const notes: string[] = [];
  try {
    const idle = measure(['idle'], {}, dir);
    for (const items of sizes) {
      process.stderr.write(`bench export: seeding ${fmt(items)} items…\n`);
      const source = join(dir, `source-${items}.db`);
      const seedStart = Date.now();
      const counts = await seed(source, items);
      const sqliteUrl = `sqlite:${source}`;
      const file = join(dir, `export-${items}.jsonl`);
      process.stderr.write(`bench export: measuring ${fmt(items)} items…\n`);
      const exported = measure(['cli', 'export', '--out', file], { DATABASE_URL: sqliteUrl }, dir);
      const lines = readFileSync(file, 'utf8').split('\n').length - 1;
      const restoredPath = join(dir, `restored-${items}.db`);
      const restored = measure(['cli', 'import-all', file], { DATABASE_URL: `sqlite:${restoredPath}` }, dir);
      const again = join(dir, `again-${items}.jsonl`);
      measure(['cli', 'export', '--out', again], { DATABASE_URL: `sqlite:${restoredPath}` }, dir);
      const identical = sameFile(file, again);
      const backup = measure(
        ['cli', 'backup', join(dir, `backup-${items}.db`)],
        { DATABASE_URL: sqliteUrl },
        dir,
      );
      const rawDump = measure(['raw-dump', source, join(dir, `raw-${items}.jsonl`)], {}, dir);
      const rawLoad = measure(['raw-load', file, join(dir, `raw-load-${items}.db`)], {}, dir);
      const label = `${fmt(items)} items (${fmt(counts.events)} events, ${fmt(counts.contacts)} contacts, ${fmt(counts.pattern_feedback)} links; ${fmt(lines)} lines, ${mb(statSync(file).size)})`;
      rows.push(
        `| SQLite, ${label} | ${fmt(exported.seconds, 1)} s, ${fmt(exported.maxRssMb)} MB | ${fmt(restored.seconds, 1)} s, ${fmt(restored.maxRssMb)} MB | ${identical ? 'identical' : '**differs**'} | dump ${fmt(rawDump.seconds, 1)} s, ${fmt(rawDump.maxRssMb)} MB (export ×${fmt(exported.seconds / rawDump.seconds, 1)}); load ${fmt(rawLoad.seconds, 1)} s, ${fmt(rawLoad.maxRssMb)} MB (import-all ×${fmt(restored.seconds / rawLoad.seconds, 1)}); \`productos backup\` ${fmt(backup.seconds, 1)} s, ${fmt(backup.maxRssMb)} MB |`,
      );
      notes.push(
        `seeding ${fmt(items)} items through the API took ${fmt((Date.now() - seedStart) / 1000)} s`,
      );

      if (postgresUrl) {
        await withPostgresDatabase(postgresUrl, async (url) => {
          const pgRestored = measure(['cli', 'import-all', file], { DATABASE_URL: url }, dir);
          const pgFile = join(dir, `pg-${items}.jsonl`);
          const pgExported = measure(['cli', 'export', '--out', pgFile], { DATABASE_URL: url }, dir);
          const pgIdentical = sameFile(file, pgFile);
          const dumpFile = join(dir, `pg-${items}.dump`);
          const pgDump = timed(() => execFileSync('pg_dump', ['--format=custom', `--file=${dumpFile}`, url]));
          const pgRestore = await withPostgresDatabase(postgresUrl, (target) =>
            timed(() => execFileSync('pg_restore', [`--dbname=${target}`, dumpFile])),
          );
          rows.push(
            `| PostgreSQL 15, the same file | ${fmt(pgExported.seconds, 1)} s, ${fmt(pgExported.maxRssMb)} MB | ${fmt(pgRestored.seconds, 1)} s, ${fmt(pgRestored.maxRssMb)} MB | ${pgIdentical ? 'identical to SQLite’s' : '**differs**'} | \`pg_dump -Fc\` ${fmt(pgDump, 1)} s (export ×${fmt(pgExported.seconds / pgDump, 1)}); \`pg_restore\` ${fmt(pgRestore, 1)} s (import-all ×${fmt(pgRestored.seconds / pgRestore, 1)}) |`,
          );
        });
      }
    }
    return [
      '## Export, restore and backup',
      '',
      `Each step ran as its own \`productos\` process (so its peak RSS is its own; a process that loads the CLI and does nothing peaks at ${fmt(idle.maxRssMb)} MB); times exclude starting Node. The floors, measured in the same run: a bare better-sqlite3 loop writing every exported row as \`JSON.stringify(row)\` (no snapshot, no paging, no value normalising), and a bare load of the export's rows with one prepared INSERT each in one transaction (no checks). "Again" exports the restored database and compares the files byte for byte.${postgresUrl ? '' : ' PostgreSQL was not measured: set BENCH_POSTGRES_URL (or TEST_POSTGRES_URL).'}`,
      '',
      '| database | `productos export` (time, peak RSS) | `productos import-all` | export again | floors in the same run |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      ...notes.map((n) => `- ${n}`),
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
