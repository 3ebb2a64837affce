import { type Actor, authorize } from '../domain/authorization.ts';
import { AppError } from '../domain/errors.ts';
import {
  type CreateFeedbackInput,
  DUPLICATE_WINDOW_MS,
  type Feedback,
  type FeedbackContactInput,
  feedbackTextKey,
} from '../domain/feedback.ts';
import { newId } from '../domain/ids.ts';
import type { ContactsTable, FeedbackTable } from '../store/schema.ts';
import { insertAccount, insertContact, patchAccount } from './accounts.ts';
import { type Deps, diff, inTransaction, isUniqueViolation, type Tx } from './context.ts';
import { presentFeedbackRow } from './feedback.ts';

export interface IngestResult {
  /** One entry per input item, in input order. */
  items: Array<{ index: number; status: 'created' | 'existing'; feedback: Feedback }>;
  created: number;
  existing: number;
}

const CHUNK = 200;

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const sourceKey = (channel: string, externalId: string) => `${channel}\u0000${externalId}`;

/** Finds or creates the contact (and its account) that said a piece of feedback. */
async function upsertContact(tx: Tx, input: FeedbackContactInput, cache: Map<string, ContactsTable>): Promise<ContactsTable | null> {
  const email = input.email?.trim().toLowerCase() ?? null;
  if (!email && !input.name) return null;
  const cacheKey = email ? `e:${email}` : `n:${input.name}\u0000${input.account ?? ''}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  let accountId: string | null = null;
  if (input.account) {
    const existing = await tx.db.selectFrom('accounts').selectAll().where('name', '=', input.account).executeTakeFirst();
    const commercial = { arr: input.arr, currency: input.currency, segment: input.segment, plan: input.plan };
    const given = Object.fromEntries(Object.entries(commercial).filter(([, v]) => v !== undefined && v !== null));
    const account = existing
      ? Object.keys(given).length > 0
        ? await patchAccount(tx, existing, given)
        : existing
      : await insertAccount(tx, { name: input.account, ...given });
    accountId = account.id;
  }

  let contact = email
    ? await tx.db.selectFrom('contacts').selectAll().where('email', '=', email).executeTakeFirst()
    : await tx.db
        .selectFrom('contacts')
        .selectAll()
        .where('email', 'is', null)
        .where('name', '=', input.name ?? '')
        .where((eb) => (accountId ? eb('account_id', '=', accountId) : eb('account_id', 'is', null)))
        .executeTakeFirst();
  if (!contact) {
    contact = await insertContact(tx, { email, name: input.name ?? null, accountId });
  } else if ((accountId && contact.account_id !== accountId) || (input.name && !contact.name)) {
    const patch = { account_id: accountId ?? contact.account_id, name: contact.name ?? input.name ?? null, updated_at: tx.now };
    await tx.db.updateTable('contacts').set(patch).where('id', '=', contact.id).execute();
    await tx.record('contact', contact.id, 'update', diff({ accountId: contact.account_id, name: contact.name }, { accountId: patch.account_id, name: patch.name }));
    contact = { ...contact, ...patch };
  }
  cache.set(cacheKey, contact);
  return contact;
}

async function assertReferences(tx: Tx, items: CreateFeedbackInput[]): Promise<void> {
  const productIds = [...new Set(items.map((i) => i.productId).filter((id): id is string => !!id))];
  const contactIds = [...new Set(items.map((i) => i.contactId).filter((id): id is string => !!id))];
  const known = new Set<string>();
  for (const part of chunks(productIds)) {
    for (const r of await tx.db.selectFrom('products').select('id').where('id', 'in', part).execute()) known.add(r.id);
  }
  for (const part of chunks(contactIds)) {
    for (const r of await tx.db.selectFrom('contacts').select('id').where('id', 'in', part).execute()) known.add(r.id);
  }
  const fields: Record<string, string> = {};
  items.forEach((item, index) => {
    const prefix = items.length > 1 ? `items.${index}.` : '';
    if (item.productId && !known.has(item.productId)) fields[`${prefix}productId`] = `no product with id ${item.productId}`;
    if (item.contactId && !known.has(item.contactId)) fields[`${prefix}contactId`] = `no contact with id ${item.contactId}`;
  });
  if (Object.keys(fields).length > 0) {
    throw new AppError('invalid', `${Object.keys(fields).length} item(s) refer to objects that do not exist`, fields);
  }
}

/**
 * Stores feedback, one item or a batch, in one transaction. Idempotent on (source.channel,
 * source.externalId): an item seen before is returned as `existing`, never stored twice. Contacts
 * and accounts named by the items are created or updated on the way; an exact repeat of what the
 * same contact said within a day is stored but marked as a duplicate of the first.
 */
export async function ingestFeedback(deps: Deps, actor: Actor | null, items: CreateFeedbackInput[]): Promise<IngestResult> {
  authorize(actor, 'loop:write');
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction(deps, actor, (tx) => ingestInTransaction(tx, items));
    } catch (error) {
      // Two writers raced on the same externalId: the retry sees the other's row as existing.
      if (attempt < 2 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

async function ingestInTransaction(tx: Tx, items: CreateFeedbackInput[]): Promise<IngestResult> {
  await assertReferences(tx, items);
  const withIds = items.filter((i) => i.source?.externalId);
  const existingByKey = new Map<string, FeedbackTable>();
  for (const part of chunks(withIds)) {
    const rows = await tx.db
      .selectFrom('feedback')
      .selectAll()
      .where(
        'external_id',
        'in',
        part.map((i) => i.source?.externalId as string),
      )
      .execute();
    for (const row of rows) if (row.external_id) existingByKey.set(sourceKey(row.channel, row.external_id), row);
  }

  const contactCache = new Map<string, ContactsTable>();
  const results: IngestResult['items'] = [];
  const toInsert: FeedbackTable[] = [];
  const batchKeys = new Map<string, FeedbackTable>();
  const recentByContactKey = new Map<string, FeedbackTable>();

  for (const [index, item] of items.entries()) {
    const channel = item.source?.channel ?? 'api';
    const externalId = item.source?.externalId ?? null;
    const key = externalId ? sourceKey(channel, externalId) : null;
    const seen = key ? (existingByKey.get(key) ?? batchKeys.get(key)) : undefined;
    if (seen) {
      results.push({ index, status: 'existing', feedback: presentFeedbackRow(seen, []) });
      continue;
    }
    const contact = item.contact ? await upsertContact(tx, item.contact, contactCache) : null;
    const receivedAt = item.receivedAt ? new Date(item.receivedAt).toISOString() : tx.now;
    const row: FeedbackTable = {
      id: newId(),
      text: item.text,
      product_id: item.productId ?? null,
      surface: item.surface ?? null,
      channel,
      external_id: externalId,
      source_url: item.source?.url ?? null,
      contact_id: item.contactId ?? contact?.id ?? null,
      received_at: receivedAt,
      status: 'new',
      dismiss_reason: null,
      text_key: feedbackTextKey(item.text),
      duplicate_of_id: null,
      created_at: tx.now,
      updated_at: tx.now,
    };
    if (row.contact_id) row.duplicate_of_id = await findExactDuplicate(tx, row, recentByContactKey);
    toInsert.push(row);
    if (key) batchKeys.set(key, row);
    results.push({ index, status: 'created', feedback: presentFeedbackRow(row, []) });
  }

  for (const part of chunks(toInsert, 100)) {
    await tx.db.insertInto('feedback').values(part).execute();
    await recordCreations(tx, part);
  }
  const created = toInsert.length;
  return { items: results, created, existing: items.length - created };
}

async function recordCreations(tx: Tx, rows: FeedbackTable[]): Promise<void> {
  for (const row of rows) await tx.record('feedback', row.id, 'create', diff(null, presentFeedbackRow(row, [])));
}

async function findExactDuplicate(tx: Tx, row: FeedbackTable, recent: Map<string, FeedbackTable>): Promise<string | null> {
  const windowStart = new Date(Date.parse(row.received_at) - DUPLICATE_WINDOW_MS).toISOString();
  const windowEnd = new Date(Date.parse(row.received_at) + DUPLICATE_WINDOW_MS).toISOString();
  const mapKey = `${row.contact_id}\u0000${row.text_key}`;
  const inBatch = recent.get(mapKey);
  recent.set(mapKey, inBatch ?? row);
  if (inBatch && inBatch.received_at >= windowStart && inBatch.received_at <= windowEnd) return inBatch.id;
  const earlier = await tx.db
    .selectFrom('feedback')
    .select('id')
    .where('contact_id', '=', row.contact_id)
    .where('text_key', '=', row.text_key)
    .where('received_at', '>=', windowStart)
    .where('received_at', '<=', windowEnd)
    .orderBy('received_at')
    .executeTakeFirst();
  return earlier?.id ?? null;
}
