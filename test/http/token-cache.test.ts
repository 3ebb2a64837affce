import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDeps } from '../../src/deps.ts';
import { type Actor, SYSTEM_ACTOR } from '../../src/domain/authorization.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { authenticate, createToken, revokeToken } from '../../src/usecases/auth.ts';
import { TOKEN_CACHE_TTL_MS, VerifiedTokenCache } from '../../src/usecases/token-cache.ts';
import { createUser } from '../../src/usecases/users.ts';
import { startTestApp, type TestApp, TestClock } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';

const feedback = (externalId: string) => ({ text: 'Cached tokens', source: { channel: 'api', externalId } });

for (const target of databaseTargets()) {
  describe(`verified tokens are cached briefly, and revocation still holds, on ${target.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(() => t.close());

    test('a disabled user’s token is refused on the very next request, though it was just verified', async () => {
      const made = (
        await t.call('admin', 'POST', '/api/v1/users', {
          email: 'soon-gone@example.test',
          name: 'Soon Gone',
          role: 'builder',
          password: 'long enough password',
        })
      ).json();
      const actor: Actor = { kind: 'user', userId: made.id, role: 'builder', name: made.name };
      const { token } = await createToken(t.deps, actor, { name: 'cli' });
      const headers = { authorization: `Bearer ${token}` };
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode, 200);
      await t.call('admin', 'PATCH', `/api/v1/users/${made.id}`, { disabled: true });
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode, 401);
    });

    test('a new role takes effect on the very next request', async () => {
      const made = (
        await t.call('admin', 'POST', '/api/v1/users', {
          email: 'promoted@example.test',
          name: 'Promoted',
          role: 'viewer',
          password: 'long enough password',
        })
      ).json();
      const actor: Actor = { kind: 'user', userId: made.id, role: 'viewer', name: made.name };
      const { token } = await createToken(t.deps, actor, { name: 'cli' });
      const post = (externalId: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/feedback',
          headers: { authorization: `Bearer ${token}` },
          payload: feedback(externalId),
        });
      assert.equal((await post('role-1')).statusCode, 403);
      await t.call('admin', 'PATCH', `/api/v1/users/${made.id}`, { role: 'builder' });
      assert.equal((await post('role-2')).statusCode, 201);
    });
  });

  describe(`a token revoked by another process on ${target.name}`, () => {
    let first: Store;
    let second: Store;
    let drop: () => Promise<void>;
    before(async () => {
      const created = await target.create();
      first = created.store;
      drop = created.drop;
      second = openStore(created.url);
    });
    after(async () => {
      await second.close();
      await drop();
    });

    test('stops working here once the cache’s few seconds have passed', async () => {
      const clock = new TestClock();
      const here = createDeps({ store: first, clock: clock.now });
      const there = createDeps({ store: second, clock: clock.now });
      const user = await createUser(here, SYSTEM_ACTOR, {
        email: 'two-procs@example.test',
        name: 'Two',
        role: 'builder',
        password: 'long enough password',
      });
      const actor: Actor = { kind: 'user', userId: user.id, role: 'builder', name: user.name };
      const { id, token } = await createToken(here, actor, { name: 'shared' });
      assert.equal((await authenticate(here, token))?.user.id, user.id);
      await revokeToken(there, actor, id);
      assert.equal(await authenticate(there, token), null, 'the revoking process refuses it at once');
      assert.ok(await authenticate(here, token), 'this process trusts its recent check a little longer');
      clock.advance(TOKEN_CACHE_TTL_MS);
      assert.equal(await authenticate(here, token), null);
    });
  });
}

describe('the verified-token cache', () => {
  const verified = {
    actor: { kind: 'user' as const, userId: 'u1', role: 'builder' as const, name: 'U' },
    user: {
      id: 'u1',
      email: 'u@example.test',
      name: 'U',
      role: 'builder' as const,
      disabled: false,
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
    },
    tokenId: 't1',
    kind: 'api' as const,
    csrfToken: null,
  };
  const at = (iso: string) => new Date(iso);

  test('does not keep a lookup that raced with an invalidation', () => {
    const cache = new VerifiedTokenCache();
    const ticket = cache.ticket();
    cache.invalidate();
    cache.set('h', ticket, { ...verified }, null, at('2026-11-01T10:00:00Z'));
    assert.equal(cache.get('h', at('2026-11-01T10:00:00Z')), null);
  });

  test('answers within its lifetime, and not after it or once the token itself expired', () => {
    const cache = new VerifiedTokenCache(5_000);
    cache.set('h', cache.ticket(), { ...verified }, null, at('2026-11-01T10:00:00Z'));
    assert.equal(cache.get('h', at('2026-11-01T10:00:04.999Z'))?.tokenId, 't1');
    assert.equal(cache.get('h', at('2026-11-01T10:00:05Z')), null);
    cache.set('e', cache.ticket(), { ...verified }, '2026-11-01T10:00:02.000Z', at('2026-11-01T10:00:00Z'));
    assert.ok(cache.get('e', at('2026-11-01T10:00:01Z')));
    assert.equal(cache.get('e', at('2026-11-01T10:00:02Z')), null);
  });

  test('asks again when the clock went backwards', () => {
    const cache = new VerifiedTokenCache(5_000);
    cache.set('h', cache.ticket(), { ...verified }, null, at('2026-11-01T10:00:00Z'));
    assert.equal(cache.get('h', at('2026-11-01T09:59:59Z')), null);
  });
});
