import { type Actor, authorize } from '../domain/authorization.ts';
import { AppError } from '../domain/errors.ts';
import {
  type CreateFeedbackInput,
  DUPLICATE_WINDOW_MS,
  type Feedback,
  type FeedbackAccount,
  feedbackTextKey,
  type ModerationState,
} from '../domain/feedback.ts';
import { newId } from '../domain/ids.ts';
import { PreparedQuery } from '../store/prepared-query.ts';
import type { FeedbackTable } from '../store/schema.ts';
import { type Deps, diff, inTransaction, isUniqueViolation, type Tx } from './context.ts';
import { accountsOfContacts, presentFeedbackRow } from './feedback.ts';
import { ContactDirectory } from './feedback-contacts.ts';

export interface IngestResult {
  /** One entry per input item, in input order. */
  items: Array<{ index: number; status: 'created' | 'existing'; feedback: Feedback }>;
  created: number;
  existing: number;
}

/** Set by channels, never by API callers: portal items start out waiting for moderation. */
export interface IngestOptions {
  moderation?: ModerationState;
}

const CHUNK = 200;

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const sourceKey = (channel: string, externalId: string) => `${channel}\u0000${externalId}`;

// Single items (most API calls, every portal post and webhook) run these compiled once.
const selectOneBySource = new PreparedQuery<{ channel: string; externalId: string }, FeedbackTable>(
  (db, param) =>
    db
      .selectFrom('feedback')
      .selectAll()
      .where('channel', '=', param('channel'))
      .where('external_id', '=', param('externalId')),
);
const rowOfParams = (param: <K extends keyof FeedbackTable>(name: K) => FeedbackTable[K]): FeedbackTable => ({
  id: param('id'),
  text: param('text'),
  product_id: param('product_id'),
  surface: param('surface'),
  channel: param('channel'),
  external_id: param('external_id'),
  source_url: param('source_url'),
  contact_id: param('contact_id'),
  received_at: param('received_at'),
  status: param('status'),
  dismiss_reason: param('dismiss_reason'),
  text_key: param('text_key'),
  duplicate_of_id: param('duplicate_of_id'),
  created_at: param('created_at'),
  updated_at: param('updated_at'),
  moderation: param('moderation'),
});
const insertOneFeedback = new PreparedQuery<FeedbackTable>((db, param) =>
  db.insertInto('feedback').values(rowOfParams(param)),
);
/** Stores the row unless its (channel, externalId) is taken; answers its id only when stored. */
const insertOneFeedbackIfNew = new PreparedQuery<FeedbackTable, Pick<FeedbackTable, 'id'>>((db, param) =>
  db
    .insertInto('feedback')
    .values(rowOfParams(param))
    .onConflict((oc) => oc.columns(['channel', 'external_id']).doNothing())
    .returning('id'),
);

async function assertReferences(tx: Tx, items: CreateFeedbackInput[]): Promise<void> {
  const productIds = [...new Set(items.map((i) => i.productId).filter((id): id is string => !!id))];
  const contactIds = [...new Set(items.map((i) => i.contactId).filter((id): id is string => !!id))];
  const known = new Set<string>();
  for (const part of chunks(productIds)) {
    for (const r of await tx.db.selectFrom('products').select('id').where('id', 'in', part).execute())
      known.add(r.id);
  }
  for (const part of chunks(contactIds)) {
    for (const r of await tx.db.selectFrom('contacts').select('id').where('id', 'in', part).execute())
      known.add(r.id);
  }
  const fields: Record<string, string> = {};
  items.forEach((item, index) => {
    const prefix = items.length > 1 ? `items.${index}.` : '';
    if (item.productId && !known.has(item.productId))
      fields[`${prefix}productId`] = `no product with id ${item.productId}`;
    if (item.contactId && !known.has(item.contactId))
      fields[`${prefix}contactId`] = `no contact with id ${item.contactId}`;
  });
  if (Object.keys(fields).length > 0) {
    throw new AppError(
      'invalid',
      `${Object.keys(fields).length} item(s) refer to objects that do not exist`,
      fields,
    );
  }
}

/**
 * Stores feedback, one item or a batch, in one transaction. Idempotent on (source.channel,
 * source.externalId): an item seen before is returned as `existing`, never stored twice. Contacts
 * and accounts named by the items are created or updated on the way; an exact repeat of what the
 * same contact said within a day is stored but marked as a duplicate of the first.
 */
export async function ingestFeedback(
  deps: Deps,
  actor: Actor | null,
  items: CreateFeedbackInput[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  authorize(actor, 'loop:write');
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction(deps, actor, (tx) => ingestInTransaction(tx, items, options));
    } catch (error) {
      // Two writers raced on the same externalId: the retry sees the other's row as existing.
      if (attempt < 2 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

/**
 * Items already stored under the same (channel, externalId). Queried per channel, so the lookup
 * uses the (channel, external_id) unique index instead of scanning the table.
 */
async function findExistingBySource(
  tx: Tx,
  items: CreateFeedbackInput[],
): Promise<Map<string, FeedbackTable>> {
  const idsByChannel = new Map<string, string[]>();
  for (const item of items) {
    const externalId = item.source?.externalId;
    if (!externalId) continue;
    const channel = item.source?.channel ?? 'api';
    idsByChannel.set(channel, [...(idsByChannel.get(channel) ?? []), externalId]);
  }
  const existing = new Map<string, FeedbackTable>();
  for (const [channel, ids] of idsByChannel) {
    for (const part of chunks(ids)) {
      const rows =
        part.length === 1
          ? (await selectOneBySource.execute(tx, { channel, externalId: part[0] })).rows
          : await tx.db
              .selectFrom('feedback')
              .selectAll()
              .where('channel', '=', channel)
              .where('external_id', 'in', part)
              .execute();
      for (const row of rows) if (row.external_id) existing.set(sourceKey(row.channel, row.external_id), row);
    }
  }
  return existing;
}

/** The row an item is stored as, once its contact is known. */
function feedbackRow(
  tx: Tx,
  item: CreateFeedbackInput,
  contactId: string | null,
  options: IngestOptions,
): FeedbackTable {
  return {
    id: newId(),
    text: item.text,
    product_id: item.productId ?? null,
    surface: item.surface ?? null,
    channel: item.source?.channel ?? 'api',
    external_id: item.source?.externalId ?? null,
    source_url: item.source?.url ?? null,
    contact_id: contactId,
    received_at: item.receivedAt ? new Date(item.receivedAt).toISOString() : tx.now,
    status: 'new',
    dismiss_reason: null,
    text_key: feedbackTextKey(item.text),
    duplicate_of_id: null,
    created_at: tx.now,
    updated_at: tx.now,
    moderation: options.moderation ?? null,
  };
}

const createdEvent = (row: FeedbackTable) => ({
  itemType: 'feedback',
  itemId: row.id,
  action: 'create' as const,
  changes: diff(null, presentFeedbackRow(row, [])),
});

/**
 * One item that names no contact (most API calls, portal posts, webhooks): stored first, with ON
 * CONFLICT DO NOTHING, and looked up only when its source id turns out to be taken, so a new item
 * costs one statement instead of two. An item naming a contact takes the general path, which looks
 * up first: a repeat must leave its contact alone.
 */
async function ingestOneInsertFirst(
  tx: Tx,
  item: CreateFeedbackInput,
  options: IngestOptions,
): Promise<IngestResult> {
  if (item.productId || item.contactId) await assertReferences(tx, [item]);
  const row = feedbackRow(tx, item, item.contactId ?? null, options);
  if (row.contact_id) await markExactDuplicates(tx, [row]);
  const stored = (await insertOneFeedbackIfNew.execute(tx, row)).rows.length > 0;
  let kept = row;
  if (stored) await tx.recordMany([createdEvent(row)]);
  else {
    const source = { channel: row.channel, externalId: row.external_id ?? '' };
    const [existing] = (await selectOneBySource.execute(tx, source)).rows;
    // DO NOTHING only skips a row whose source id is stored (and, on PostgreSQL, committed).
    if (!existing)
      throw new Error(`feedback ${source.channel}/${source.externalId} conflicted but is not stored`);
    kept = existing;
  }
  const account = kept.contact_id
    ? ((await accountsOfContacts(tx.db, [kept.contact_id])).get(kept.contact_id) ?? null)
    : null;
  const feedback = presentFeedbackRow(kept, [], account);
  return {
    items: [{ index: 0, status: stored ? 'created' : 'existing', feedback }],
    created: stored ? 1 : 0,
    existing: stored ? 0 : 1,
  };
}

async function ingestInTransaction(
  tx: Tx,
  items: CreateFeedbackInput[],
  options: IngestOptions,
): Promise<IngestResult> {
  if (items.length === 1 && !items[0].contact) return ingestOneInsertFirst(tx, items[0], options);
  // Steps with nothing to do are skipped, not awaited: one item per request is the common case.
  if (items.some((i) => i.productId || i.contactId)) await assertReferences(tx, items);
  const existingByKey = await findExistingBySource(tx, items);
  const named = items.flatMap((i) => (i.contact ? [i.contact] : []));
  const contacts = named.length > 0 ? new ContactDirectory(tx) : null;
  if (contacts) await contacts.prefetch(named);
  const outcomes: Array<{ index: number; status: 'created' | 'existing'; row: FeedbackTable }> = [];
  const toInsert: FeedbackTable[] = [];
  const batchKeys = new Map<string, FeedbackTable>();

  for (const [index, item] of items.entries()) {
    const channel = item.source?.channel ?? 'api';
    const externalId = item.source?.externalId ?? null;
    const key = externalId ? sourceKey(channel, externalId) : null;
    const seen = key ? (existingByKey.get(key) ?? batchKeys.get(key)) : undefined;
    if (seen) {
      outcomes.push({ index, status: 'existing', row: seen });
      continue;
    }
    const contact = item.contact && contacts ? await contacts.upsert(item.contact) : null;
    const row = feedbackRow(tx, item, item.contactId ?? contact?.id ?? null, options);
    toInsert.push(row);
    if (key) batchKeys.set(key, row);
    outcomes.push({ index, status: 'created', row });
  }

  if (contacts) await contacts.flush();
  if (toInsert.some((row) => row.contact_id !== null)) await markExactDuplicates(tx, toInsert);
  if (toInsert.length === 1) await insertOneFeedback.execute(tx, toInsert[0]);
  else for (const part of chunks(toInsert, 100)) await tx.db.insertInto('feedback').values(part).execute();
  await tx.recordMany(toInsert.map(createdEvent));
  const created = toInsert.length;
  const contactIds = outcomes.flatMap((o) => (o.row.contact_id ? [o.row.contact_id] : []));
  const accounts =
    contactIds.length > 0 ? await accountsOfContacts(tx.db, contactIds) : new Map<string, FeedbackAccount>();
  const results = outcomes.map(({ index, status, row }) => ({
    index,
    status,
    feedback: presentFeedbackRow(row, [], row.contact_id ? (accounts.get(row.contact_id) ?? null) : null),
  }));
  return { items: results, created, existing: items.length - created };
}

const windowOf = (receivedAt: string) => ({
  start: new Date(Date.parse(receivedAt) - DUPLICATE_WINDOW_MS).toISOString(),
  end: new Date(Date.parse(receivedAt) + DUPLICATE_WINDOW_MS).toISOString(),
});

/**
 * Marks each new row that repeats what the same contact said within a day: preferably the first
 * such row of this batch, else the earliest stored one. One query per chunk of rows finds every
 * stored candidate, instead of one query per row.
 */
async function markExactDuplicates(tx: Tx, rows: FeedbackTable[]): Promise<void> {
  const withContact = rows.filter((r) => r.contact_id !== null);
  if (withContact.length === 0) return;
  const stored = new Map<string, Array<{ id: string; received_at: string }>>();
  for (const part of chunks(withContact, 500)) {
    const received = part.map((r) => r.received_at).sort();
    const pairs = [...new Map(part.map((r) => [`${r.contact_id}\u0000${r.text_key}`, r])).values()];
    // Pairs, not contact IN (…) AND key IN (…): SQLite would probe every combination of the two lists.
    const candidates = await tx.db
      .selectFrom('feedback')
      .select(['id', 'contact_id', 'text_key', 'received_at'])
      .where(({ eb, refTuple, tuple }) =>
        eb(
          refTuple('contact_id', 'text_key'),
          'in',
          pairs.map((r) => tuple(r.contact_id as string, r.text_key)),
        ),
      )
      .where('received_at', '>=', windowOf(received[0]).start)
      .where('received_at', '<=', windowOf(received[received.length - 1]).end)
      .execute();
    for (const c of candidates) {
      const key = `${c.contact_id}\u0000${c.text_key}`;
      if (!stored.get(key)?.some((s) => s.id === c.id)) stored.set(key, [...(stored.get(key) ?? []), c]);
    }
  }
  const firstInBatch = new Map<string, FeedbackTable>();
  for (const row of withContact) {
    const key = `${row.contact_id}\u0000${row.text_key}`;
    const window = windowOf(row.received_at);
    const inBatch = firstInBatch.get(key);
    if (!inBatch) firstInBatch.set(key, row);
    if (inBatch && inBatch.received_at >= window.start && inBatch.received_at <= window.end) {
      row.duplicate_of_id = inBatch.id;
      continue;
    }
    const earliest = (stored.get(key) ?? [])
      .filter((s) => s.received_at >= window.start && s.received_at <= window.end)
      .sort((a, b) => a.received_at.localeCompare(b.received_at))[0];
    row.duplicate_of_id = earliest?.id ?? null;
  }
}
