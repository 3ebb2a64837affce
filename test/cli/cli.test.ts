import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { cliOnTempDatabase } from '../support/cli.ts';

const run = promisify(execFile);

describe('the productos CLI', () => {
  const { cli, dir: tempDir } = cliOnTempDatabase('cli');

  test('--help lists every command and each command explains itself', async () => {
    const help = await cli('--help');
    assert.equal(help.code, 0);
    for (const name of [
      'serve',
      'migrate',
      'user',
      'token',
      'products',
      'feedback',
      'patterns',
      'improvements',
      'deploys',
    ]) {
      assert.match(help.out, new RegExp(`\\n  ${name} `));
    }
    const userHelp = await cli('user', '--help');
    assert.match(userHelp.out, /productos user add --email/);
    const tokenHelp = await cli('token', '--help');
    assert.match(tokenHelp.out, /token revoke ID/);
  });

  test('an unknown command or a missing option is a usage error with exit code 2', async () => {
    const unknown = await cli('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "frobnicate"/);
    const missing = await cli('user', 'add', '--name', 'X');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--email is required/);
  });

  test('migrate brings a new database up to date, then says so', async () => {
    const first = await cli('migrate');
    assert.equal(first.code, 0);
    assert.match(first.out, /applied: 20261125T1900-initial/);
    assert.match((await cli('migrate')).out, /up to date/);
  });

  test('users are added and listed; tokens are created and revoked', async () => {
    const added = await cli(
      'user',
      'add',
      '--email',
      'Ops@Example.test',
      '--name',
      'Ops',
      '--role',
      'admin',
      '--password',
      'a long password',
    );
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /added admin ops@example.test/);
    const dup = await cli(
      'user',
      'add',
      '--email',
      'ops@example.test',
      '--name',
      'Ops',
      '--password',
      'a long password',
    );
    assert.equal(dup.code, 1);
    assert.match(dup.err, /conflict/);
    const list = await cli('user', 'list', '--json');
    assert.deepEqual(
      JSON.parse(list.out).map((u: { email: string }) => u.email),
      ['ops@example.test'],
    );
    const token = await cli('token', 'create', '--user', 'ops@example.test', '--name', 'deploy bot');
    assert.equal(token.code, 0, token.err);
    assert.match(token.out.trim(), /^pos_[\w-]{40,}$/);
    const id = /token (\w+) for/.exec(token.err)?.[1];
    assert.ok(id);
    const revoked = await cli('token', 'revoke', id);
    assert.match(revoked.out, /revoked/);
  });

  test('loop objects are created, listed, read, changed and deleted with the same validation as the API', async () => {
    const created = await cli(
      'products',
      'create',
      '--data',
      '{"name":"Balena Cloud","problem":"Run fleets"}',
    );
    assert.equal(created.code, 0, created.err);
    const product = JSON.parse(created.out);
    assert.equal(product.slug, 'balena-cloud');
    const file = join(tempDir(), 'fb.json');
    writeFileSync(
      file,
      JSON.stringify({
        text: 'Provisioning is confusing',
        productId: product.id,
        source: { channel: 'email', externalId: 'm1' },
      }),
    );
    const fb = await cli('feedback', 'create', '--data', `@${file}`);
    assert.equal(JSON.parse(fb.out).status, 'created');
    assert.equal(JSON.parse((await cli('feedback', 'create', '--data', `@${file}`)).out).status, 'existing');
    const listed = JSON.parse(
      (await cli('feedback', 'list', '--where', 'status=new', '--where', `productId=${product.id}`)).out,
    );
    assert.equal(listed.items.length, 1);
    const feedbackId = listed.items[0].id;
    const pattern = JSON.parse(
      (await cli('patterns', 'create', '--data', `{"title":"Provisioning UX","productId":"${product.id}"}`))
        .out,
    );
    const linked = JSON.parse((await cli('patterns', 'link', pattern.id, '--feedback', feedbackId)).out);
    assert.equal(linked.feedbackCount, 1);
    const updated = JSON.parse(
      (await cli('products', 'update', product.id, '--data', '{"status":"retired"}')).out,
    );
    assert.equal(updated.status, 'retired');
    assert.equal(JSON.parse((await cli('products', 'get', 'balena-cloud')).out).status, 'retired');
    const bad = await cli('products', 'create', '--data', '{"name":"X","problem":"y","colour":"red"}');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /colour: unknown field/);
    const notJson = await cli('products', 'create', '--data', '{nope');
    assert.equal(notJson.code, 2);
    const spare = JSON.parse((await cli('accounts', 'create', '--data', '{"name":"Spare","arr":100}')).out);
    assert.equal((await cli('accounts', 'delete', spare.id)).code, 0);
    assert.equal((await cli('accounts', 'get', spare.id)).code, 1);
  });

  test('the installed bin runs through node with the TypeScript loader', async () => {
    const { stdout } = await run(
      process.execPath,
      [join(import.meta.dirname, '../../bin/productos.mjs'), '--help'],
      {
        env: { ...process.env, DATABASE_URL: `sqlite:${join(tempDir(), 'bin.db')}` },
      },
    );
    assert.match(stdout, /Usage: productos <command>/);
  });
});
