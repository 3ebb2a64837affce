import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createDeps, settleDeps } from '../../src/deps.ts';
import { type Actor, type Role, SYSTEM_ACTOR } from '../../src/domain/authorization.ts';
import { type AppOptions, buildApp } from '../../src/http/app.ts';
import type { Store } from '../../src/store/database.ts';
import { createToken } from '../../src/usecases/auth.ts';
import type { Deps } from '../../src/usecases/context.ts';
import { createUser } from '../../src/usecases/users.ts';
import type { DatabaseTarget } from './databases.ts';

/** A settable clock, so tests can move time (sessions, rate-limit windows, impact windows). */
export class TestClock {
  constructor(public current = new Date('2026-11-01T10:00:00.000Z')) {}
  now = () => new Date(this.current);
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
  actor: Actor;
}

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  store: Store;
  /** The database's URL (DATABASE_URL), for the CLI or a second app process on the same database. */
  url: string;
  clock: TestClock;
  users: Record<Role, TestUser>;
  /** Calls the API as a user (bearer token) or anonymously. */
  call(as: Role | null, method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

let counter = 0;

/** A fresh database, the app in-process, and one admin, builder and viewer with API tokens. */
export async function startTestApp(
  target: DatabaseTarget,
  options: Partial<AppOptions> = {},
): Promise<TestApp> {
  const db = await target.create();
  const clock = new TestClock();
  const deps: Deps = createDeps({ store: db.store, clock: clock.now });
  const app = await buildApp(deps, { publicUrl: 'http://127.0.0.1:3000', logger: false, ...options });
  const users = {} as Record<Role, TestUser>;
  for (const role of ['admin', 'builder', 'viewer'] as const) {
    const email = `${role}${++counter}@example.test`;
    const user = await createUser(deps, SYSTEM_ACTOR, {
      email,
      name: `${role} person`,
      role,
      password: 'correct horse battery',
    });
    const actor: Actor = { kind: 'user', userId: user.id, role, name: user.name };
    const { token } = await createToken(deps, actor, { name: 'tests' });
    users[role] = { id: user.id, email, token, actor };
  }
  return {
    app,
    deps,
    store: db.store,
    url: db.url,
    clock,
    users,
    call(as, method, url, body) {
      const headers: Record<string, string> = {};
      if (as) headers.authorization = `Bearer ${users[as].token}`;
      return app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(body === undefined ? {} : { payload: body as object }),
      });
    },
    async close() {
      await app.close();
      await settleDeps(deps);
      await db.drop();
    },
  };
}
