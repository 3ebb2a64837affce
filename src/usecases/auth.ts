import { createHash, randomBytes } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import { type Actor, authorize, can, type Role } from '../domain/authorization.ts';
import { AppError, forbidden, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { CreateTokenInput, LoginInput, SetupInput, Token, User } from '../domain/user.ts';
import type { TokensTable } from '../store/schema.ts';
import { type Deps, inTransaction, toCount } from './context.ts';
import { countUsers, findUserRow, hashPassword, presentUser, userByEmail } from './users.ts';

export const SESSION_DAYS = 14;
/** Sign-in throttles: failures within the window, per email and per client address. */
export const LOGIN_WINDOW_MINUTES = 15;
export const LOGIN_MAX_FAILURES_PER_EMAIL = 10;
export const LOGIN_MAX_FAILURES_PER_IP = 50;

/** Bearer secrets are 256 random bits; a fast hash is enough to store them (unlike passwords). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

function presentToken(row: TokensTable): Token {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    kind: row.kind as Token['kind'],
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

const SYSTEM_FOR_LOGIN: Actor = { kind: 'system', userId: null, role: 'admin', name: 'auth' };
// Verifying against a real hash when the email is unknown keeps both failures equally slow.
let decoyHash: Promise<string> | null = null;

export interface LoginResult {
  user: User;
  token: string;
  csrfToken: string;
  expiresAt: string;
}

/**
 * Signs a user in with email and password. Wrong email and wrong password give the same error;
 * repeated failures are throttled per email and per address.
 */
export async function login(deps: Deps, input: LoginInput, ip: string): Promise<LoginResult> {
  const now = deps.clock();
  const since = new Date(now.getTime() - LOGIN_WINDOW_MINUTES * 60_000).toISOString();
  const db = deps.store.db;
  const [byEmail, byIp] = await Promise.all([
    db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('email', '=', input.email)
      .where('succeeded', '=', 0)
      .where('at', '>', since)
      .executeTakeFirst(),
    db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('ip', '=', ip)
      .where('succeeded', '=', 0)
      .where('at', '>', since)
      .executeTakeFirst(),
  ]);
  if (toCount(byEmail?.n) >= LOGIN_MAX_FAILURES_PER_EMAIL || toCount(byIp?.n) >= LOGIN_MAX_FAILURES_PER_IP) {
    throw new AppError(
      'rate_limited',
      `too many failed sign-ins; try again in ${LOGIN_WINDOW_MINUTES} minutes`,
    );
  }
  const row = await userByEmail(db, input.email);
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = row?.password_hash
    ? await verify(row.password_hash, input.password).catch(() => false)
    : await verify(await decoyHash, input.password).then(() => false);
  const usable = ok && row !== undefined && row.disabled_at === null;
  await db
    .insertInto('login_attempts')
    .values({ id: newId(), email: input.email, ip, at: now.toISOString(), succeeded: usable ? 1 : 0 })
    .execute();
  if (!usable || !row) throw new AppError('unauthenticated', 'email or password is wrong');

  const token = newSecret('pos_s');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString();
  const actor: Actor = { kind: 'user', userId: row.id, role: row.role as Role, name: row.name };
  await inTransaction(deps, actor, async (tx) => {
    await tx.db
      .insertInto('tokens')
      .values({
        id: newId(),
        user_id: row.id,
        name: 'session',
        kind: 'session',
        token_hash: hashToken(token),
        csrf_token: csrfToken,
        created_at: tx.now,
        last_used_at: tx.now,
        expires_at: expiresAt,
        revoked_at: null,
      })
      .execute();
  });
  return { user: presentUser(row), token, csrfToken, expiresAt };
}

/** Ends the session or revokes the token that authenticated this request. */
export async function logout(deps: Deps, token: string): Promise<void> {
  await deps.store.db
    .updateTable('tokens')
    .set({ revoked_at: deps.clock().toISOString() })
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .execute();
  deps.tokenCache.invalidate();
}

export interface Authenticated {
  actor: Actor;
  user: User;
  tokenId: string;
  kind: 'session' | 'api';
  csrfToken: string | null;
}

/**
 * Resolves a bearer or session secret to its user, or null when it is unknown, expired or revoked.
 * A token verified in the last few seconds is answered from memory (see `VerifiedTokenCache`).
 */
export async function authenticate(deps: Deps, token: string): Promise<Authenticated | null> {
  const tokenHash = hashToken(token);
  const cached = deps.tokenCache.get(tokenHash, deps.clock());
  if (cached) return cached;
  const ticket = deps.tokenCache.ticket();
  const row = await deps.store.db
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.user_id')
    .select([
      'tokens.id as token_id',
      'tokens.kind',
      'tokens.csrf_token',
      'tokens.expires_at',
      'tokens.revoked_at',
      'tokens.last_used_at',
      'users.id',
      'users.email',
      'users.name',
      'users.role',
      'users.password_hash',
      'users.created_at',
      'users.updated_at',
      'users.disabled_at',
    ])
    .where('tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  const now = deps.clock();
  if (!row || row.revoked_at !== null || row.disabled_at !== null) return null;
  if (row.expires_at !== null && row.expires_at <= now.toISOString()) return null;
  // Touch last use at most once a minute, so reads do not turn into writes.
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000) {
    await deps.store.db
      .updateTable('tokens')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', row.token_id)
      .execute();
  }
  const user = presentUser(row);
  const found: Authenticated = {
    actor: { kind: 'user', userId: user.id, role: user.role, name: user.name },
    user,
    tokenId: row.token_id,
    kind: row.kind as 'session' | 'api',
    csrfToken: row.csrf_token,
  };
  deps.tokenCache.set(tokenHash, ticket, found, row.expires_at, now);
  return found;
}

/** Creates an API token (shown once). Admins may create one for another user. */
export async function createToken(
  deps: Deps,
  actor: Actor | null,
  input: CreateTokenInput,
): Promise<{ id: string; token: string; item: Token }> {
  authorize(actor, 'tokens:own');
  const userId = input.userId ?? actor.userId;
  if (!userId) throw new AppError('invalid', 'name the user the token is for', { userId: 'required here' });
  if (userId !== actor.userId) authorize(actor, 'tokens:manage-others');
  const token = newSecret('pos');
  return inTransaction(deps, actor, async (tx) => {
    await findUserRow(tx.db, userId);
    const row: TokensTable = {
      id: newId(),
      user_id: userId,
      name: input.name,
      kind: 'api',
      token_hash: hashToken(token),
      csrf_token: null,
      created_at: tx.now,
      last_used_at: null,
      expires_at: input.expiresInDays
        ? new Date(Date.parse(tx.now) + input.expiresInDays * 86_400_000).toISOString()
        : null,
      revoked_at: null,
    };
    await tx.db.insertInto('tokens').values(row).execute();
    await tx.record('user', userId, 'update', {
      tokens: { before: null, after: `created token ${row.id} (${row.name})` },
    });
    return { id: row.id, token, item: presentToken(row) };
  });
}

/** Lists API tokens: one's own, or (admins) everybody's or one user's. */
export async function listTokens(
  deps: Deps,
  actor: Actor | null,
  query: { userId?: string },
): Promise<Token[]> {
  authorize(actor, 'tokens:own');
  let q = deps.store.db.selectFrom('tokens').selectAll().where('kind', '=', 'api').orderBy('id', 'desc');
  if (can(actor, 'tokens:manage-others')) {
    if (query.userId) q = q.where('user_id', '=', query.userId);
  } else {
    q = q.where('user_id', '=', actor.userId ?? '');
  }
  return (await q.execute()).map(presentToken);
}

export async function revokeToken(deps: Deps, actor: Actor | null, id: string): Promise<Token> {
  authorize(actor, 'tokens:own');
  return inTransaction(deps, actor, async (tx) => {
    const row = await tx.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('token', id);
    if (row.user_id !== actor.userId && !can(actor, 'tokens:manage-others'))
      throw forbidden('that token belongs to someone else');
    const revokedAt = row.revoked_at ?? tx.now;
    await tx.db.updateTable('tokens').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
    await tx.record('user', row.user_id, 'update', {
      tokens: { before: null, after: `revoked token ${row.id} (${row.name})` },
    });
    return presentToken({ ...row, revoked_at: revokedAt });
  });
}

/**
 * First start: with no user at all, a one-time setup token is minted; whoever opens the printed link
 * creates the first admin. Returns null when users exist already.
 */
export async function issueSetupToken(deps: Deps): Promise<string | null> {
  if ((await countUsers(deps)) > 0) return null;
  const token = newSecret('setup');
  await deps.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('setup_tokens')
      .set({ used_at: deps.clock().toISOString() })
      .where('used_at', 'is', null)
      .execute();
    await trx
      .insertInto('setup_tokens')
      .values({
        id: newId(),
        token_hash: hashToken(token),
        created_at: deps.clock().toISOString(),
        used_at: null,
      })
      .execute();
  });
  return token;
}

/** Creates the first admin with a setup token; refuses once any user exists or the token is spent. */
export async function completeSetup(deps: Deps, input: SetupInput): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return inTransaction(deps, SYSTEM_FOR_LOGIN, async (tx) => {
    const setup = await tx.db
      .selectFrom('setup_tokens')
      .selectAll()
      .where('token_hash', '=', hashToken(input.token))
      .executeTakeFirst();
    const users = await tx.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    if (!setup || setup.used_at !== null || toCount(users?.n) > 0) {
      throw new AppError('forbidden', 'this setup link was used already or is not valid');
    }
    await tx.db.updateTable('setup_tokens').set({ used_at: tx.now }).where('id', '=', setup.id).execute();
    const id = newId();
    await tx.db
      .insertInto('users')
      .values({
        id,
        email: input.email,
        name: input.name,
        role: 'admin',
        password_hash: passwordHash,
        created_at: tx.now,
        updated_at: tx.now,
        disabled_at: null,
      })
      .execute();
    const user = await findUserRow(tx.db, id);
    await tx.record('user', id, 'create', {
      email: { before: null, after: input.email },
      role: { before: null, after: 'admin' },
    });
    return presentUser(user);
  });
}

/** Creates the configured admin on a database without users (PRODUCTOS_ADMIN_EMAIL/PASSWORD). */
export async function ensureConfiguredAdmin(
  deps: Deps,
  email: string,
  password: string,
): Promise<User | null> {
  if ((await countUsers(deps)) > 0) return null;
  const passwordHash = await hashPassword(password);
  return inTransaction(deps, SYSTEM_FOR_LOGIN, async (tx) => {
    const id = newId();
    const row = {
      id,
      email: email.trim().toLowerCase(),
      name: 'Admin',
      role: 'admin',
      password_hash: passwordHash,
      created_at: tx.now,
      updated_at: tx.now,
      disabled_at: null,
    };
    await tx.db.insertInto('users').values(row).execute();
    await tx.record('user', id, 'create', {
      email: { before: null, after: row.email },
      role: { before: null, after: 'admin' },
    });
    return presentUser(row);
  });
}
