import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueSetupToken } from '../../src/usecases/auth.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets, postgresSkipReason } from '../support/databases.ts';

test('the PostgreSQL suite runs or says why not', { skip: postgresSkipReason }, () => {
  assert.ok(process.env.TEST_POSTGRES_URL);
});

for (const target of databaseTargets()) {
  describe(`auth, people and tokens on ${target.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(() => t.close());

    test('signing in returns a session token usable as a bearer and sets the session cookie', async () => {
      const res = await t.call(null, 'POST', '/api/v1/auth/login', {
        email: t.users.builder.email,
        password: 'correct horse battery',
      });
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.user.email, t.users.builder.email);
      assert.equal(body.user.role, 'builder');
      assert.equal(body.user.password_hash, undefined);
      const cookie = res.cookies.find((c) => c.name === 'productos_session');
      assert.ok(cookie?.httpOnly);
      assert.equal(cookie?.sameSite, 'Lax');
      const me = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${body.token}` },
      });
      assert.equal(me.json().user.id, t.users.builder.id);
      const viaCookie = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        cookies: { productos_session: body.token },
      });
      assert.equal(viaCookie.json().via, 'cookie');
    });

    test('cookie-authenticated writes need the CSRF header from sign-in', async () => {
      const login = (
        await t.call(null, 'POST', '/api/v1/auth/login', {
          email: t.users.builder.email,
          password: 'correct horse battery',
        })
      ).json();
      const payload = { name: 'CSRF product', problem: 'p' };
      const without = await t.app.inject({
        method: 'POST',
        url: '/api/v1/products',
        cookies: { productos_session: login.token },
        payload,
      });
      assert.equal(without.statusCode, 403);
      assert.match(without.json().error.message, /x-csrf-token/);
      const withHeader = await t.app.inject({
        method: 'POST',
        url: '/api/v1/products',
        cookies: { productos_session: login.token },
        headers: { 'x-csrf-token': login.csrfToken },
        payload,
      });
      assert.equal(withHeader.statusCode, 201);
    });

    test('a wrong password and an unknown email give the same error', async () => {
      const wrongPassword = await t.call(null, 'POST', '/api/v1/auth/login', {
        email: t.users.viewer.email,
        password: 'nope nope nope',
      });
      const unknownEmail = await t.call(null, 'POST', '/api/v1/auth/login', {
        email: 'nobody@example.test',
        password: 'nope nope nope',
      });
      assert.equal(wrongPassword.statusCode, 401);
      assert.equal(unknownEmail.statusCode, 401);
      assert.deepEqual(wrongPassword.json(), unknownEmail.json());
    });

    test('repeated failed sign-ins are rate limited, then allowed again after the window', async () => {
      const email = t.users.admin.email;
      for (let i = 0; i < 10; i++) {
        const res = await t.call(null, 'POST', '/api/v1/auth/login', { email, password: 'wrong password!' });
        assert.equal(res.statusCode, 401);
      }
      const blocked = await t.call(null, 'POST', '/api/v1/auth/login', {
        email,
        password: 'correct horse battery',
      });
      assert.equal(blocked.statusCode, 429);
      assert.equal(blocked.json().error.code, 'rate_limited');
      t.clock.advance(16 * 60_000);
      const later = await t.call(null, 'POST', '/api/v1/auth/login', {
        email,
        password: 'correct horse battery',
      });
      assert.equal(later.statusCode, 200);
    });

    test('logging out ends the session', async () => {
      const login = (
        await t.call(null, 'POST', '/api/v1/auth/login', {
          email: t.users.viewer.email,
          password: 'correct horse battery',
        })
      ).json();
      const headers = { authorization: `Bearer ${login.token}` };
      assert.equal(
        (await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers })).statusCode,
        204,
      );
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers });
      assert.equal(me.statusCode, 401);
    });

    test('requests without credentials or with an unknown token are unauthenticated', async () => {
      const anonymous = await t.call(null, 'GET', '/api/v1/feedback');
      assert.equal(anonymous.statusCode, 401);
      assert.equal(anonymous.json().error.code, 'unauthenticated');
      const bogus = await t.app.inject({
        method: 'GET',
        url: '/api/v1/feedback',
        headers: { authorization: 'Bearer pos_nonsense' },
      });
      assert.equal(bogus.statusCode, 401);
      const malformed = await t.app.inject({
        method: 'GET',
        url: '/api/v1/feedback',
        headers: { authorization: 'Basic abc' },
      });
      assert.equal(malformed.statusCode, 401);
    });

    test('an API token is shown once, listed without its secret, and stops working when revoked', async () => {
      const created = await t.call('builder', 'POST', '/api/v1/tokens', { name: 'ci' });
      assert.equal(created.statusCode, 201);
      const { id, token } = created.json();
      assert.match(token, /^pos_/);
      const list = await t.call('builder', 'GET', '/api/v1/tokens');
      const listed = list.json().items.find((i: { id: string }) => i.id === id);
      assert.equal(listed.name, 'ci');
      assert.doesNotMatch(JSON.stringify(list.json()), new RegExp(token));
      const headers = { authorization: `Bearer ${token}` };
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode, 200);
      const revoked = await t.call('builder', 'DELETE', `/api/v1/tokens/${id}`);
      assert.equal(revoked.statusCode, 200);
      assert.ok(revoked.json().revokedAt);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode, 401);
    });

    test('only admins create tokens for others or revoke others’ tokens', async () => {
      const denied = await t.call('builder', 'POST', '/api/v1/tokens', {
        name: 'x',
        userId: t.users.viewer.id,
      });
      assert.equal(denied.statusCode, 403);
      const made = await t.call('admin', 'POST', '/api/v1/tokens', {
        name: 'for viewer',
        userId: t.users.viewer.id,
      });
      assert.equal(made.statusCode, 201);
      const revokeByBuilder = await t.call('builder', 'DELETE', `/api/v1/tokens/${made.json().id}`);
      assert.equal(revokeByBuilder.statusCode, 403);
      assert.equal((await t.call('admin', 'DELETE', `/api/v1/tokens/${made.json().id}`)).statusCode, 200);
      assert.equal(
        (await t.call('admin', 'DELETE', '/api/v1/tokens/01jzzzzzzzzzzzzzzzzzzzzzzz')).statusCode,
        404,
      );
    });

    test('admins add people; builders and viewers may not', async () => {
      const body = {
        email: 'New.Person@Example.test',
        name: 'New Person',
        role: 'viewer',
        password: 'long enough password',
      };
      assert.equal((await t.call('builder', 'POST', '/api/v1/users', body)).statusCode, 403);
      const created = await t.call('admin', 'POST', '/api/v1/users', body);
      assert.equal(created.statusCode, 201);
      assert.equal(created.json().email, 'new.person@example.test');
      const again = await t.call('admin', 'POST', '/api/v1/users', body);
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.fields.email, 'already taken');
      const list = await t.call('viewer', 'GET', '/api/v1/users?limit=2');
      assert.equal(list.json().items.length, 2);
      assert.ok(list.json().nextCursor);
      const next = await t.call('viewer', 'GET', `/api/v1/users?limit=2&cursor=${list.json().nextCursor}`);
      assert.notEqual(next.json().items[0].id, list.json().items[0].id);
      const one = await t.call('viewer', 'GET', `/api/v1/users/${created.json().id}`);
      assert.equal(one.json().name, 'New Person');
    });

    test('people change their own name; only admins change roles; the last admin stays admin', async () => {
      const renamed = await t.call('viewer', 'PATCH', `/api/v1/users/${t.users.viewer.id}`, {
        name: 'Vera Viewer',
      });
      assert.equal(renamed.json().name, 'Vera Viewer');
      const promote = await t.call('viewer', 'PATCH', `/api/v1/users/${t.users.viewer.id}`, {
        role: 'admin',
      });
      assert.equal(promote.statusCode, 403);
      const other = await t.call('builder', 'PATCH', `/api/v1/users/${t.users.viewer.id}`, { name: 'x' });
      assert.equal(other.statusCode, 403);
      const demoteLast = await t.call('admin', 'PATCH', `/api/v1/users/${t.users.admin.id}`, {
        role: 'builder',
      });
      assert.equal(demoteLast.statusCode, 409);
      const history = await t.call('viewer', 'GET', `/api/v1/users/${t.users.viewer.id}/history`);
      const rename = history
        .json()
        .items.find(
          (e: { action: string; changes: Record<string, unknown> }) =>
            e.action === 'update' && e.changes.name,
        );
      assert.deepEqual(rename.changes.name, { before: 'viewer person', after: 'Vera Viewer' });
    });

    test('a disabled user can no longer sign in', async () => {
      const made = (
        await t.call('admin', 'POST', '/api/v1/users', {
          email: 'leaver@example.test',
          name: 'Leaver',
          role: 'builder',
          password: 'long enough password',
        })
      ).json();
      await t.call('admin', 'PATCH', `/api/v1/users/${made.id}`, { disabled: true });
      const login = await t.call(null, 'POST', '/api/v1/auth/login', {
        email: 'leaver@example.test',
        password: 'long enough password',
      });
      assert.equal(login.statusCode, 401);
    });

    test('the one-time setup link creates the first admin only while there are no users', async () => {
      const token = await issueSetupToken(t.deps);
      assert.equal(token, null, 'users exist, so no setup token is issued');
      const refused = await t.call(null, 'POST', '/api/v1/setup', {
        token: 'setup_guess',
        email: 'x@example.test',
        name: 'X',
        password: 'long enough password',
      });
      assert.equal(refused.statusCode, 403);
    });
  });
}
