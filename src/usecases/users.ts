import { hash } from '@node-rs/argon2';
import { type Actor, authorize } from '../domain/authorization.ts';
import { AppError, conflict, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { CreateUserInput, UpdateUserInput, User } from '../domain/user.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../store/pagination.ts';
import type { UsersTable } from '../store/schema.ts';
import { type Db, type Deps, diff, inTransaction, isUniqueViolation, toCount } from './context.ts';

export function presentUser(row: UsersTable): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as User['role'],
    disabled: row.disabled_at !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Argon2id with the library's defaults (memory-hard); never store or log the password itself. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function findUserRow(db: Db, id: string): Promise<UsersTable> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('user', id);
  return row;
}

export async function countUsers(deps: Deps): Promise<number> {
  const row = await deps.store.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return toCount(row?.n);
}

/** Creates a user (admins only; the CLI acts as an admin of its own database). */
export async function createUser(deps: Deps, actor: Actor | null, input: CreateUserInput): Promise<User> {
  authorize(actor, 'users:manage');
  const passwordHash = await hashPassword(input.password);
  return inTransaction(deps, actor, async (tx) => {
    const row: UsersTable = {
      id: newId(),
      email: input.email,
      name: input.name,
      role: input.role,
      password_hash: passwordHash,
      created_at: tx.now,
      updated_at: tx.now,
      disabled_at: null,
    };
    try {
      await tx.db.insertInto('users').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(`a user with email ${input.email} exists`, { email: 'already taken' });
      throw error;
    }
    const user = presentUser(row);
    await tx.record('user', row.id, 'create', diff(null, user));
    return user;
  });
}

export async function listUsers(
  deps: Deps,
  actor: Actor | null,
  query: { limit?: number; cursor?: string },
): Promise<Page<User>> {
  authorize(actor, 'users:read');
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = deps.store.db
    .selectFrom('users')
    .selectAll()
    .orderBy('id')
    .limit(limit + 1);
  if (after) q = q.where('id', '>', after.id);
  const rows = await q.execute();
  return toPage(rows, limit, (r) => ({ key: r.id, id: r.id }), presentUser);
}

export async function getUser(deps: Deps, actor: Actor | null, id: string): Promise<User> {
  authorize(actor, 'users:read');
  return presentUser(await findUserRow(deps.store.db, id));
}

/**
 * Updates a user. People may change their own name and password; only admins change roles,
 * disable accounts or edit others. The last active admin cannot be demoted or disabled.
 */
export async function updateUser(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: UpdateUserInput,
): Promise<User> {
  authorize(actor, 'users:read');
  const self = actor.userId === id;
  const touchesAdminFields = input.role !== undefined || input.disabled !== undefined;
  if (!self || touchesAdminFields) authorize(actor, 'users:manage');
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return inTransaction(deps, actor, async (tx) => {
    const before = await findUserRow(tx.db, id);
    const losesAdmin =
      before.role === 'admin' &&
      before.disabled_at === null &&
      ((input.role && input.role !== 'admin') || input.disabled === true);
    if (losesAdmin) {
      const admins = await tx.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .executeTakeFirst();
      if (toCount(admins?.n) <= 1)
        throw conflict('this is the last active admin; make another admin first', { role: 'last admin' });
    }
    const patch: Partial<UsersTable> = { updated_at: tx.now };
    if (input.name !== undefined) patch.name = input.name;
    if (input.role !== undefined) patch.role = input.role;
    if (passwordHash !== undefined) patch.password_hash = passwordHash;
    if (input.disabled !== undefined)
      patch.disabled_at = input.disabled ? (before.disabled_at ?? tx.now) : null;
    await tx.db.updateTable('users').set(patch).where('id', '=', id).execute();
    if (input.disabled === true || passwordHash !== undefined) {
      // A disabled account or a new password ends the user's sessions; API tokens stay, individually revocable.
      await tx.db
        .updateTable('tokens')
        .set({ revoked_at: tx.now })
        .where('user_id', '=', id)
        .where('kind', '=', 'session')
        .where('revoked_at', 'is', null)
        .execute();
    }
    const after = presentUser({ ...before, ...patch });
    const changes = diff(presentUser(before), after);
    if (passwordHash !== undefined) changes.password = { before: '(hidden)', after: '(changed)' };
    await tx.record('user', id, 'update', changes);
    return after;
  });
}

export function userByEmail(db: Db, email: string): Promise<UsersTable | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export function assertUserExists(row: UsersTable | undefined, email: string): asserts row is UsersTable {
  if (!row) throw new AppError('not_found', `no user with email ${email}`);
}
