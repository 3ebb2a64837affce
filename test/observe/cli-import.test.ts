import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CliContext, UsageError } from '../../src/cli/command.ts';
import { importCommand } from '../../src/cli/commands/import.ts';
import { readConfig } from '../../src/config.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { allFeedback } from './helpers.ts';

const fixturePath = (name: string) =>
  fileURLToPath(new URL(`../integrations/fixtures/${name}`, import.meta.url));

for (const target of databaseTargets()) {
  describe(`productos import on ${target.name}`, () => {
    let t: TestApp;
    let dir: string;
    let out: string;
    let err: string;
    const context = (isTty = false): CliContext => {
      out = '';
      err = '';
      return {
        config: readConfig({}),
        io: {
          stdout: (text) => {
            out += text;
          },
          stderr: (text) => {
            err += text;
          },
          isTty,
        },
        deps: async () => t.deps,
      };
    };
    before(async () => {
      t = await startTestApp(target);
      await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Web',
        slug: 'web',
        problem: 'the web app',
      });
      dir = mkdtempSync(join(tmpdir(), 'productos-import-'));
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await t.close();
    });

    test('imports a file with the same use-case as the API and prints rejected rows with their lines', async () => {
      const code = await importCommand.run(
        [fixturePath('canny-posts.csv'), '--format', 'canny', '--product', 'web'],
        context(),
      );
      assert.equal(code, 1, 'some rows were rejected');
      assert.match(out, /3 rows read, 2 created, 0 already present, 1 rejected/);
      assert.match(out, /line 4: no feedback text/);
      const canny = (await allFeedback(t)).filter((f) => f.source.channel === 'canny');
      assert.equal(canny.length, 2);
      const web = (await t.call('viewer', 'GET', '/api/v1/products/web')).json();
      assert.ok(canny.every((f) => f.productId === web.id));
    });

    test('a clean re-import exits 0 and prints the report as JSON when asked', async () => {
      const code = await importCommand.run([fixturePath('inbox.mbox'), '--json'], context());
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(out), {
        format: 'mbox',
        rowsRead: 3,
        created: 3,
        existing: 0,
        rejected: [],
      });
      await importCommand.run([fixturePath('inbox.mbox'), '--json'], context());
      assert.equal(JSON.parse(out).existing, 3);
    });

    test('a big file on a terminal gets a progress bar on stderr', async () => {
      const file = join(dir, 'big.csv');
      const rows = Array.from(
        { length: 5_000 },
        (_, i) => `big-${i},Idea number ${i},user${i % 50}@big.test`,
      );
      writeFileSync(file, `id,text,email\n${rows.join('\n')}\n`);
      const code = await importCommand.run(
        [file, '--mapping', '{"externalId":"id","text":"text","email":"email"}'],
        context(true),
      );
      assert.equal(code, 0);
      assert.match(out, /5000 rows read, 5000 created/);
      assert.match(err, /\[#{30}\] 100% {2}5,000 \/ ~5,000 rows/);
      assert.ok(err.split('\r').length > 5, 'the bar is redrawn as rows are read');
    });

    test('usage mistakes are usage errors, and an unknown product is a failure', async () => {
      const usage = (pattern: RegExp) => (error: unknown) =>
        error instanceof UsageError && pattern.test(error.message);
      await assert.rejects(importCommand.run([], context()), usage(/name one file to import/));
      await assert.rejects(importCommand.run(['notes.txt'], context()), usage(/say --format/));
      await assert.rejects(
        importCommand.run(['x.csv', '--format', 'xlsx'], context()),
        usage(/--format must be one of/),
      );
      await assert.rejects(
        importCommand.run(['x.csv', '--mapping', '{oops'], context()),
        usage(/--mapping must be JSON/),
      );
      assert.equal(await importCommand.run([join(dir, 'missing.csv')], context()), 1);
      assert.match(err, /cannot read/);
      await assert.rejects(
        importCommand.run(
          [fixturePath('canny-posts.csv'), '--format', 'canny', '--product', 'nope'],
          context(),
        ),
        {
          code: 'invalid',
        },
      );
    });
  });
}
