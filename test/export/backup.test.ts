import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { note } from '../loop/helpers.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets, postgresSkipReason } from '../support/databases.ts';
import { cliOn } from './helpers.ts';

const [sqliteTarget, postgresTarget] = databaseTargets();

describe('productos backup on SQLite', () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    t = await startTestApp(sqliteTarget);
    dir = mkdtempSync(join(tmpdir(), 'productos-backup-'));
    // Enough pages that the copy takes many steps, so writes land between them.
    for (let batch = 0; batch < 6; batch++) {
      const items = Array.from({ length: 1000 }, (_, i) => ({
        text: `Backup seed ${batch}-${i}: the export dialog forgets the last folder I chose, again and again`,
        contact: { email: `person${i % 200}@customer.test`, account: `Account ${i % 40}` },
      }));
      const res = await t.call('builder', 'POST', '/api/v1/feedback', { items });
      assert.equal(res.statusCode, 200, res.body);
    }
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('copies the database while it is written to, and the copy is consistent: every item has its history event', async () => {
    const file = join(dir, 'copy.db');
    let stop = false;
    let writes = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const res = await t.call('builder', 'POST', '/api/v1/feedback', {
          text: `Written during the backup #${i}`,
        });
        assert.equal(res.statusCode, 201);
        writes++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const writesBefore = writes;
    const run = await cliOn(t.url, 'backup', file, '--progress');
    const writesDuring = writes - writesBefore;
    stop = true;
    await writer;
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /backed up .* to .*copy\.db: .*checked by SQLite \(quick_check ok\)/);
    assert.match(run.err, /100%\s+[\d,]+ \/ [\d,]+ pages/);
    assert.ok(writesDuring > 0, 'the server wrote while the copy was made');
    for (const leftover of ['.partial', '.partial-wal', '.partial-shm', '-wal', '-shm'])
      assert.ok(!existsSync(`${file}${leftover}`), `no ${leftover} file is left beside the copy`);
    note(`backup: ${writesDuring} writes landed during the copy; ${run.out.trim()}`);

    const copy = new SQLite(file, { readonly: true });
    try {
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      const items = Number(copy.prepare('select count(*) from feedback').pluck().get());
      const created = Number(
        copy
          .prepare(`select count(*) from events where item_type = 'feedback' and action = 'create'`)
          .pluck()
          .get(),
      );
      assert.equal(created, items, 'each item and its history event were copied together, or neither');
      assert.ok(items >= 6000 && items <= 6000 + writes, `${items} items`);
    } finally {
      copy.close();
    }
    const exported = await cliOn(`sqlite:${file}`, 'export', '--out', join(dir, 'copy.jsonl'));
    assert.equal(exported.code, 0, 'the copy is a working database');
  });

  test('does not replace an existing file unless told to', async () => {
    const file = join(dir, 'twice.db');
    assert.equal((await cliOn(t.url, 'backup', file)).code, 0);
    const again = await cliOn(t.url, 'backup', file);
    assert.equal(again.code, 1);
    assert.match(again.err, /twice\.db exists: choose another name or pass --force/);
    assert.equal((await cliOn(t.url, 'backup', file, '--force')).code, 0);
  });
});

describe('productos backup on PostgreSQL', { skip: postgresSkipReason }, () => {
  test('says to use pg_dump and pg_restore instead, and copies nothing', async () => {
    const db = await postgresTarget.create();
    try {
      const run = await cliOn(db.url, 'backup', join(tmpdir(), 'never-written.db'));
      assert.equal(run.code, 1);
      assert.match(run.err, /PostgreSQL/);
      assert.match(run.err, /pg_dump --format=custom/);
      assert.match(run.err, /pg_restore --dbname=/);
      assert.ok(!existsSync(join(tmpdir(), 'never-written.db')));
    } finally {
      await db.drop();
    }
  });
});
