import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDeps } from '../../src/deps.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { hitRateLimit } from '../../src/usecases/rate-limit.ts';
import { databaseTargets } from '../support/databases.ts';

for (const target of databaseTargets()) {
  describe(`rate limits shared through the database on ${target.name}`, () => {
    let first: Store;
    let second: Store;
    let drop: () => Promise<void>;
    let now = new Date('2026-11-01T10:00:00Z');
    before(async () => {
      const created = await target.create();
      first = created.store;
      drop = created.drop;
      second = openStore(created.url); // a second "process" on the same database
    });
    after(async () => {
      await second.close();
      await drop();
    });

    test('two app processes on one database enforce one limit, and it frees up as the window slides', async () => {
      const a = createDeps({ store: first, clock: () => now });
      const b = createDeps({ store: second, clock: () => now });
      const results = [];
      for (let i = 0; i < 6; i++)
        results.push((await hitRateLimit(i % 2 ? a : b, 'portal', '198.51.100.7', 5, 60_000)).allowed);
      assert.deepEqual(results, [true, true, true, true, true, false]);
      const refused = await hitRateLimit(a, 'portal', '198.51.100.7', 5, 60_000);
      assert.equal(refused.allowed, false);
      assert.equal(refused.retryAfterSeconds, 60);
      assert.equal(
        (await hitRateLimit(b, 'portal', '198.51.100.8', 5, 60_000)).allowed,
        true,
        'another key has its own count',
      );
      now = new Date(now.getTime() + 60_001);
      assert.equal((await hitRateLimit(b, 'portal', '198.51.100.7', 5, 60_000)).allowed, true);
    });
  });
}
