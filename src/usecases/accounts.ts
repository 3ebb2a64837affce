import type {
  Account,
  Contact,
  CreateAccountInput,
  CreateContactInput,
  UpdateAccountInput,
  UpdateContactInput,
} from '../domain/account.ts';
import { type Actor, authorize } from '../domain/authorization.ts';
import type { ListQuery } from '../domain/common.ts';
import { conflict, missingReference, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../store/pagination.ts';
import type { AccountsTable, ContactsTable } from '../store/schema.ts';
import { type Db, type Deps, diff, inTransaction, isUniqueViolation, type Tx } from './context.ts';
import { clearInboxColumns } from './inbox-columns.ts';

export function presentAccount(row: AccountsTable): Account {
  return {
    id: row.id,
    name: row.name,
    arr: row.arr === null ? null : Number(row.arr),
    currency: row.currency,
    segment: row.segment,
    plan: row.plan,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function presentContact(row: ContactsTable): Contact {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    accountId: row.account_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function findAccountRow(db: Db, id: string): Promise<AccountsTable> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('account', id);
  return row;
}

async function findContactRow(db: Db, id: string): Promise<ContactsTable> {
  const row = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('contact', id);
  return row;
}

const nameTaken = (name: string) => conflict(`an account named ${name} exists`, { name: 'already taken' });
const emailTaken = (email: string) =>
  conflict(`a contact with email ${email} exists`, { email: 'already taken' });

/** Inserts an account inside a running transaction (used by the feedback upsert as well). */
export async function insertAccount(tx: Tx, input: CreateAccountInput): Promise<AccountsTable> {
  const row: AccountsTable = {
    id: newId(),
    name: input.name,
    arr: input.arr ?? null,
    currency: input.currency ?? 'USD',
    segment: input.segment ?? null,
    plan: input.plan ?? null,
    created_at: tx.now,
    updated_at: tx.now,
  };
  try {
    await tx.db.insertInto('accounts').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
  await tx.record('account', row.id, 'create', diff(null, presentAccount(row)));
  return row;
}

export async function createAccount(
  deps: Deps,
  actor: Actor | null,
  input: CreateAccountInput,
): Promise<Account> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => presentAccount(await insertAccount(tx, input)));
}

export async function getAccount(deps: Deps, actor: Actor | null, id: string): Promise<Account> {
  authorize(actor, 'loop:read');
  return presentAccount(await findAccountRow(deps.store.db, id));
}

export async function listAccounts(
  deps: Deps,
  actor: Actor | null,
  query: ListQuery & { q?: string },
): Promise<Page<Account>> {
  authorize(actor, 'loop:read');
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = deps.store.db
    .selectFrom('accounts')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after.id);
  if (query.q) q = q.where('name', 'like', `%${query.q}%`);
  return toPage(await q.execute(), limit, (r) => ({ key: r.id, id: r.id }), presentAccount);
}

/** Applies account fields to an existing row inside a running transaction. */
export async function patchAccount(
  tx: Tx,
  before: AccountsTable,
  input: UpdateAccountInput,
): Promise<AccountsTable> {
  const patch: Partial<AccountsTable> = { updated_at: tx.now };
  if (input.name !== undefined) patch.name = input.name;
  if (input.arr !== undefined) patch.arr = input.arr;
  if (input.currency !== undefined) patch.currency = input.currency;
  if (input.segment !== undefined) patch.segment = input.segment;
  if (input.plan !== undefined) patch.plan = input.plan;
  try {
    await tx.db.updateTable('accounts').set(patch).where('id', '=', before.id).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name ?? '');
    throw error;
  }
  const after = { ...before, ...patch };
  const changes = diff(presentAccount(before), presentAccount(after));
  if (Object.keys(changes).length > 0) await tx.record('account', before.id, 'update', changes);
  return after;
}

export async function updateAccount(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: UpdateAccountInput,
): Promise<Account> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) =>
    presentAccount(await patchAccount(tx, await findAccountRow(tx.db, id), input)),
  );
}

export async function deleteAccount(deps: Deps, actor: Actor | null, id: string): Promise<void> {
  authorize(actor, 'loop:delete');
  await inTransaction(deps, actor, async (tx) => {
    const row = await findAccountRow(tx.db, id);
    await clearInboxColumns(tx, { accountId: id });
    await tx.db.deleteFrom('accounts').where('id', '=', id).execute();
    await tx.record('account', id, 'delete', diff(presentAccount(row), null));
  });
}

async function assertAccountExists(db: Db, id: string | null | undefined): Promise<void> {
  if (!id) return;
  const row = await db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw missingReference('accountId', 'account', id);
}

/** Inserts a contact inside a running transaction (used by the feedback upsert as well). */
export async function insertContact(tx: Tx, input: CreateContactInput): Promise<ContactsTable> {
  await assertAccountExists(tx.db, input.accountId);
  const row: ContactsTable = {
    id: newId(),
    email: input.email ? input.email.trim().toLowerCase() : null,
    name: input.name ?? null,
    account_id: input.accountId ?? null,
    created_at: tx.now,
    updated_at: tx.now,
  };
  try {
    await tx.db.insertInto('contacts').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken(row.email ?? '');
    throw error;
  }
  await tx.record('contact', row.id, 'create', diff(null, presentContact(row)));
  return row;
}

export async function createContact(
  deps: Deps,
  actor: Actor | null,
  input: CreateContactInput,
): Promise<Contact> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => presentContact(await insertContact(tx, input)));
}

export async function getContact(deps: Deps, actor: Actor | null, id: string): Promise<Contact> {
  authorize(actor, 'loop:read');
  return presentContact(await findContactRow(deps.store.db, id));
}

export async function listContacts(
  deps: Deps,
  actor: Actor | null,
  query: ListQuery & { accountId?: string; q?: string },
): Promise<Page<Contact>> {
  authorize(actor, 'loop:read');
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = deps.store.db
    .selectFrom('contacts')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after.id);
  if (query.accountId) q = q.where('account_id', '=', query.accountId);
  if (query.q)
    q = q.where((eb) => eb.or([eb('email', 'like', `%${query.q}%`), eb('name', 'like', `%${query.q}%`)]));
  return toPage(await q.execute(), limit, (r) => ({ key: r.id, id: r.id }), presentContact);
}

export async function updateContact(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: UpdateContactInput,
): Promise<Contact> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const before = await findContactRow(tx.db, id);
    await assertAccountExists(tx.db, input.accountId);
    const patch: Partial<ContactsTable> = { updated_at: tx.now };
    if (input.email !== undefined) patch.email = input.email ? input.email.trim().toLowerCase() : null;
    if (input.name !== undefined) patch.name = input.name;
    if (input.accountId !== undefined) patch.account_id = input.accountId;
    try {
      await tx.db.updateTable('contacts').set(patch).where('id', '=', id).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken(patch.email ?? '');
      throw error;
    }
    const after = presentContact({ ...before, ...patch });
    await tx.record('contact', id, 'update', diff(presentContact(before), after));
    return after;
  });
}

export async function deleteContact(deps: Deps, actor: Actor | null, id: string): Promise<void> {
  authorize(actor, 'loop:delete');
  await inTransaction(deps, actor, async (tx) => {
    const row = await findContactRow(tx.db, id);
    await clearInboxColumns(tx, { contactId: id });
    await tx.db.deleteFrom('contacts').where('id', '=', id).execute();
    await tx.record('contact', id, 'delete', diff(presentContact(row), null));
  });
}
