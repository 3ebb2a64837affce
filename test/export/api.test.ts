import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { type Fixture, fillThroughApi } from './fixture.ts';
import { cliOn, exportTo, type ParsedExport, parseExport } from './helpers.ts';

for (const target of databaseTargets()) {
  describe(`GET /api/v1/export on ${target.name}`, () => {
    let t: TestApp;
    let fixture: Fixture;
    let dir: string;
    let api: ParsedExport;
    let body: string;
    let operator: ParsedExport;
    before(async () => {
      t = await startTestApp(target);
      fixture = await fillThroughApi(t);
      dir = mkdtempSync(join(tmpdir(), 'productos-api-export-'));
      const res = await t.call('admin', 'GET', '/api/v1/export');
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^application\/x-ndjson/);
      assert.match(
        String(res.headers['content-disposition']),
        /^attachment; filename="productos-export-\d{4}-\d\d-\d\d\.jsonl"$/,
      );
      body = res.body;
      api = parseExport(body);
      operator = parseExport(await exportTo(t.url, join(dir, 'operator.jsonl')));
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('only admins may export; others get the error envelope', async () => {
      for (const role of ['builder', 'viewer'] as const) {
        const res = await t.call(role, 'GET', '/api/v1/export');
        assert.equal(res.statusCode, 403);
        assert.equal(res.json().error.code, 'forbidden');
      }
      const anonymous = await t.call(null, 'GET', '/api/v1/export');
      assert.equal(anonymous.statusCode, 401);
      assert.equal(anonymous.json().error.code, 'unauthenticated');
    });

    test('the header says the copy holds no secrets and names what it withholds', () => {
      assert.equal(api.header.type, 'productos-export');
      assert.equal(api.header.secrets, false);
      assert.deepEqual(api.header.withheld, {
        contact_subscriptions: ['token'],
        inbound_sources: ['secret'],
        outbound_webhooks: ['secret'],
        users: ['password_hash'],
      });
      assert.match(String(api.header.note), /not a backup/);
    });

    test('no password hash, webhook secret or unsubscribe token appears anywhere in it', () => {
      assert.ok(!api.tables.get('users')?.columns.includes('password_hash'));
      for (const user of operator.tables.get('users')?.rows ?? [])
        assert.ok(!body.includes(String(user.password_hash)), 'a password hash');
      assert.ok(!body.includes(fixture.webhookSecret), 'the outbound webhook secret');
      assert.ok(!body.includes(fixture.inboundSecret), 'the inbound source secret');
      const subscriptions = operator.tables.get('contact_subscriptions')?.rows ?? [];
      assert.ok(subscriptions.length > 0);
      for (const subscription of subscriptions)
        assert.ok(
          !body.includes(String(subscription.token)),
          'an unsubscribe token, in its table or a message',
        );
      assert.match(body, /unsubscribe\?token=withheld/);
      assert.ok(!body.includes(t.users.admin.token), 'the caller’s own API token');
    });

    test('other people’s private reflections and their history are left out; team ones and the caller’s own are in', () => {
      const ids = new Set(api.tables.get('reflections')?.rows.map((r) => r.id));
      assert.ok(!ids.has(fixture.privateReflectionOfBuilder), 'the builder’s private entry');
      assert.ok(ids.has(fixture.teamReflectionOfBuilder), 'the builder’s team entry');
      assert.ok(ids.has(fixture.privateReflectionOfAdmin), 'the admin’s own private entry');
      assert.ok(!body.includes('I was wrong about the cause'));
      const history = api.tables.get('events')?.rows.filter((e) => e.item_type === 'reflection') ?? [];
      assert.ok(!history.some((e) => e.item_id === fixture.privateReflectionOfBuilder));
      assert.ok(history.some((e) => e.item_id === fixture.teamReflectionOfBuilder));
      const hidden = operator.tables
        .get('events')
        ?.rows.filter((e) => e.item_id === fixture.privateReflectionOfBuilder);
      assert.ok((hidden?.length ?? 0) > 0, 'the operator’s export has that history');
    });

    test('it is the operator’s format: same tables in the same order, same rows apart from what it withholds', () => {
      assert.deepEqual([...api.tables.keys()], [...operator.tables.keys()]);
      for (const [name, table] of api.tables) {
        const full = operator.tables.get(name);
        assert.ok(full);
        const withheld = (api.header.withheld as Record<string, string[]>)[name] ?? [];
        assert.deepEqual(
          table.columns,
          full.columns.filter((c) => !withheld.includes(c)),
          name,
        );
        if (name === 'reflections' || name === 'events' || name === 'outbox') continue;
        assert.deepEqual(
          table.rows,
          full.rows.map((row) =>
            Object.fromEntries(Object.entries(row).filter(([c]) => !withheld.includes(c))),
          ),
          name,
        );
      }
      const lines = body.trimEnd().split('\n');
      const end = JSON.parse(lines[lines.length - 1]);
      assert.equal(end.type, 'end');
      assert.equal(
        end.rows,
        [...api.tables.values()].reduce((n, table) => n + table.rows.length, 0),
      );
    });

    test('import-all refuses it: a restore needs the operator’s complete export', async () => {
      const file = join(dir, 'api.jsonl');
      writeFileSync(file, body);
      const empty = await target.create({ migrate: false });
      try {
        const run = await cliOn(empty.url, 'import-all', file);
        assert.equal(run.code, 1);
        assert.match(run.err, /made through the API.*productos export/);
      } finally {
        await empty.drop();
      }
    });
  });
}
