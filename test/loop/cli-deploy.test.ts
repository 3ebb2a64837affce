import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CliIo } from '../../src/cli/command.ts';
import { runCli } from '../../src/cli/main.ts';
import { readConfig } from '../../src/config.ts';
import { createDeps } from '../../src/deps.ts';
import { SYSTEM_ACTOR } from '../../src/domain/authorization.ts';
import { openStore } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { createImprovement, updateImprovement } from '../../src/usecases/improvements.ts';
import { addOption, decideImprovement } from '../../src/usecases/loop/design.ts';
import { createProduct } from '../../src/usecases/products.ts';

function capture(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTty: false };
}

test('productos deploy records a version with its improvements, and refuses a repeat', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'productos-deploy-'));
  const url = `sqlite:${join(dir, 'cli.db')}`;
  try {
    const store = openStore(url);
    await migrateToLatest(store.db);
    const deps = createDeps({ store });
    await createProduct(deps, SYSTEM_ACTOR, {
      name: 'Etcher',
      slug: 'etcher',
      problem: 'Flash OS images safely',
    });
    const product = await store.db.selectFrom('products').select('id').executeTakeFirstOrThrow();
    const imp = await createImprovement(deps, SYSTEM_ACTOR, { title: 'Retry writes', productId: product.id });
    await updateImprovement(deps, SYSTEM_ACTOR, imp.id, { status: 'designing' });
    const option = await addOption(deps, SYSTEM_ACTOR, imp.id, { title: 'Retry' });
    await decideImprovement(deps, SYSTEM_ACTOR, imp.id, { optionId: option.id, rationale: 'flaky writes' });
    await store.close();

    const config = readConfig({ DATABASE_URL: url });
    const io = capture();
    const code = await runCli(
      ['deploy', '--product', 'etcher', '--version', '1.2.0', '--improvement', imp.id],
      io,
      config,
    );
    assert.equal(code, 0, io.err.join(''));
    const deploy = JSON.parse(io.out.join(''));
    assert.equal(deploy.version, '1.2.0');
    assert.deepEqual(deploy.improvementIds, [imp.id]);

    const again = capture();
    assert.equal(await runCli(['deploy', '--product', 'etcher', '--version', '1.2.0'], again, config), 1);
    assert.match(again.err.join(''), /conflict: version 1\.2\.0/);
    const usage = capture();
    assert.equal(await runCli(['deploy', '--product', 'etcher'], usage, config), 2);
    assert.match(usage.err.join(''), /--version is required/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
