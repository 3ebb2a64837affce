import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DATA_TABLES } from '../../src/usecases/export/tables.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets, postgresSkipReason } from '../support/databases.ts';
import { type Fixture, fillEmptyTables, fillThroughApi, isExported } from './fixture.ts';
import { assertSameLines, cliOn, exportTo, importFrom, parseExport, signInOn } from './helpers.ts';

const skippedTables = Object.entries(DATA_TABLES)
  .filter(([, policy]) => !policy.export)
  .map(([name]) => name);

for (const target of databaseTargets()) {
  describe(`export and import-all on ${target.name}`, () => {
    let t: TestApp;
    let fixture: Fixture;
    let dir: string;
    let exported: string;
    const drops: Array<() => Promise<void>> = [];
    const emptyDatabase = async (migrate = false) => {
      const db = await target.create({ migrate });
      drops.push(db.drop);
      return db;
    };

    before(async () => {
      t = await startTestApp(target);
      fixture = await fillThroughApi(t);
      await fillEmptyTables(t.store.db, t.store.dialect, isExported);
      dir = mkdtempSync(join(tmpdir(), 'productos-export-'));
      exported = await exportTo(t.url, join(dir, 'first.jsonl'));
    });
    after(async () => {
      for (const drop of drops) await drop();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('export → import-all into an empty database → export gives the same file, line for line', async () => {
      const parsed = parseExport(exported);
      const empty = [...parsed.tables].filter(([, table]) => table.rows.length === 0).map(([name]) => name);
      assert.deepEqual(empty, [], 'every exported table holds rows, so each one is round-tripped');
      const restored = await emptyDatabase();
      const run = await importFrom(restored.url, join(dir, 'first.jsonl'));
      assert.match(run.out, /restored \d[\d,]* rows into \d+ tables/);
      const again = await exportTo(restored.url, join(dir, 'second.jsonl'));
      assertSameLines(again, exported, 'the export of the restored database');
    });

    test('the real command pipes an export into import-all (productos export | productos import-all -)', async () => {
      const restored = await emptyDatabase();
      const bin = join(import.meta.dirname, '..', '..', 'bin', 'productos.mjs');
      const exporter = spawn(process.execPath, [bin, 'export', '--progress'], {
        env: { ...process.env, DATABASE_URL: t.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const importer = spawn(process.execPath, [bin, 'import-all', '-'], {
        env: { ...process.env, DATABASE_URL: restored.url },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      exporter.stdout.pipe(importer.stdin);
      let progress = '';
      let report = '';
      exporter.stderr.on('data', (chunk: Buffer) => {
        progress += chunk.toString();
      });
      importer.stdout.on('data', (chunk: Buffer) => {
        report += chunk.toString();
      });
      importer.stderr.on('data', (chunk: Buffer) => {
        report += chunk.toString();
      });
      const [[exportCode], [importCode]] = await Promise.all([
        once(exporter, 'exit'),
        once(importer, 'exit'),
      ]);
      assert.equal(exportCode, 0, progress);
      assert.equal(importCode, 0, report);
      assert.match(progress, /\[#{30}\] 100%\s+[\d,]+ \/ [\d,]+ rows/, 'a progress bar on stderr, asked for');
      assert.match(progress, /It holds secrets/);
      assert.match(report, /restored [\d,]+ rows/);
      assertSameLines(
        await exportTo(restored.url, join(dir, 'piped.jsonl')),
        exported,
        'the export after the pipe',
      );
    });

    test('without --out the export goes to standard output, byte for byte the same', async () => {
      const run = await cliOn(t.url, 'export');
      assert.equal(run.code, 0, run.err);
      assert.equal(run.out, exported);
      assert.doesNotMatch(run.err, /%/, 'no progress bar unless asked for or on a terminal');
    });

    test('people sign in to the restored database with their passwords, API tokens are not restored, and the pattern engine rebuilds what was not exported', async () => {
      const restored = await emptyDatabase();
      await importFrom(restored.url, join(dir, 'first.jsonl'));
      const before = await signInOn(
        t.url,
        t.users.builder.email,
        'correct horse battery',
        t.users.builder.token,
      );
      assert.equal(before.login, 200);
      assert.equal(before.tokenStatus, 200);
      const linked = parseExport(exported).tables.get('pattern_feedback')?.rows[0];
      assert.ok(linked);
      const afterRestore = await signInOn(
        restored.url,
        t.users.builder.email,
        'correct horse battery',
        t.users.builder.token,
        String(linked.feedback_id),
      );
      assert.equal(afterRestore.login, 200, 'the password hash was restored');
      assert.equal(afterRestore.tokenStatus, 401, 'the API token was not');
      assert.equal(afterRestore.suggestions?.status, 200, JSON.stringify(afterRestore.suggestions?.body));
      const count = await sql<{ n: unknown }>`select count(*) as n from reflect_models`.execute(
        restored.store.db,
      );
      assert.equal(
        Number(count.rows[0].n),
        1,
        'the engine fitted and stored its model on the restored feedback',
      );
    });

    test('the operator’s export says at its top that it holds secrets, and holds them; tokens and caches stay out', () => {
      const parsed = parseExport(exported);
      assert.equal(parsed.header.type, 'productos-export');
      assert.equal(parsed.header.secrets, true);
      assert.match(String(parsed.header.note), /holds secrets/);
      const users = parsed.tables.get('users')?.rows ?? [];
      assert.ok(users.length >= 3);
      assert.ok(
        users.every((u) => typeof u.password_hash === 'string' && u.password_hash.startsWith('$argon2')),
      );
      const reflections = new Set(parsed.tables.get('reflections')?.rows.map((r) => r.id));
      for (const id of [fixture.privateReflectionOfBuilder, fixture.privateReflectionOfAdmin])
        assert.ok(reflections.has(id), 'private reflections are in the operator’s export');
      assert.ok(
        parsed.tables.get('outbound_webhooks')?.rows.some((w) => w.secret === fixture.webhookSecret),
        'webhook secrets are kept, so deliveries stay verifiable after a restore',
      );
      for (const table of skippedTables) assert.ok(!parsed.tables.has(table), `${table} is not exported`);
      assert.ok(!exported.includes(t.users.builder.token), 'no API token appears anywhere in the file');
      assert.equal(
        statSync(join(dir, 'first.jsonl')).mode & 0o777,
        0o600,
        'the file is readable by its owner only',
      );
    });

    test('import-all refuses a database that holds data and names what it holds', async () => {
      const run = await cliOn(t.url, 'import-all', join(dir, 'first.jsonl'));
      assert.equal(run.code, 1);
      assert.match(run.err, /the database is not empty: .*feedback \(\d+ rows\).*never merges/);
    });

    test('import-all restores into a database the server already created (migrated, seeded, no data)', async () => {
      const fresh = await emptyDatabase(true);
      await importFrom(fresh.url, join(dir, 'first.jsonl'));
      assertSameLines(
        await exportTo(fresh.url, join(dir, 'fresh.jsonl')),
        exported,
        'the export after restoring',
      );
    });

    test('a file cut short is refused with its line and nothing is stored', async () => {
      const lines = exported.split('\n');
      const feedbackRow = lines.findIndex((l) => l.startsWith('{"table":"feedback","row"'));
      const cut = join(dir, 'cut.jsonl');
      writeFileSync(cut, `${lines.slice(0, feedbackRow + 1).join('\n')}\n`);
      const target2 = await emptyDatabase();
      const run = await cliOn(target2.url, 'import-all', cut);
      assert.equal(run.code, 1);
      assert.match(run.err, /feedback announced \d+ rows, the file ends after \d+: it is incomplete/);
      const noEnd = join(dir, 'no-end.jsonl');
      writeFileSync(noEnd, `${lines.slice(0, -2).join('\n')}\n`);
      const run2 = await cliOn(target2.url, 'import-all', noEnd);
      assert.match(run2.err, /without its end line: it is incomplete/);
      const count = await sql<{ n: unknown }>`select count(*) as n from feedback`.execute(target2.store.db);
      assert.equal(Number(count.rows[0].n), 0, 'all or nothing');
      // And the same database then takes the whole file.
      await importFrom(target2.url, join(dir, 'first.jsonl'));
    });

    test('import-all names the line of a malformed row, an unknown column, an API export and a newer schema', async () => {
      const lines = exported.split('\n');
      const target2 = await emptyDatabase();
      const attempt = async (name: string, text: string) => {
        const file = join(dir, name);
        writeFileSync(file, text);
        const run = await cliOn(target2.url, 'import-all', file);
        assert.equal(run.code, 1, run.out);
        return run.err;
      };
      const row = lines.findIndex((l) => l.startsWith('{"table":"accounts","row"'));
      const broken = [...lines];
      broken[row] = '{"table":"accounts","row":{"id":';
      assert.match(
        await attempt('broken.jsonl', broken.join('\n')),
        new RegExp(`line ${row + 1}: is not JSON`),
      );
      const extra = [...lines];
      const tableLine = lines.findIndex((l) => l.startsWith('{"type":"table","table":"accounts"'));
      extra[tableLine] = extra[tableLine].replace('"columns":["id",', '"columns":["id","favourite_colour",');
      assert.match(
        await attempt('extra.jsonl', extra.join('\n')),
        new RegExp(`line ${tableLine + 1}: column accounts.favourite_colour does not exist`),
      );
      const header = JSON.parse(lines[0]);
      const apiCopy = [JSON.stringify({ ...header, secrets: false }), ...lines.slice(1)].join('\n');
      assert.match(await attempt('api.jsonl', apiCopy), /line 1: this export was made through the API/);
      const newer = [JSON.stringify({ ...header, schema: '29990101T0000-future' }), ...lines.slice(1)].join(
        '\n',
      );
      assert.match(await attempt('newer.jsonl', newer), /does not know .*upgrade productOS/);
      assert.match(await attempt('csv.jsonl', 'text,email\nhello,a@b.c\n'), /line 1: is not JSON/);
      assert.equal(readFileSync(join(dir, 'first.jsonl'), 'utf8'), exported);
    });
  });
}

describe('across databases: SQLite → PostgreSQL → SQLite', { skip: postgresSkipReason }, () => {
  const [sqliteTarget, postgresTarget] = databaseTargets();
  let t: TestApp;
  let dir: string;
  const drops: Array<() => Promise<void>> = [];
  before(async () => {
    t = await startTestApp(sqliteTarget);
    await fillThroughApi(t);
    await fillEmptyTables(t.store.db, t.store.dialect, isExported);
    dir = mkdtempSync(join(tmpdir(), 'productos-across-'));
  });
  after(async () => {
    for (const drop of drops) await drop();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an export restored on the other database exports the same file, both ways', async () => {
    const fromSqlite = await exportTo(t.url, join(dir, 'sqlite.jsonl'));
    const pg = await postgresTarget.create({ migrate: false });
    drops.push(pg.drop);
    await importFrom(pg.url, join(dir, 'sqlite.jsonl'));
    const fromPostgres = await exportTo(pg.url, join(dir, 'postgres.jsonl'));
    assertSameLines(fromPostgres, fromSqlite, 'PostgreSQL’s export of the SQLite data');
    const back = await sqliteTarget.create({ migrate: false });
    drops.push(back.drop);
    await importFrom(back.url, join(dir, 'postgres.jsonl'));
    assertSameLines(
      await exportTo(back.url, join(dir, 'back.jsonl')),
      fromSqlite,
      'SQLite’s export after the trip',
    );
    const signIn = await signInOn(pg.url, t.users.admin.email, 'correct horse battery');
    assert.equal(signIn.login, 200, 'the password hashes made the trip');
  });
});
