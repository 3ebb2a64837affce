import { type Actor, authorize } from '../domain/authorization.ts';
import { toBaseMinor } from '../domain/currency.ts';
import { AppError, notFound } from '../domain/errors.ts';
import {
  type Feedback,
  type FeedbackAccount,
  type FeedbackListQuery,
  feedbackTextKey,
  type ModerationState,
  type UpdateFeedbackInput,
} from '../domain/feedback.ts';
import { assertTransition, FEEDBACK_TRANSITIONS, type FeedbackStatus } from '../domain/lifecycles.ts';
import { parseSearchTerms } from '../domain/search.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../store/pagination.ts';
import type { FeedbackTable } from '../store/schema.ts';
import { searchIndexFor } from '../store/search-dialects.ts';
import { type Db, type Deps, diff, inTransaction } from './context.ts';
import { assertProductExists } from './products.ts';

/** Presents a row; `account` is the contact's account (see accountsOfContacts), null when unknown. */
export function presentFeedbackRow(
  row: FeedbackTable,
  patternIds: string[],
  account: FeedbackAccount | null = null,
): Feedback {
  return {
    id: row.id,
    text: row.text,
    productId: row.product_id,
    surface: row.surface,
    source: { channel: row.channel, externalId: row.external_id, url: row.source_url },
    contactId: row.contact_id,
    receivedAt: row.received_at,
    status: row.status as FeedbackStatus,
    dismissReason: row.dismiss_reason,
    patternIds,
    duplicateOfId: row.duplicate_of_id,
    moderation: row.moderation as ModerationState | null,
    account,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The patterns each of the given feedback items is linked to. */
export async function patternIdsFor(db: Db, feedbackIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (feedbackIds.length === 0) return map;
  const rows = await db
    .selectFrom('pattern_feedback')
    .select(['feedback_id', 'pattern_id'])
    .where('feedback_id', 'in', feedbackIds)
    .orderBy('pattern_id')
    .execute();
  for (const r of rows) map.set(r.feedback_id, [...(map.get(r.feedback_id) ?? []), r.pattern_id]);
  return map;
}

/** The account of each given contact that has one, in one query for a whole page. */
export async function accountsOfContacts(
  db: Db,
  contactIds: Array<string | null>,
): Promise<Map<string, FeedbackAccount>> {
  const map = new Map<string, FeedbackAccount>();
  const ids = [...new Set(contactIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('contacts')
    .innerJoin('accounts', 'accounts.id', 'contacts.account_id')
    .innerJoin('currency_settings', (join) => join.on('currency_settings.id', '=', 1))
    .leftJoin('currency_rates', 'currency_rates.currency', 'accounts.currency')
    .select([
      'contacts.id as contact_id',
      'accounts.id',
      'accounts.name',
      'accounts.arr',
      'accounts.currency',
      'accounts.segment',
      'currency_settings.base_currency',
      'currency_rates.rate',
    ])
    .where('contacts.id', 'in', ids)
    .execute();
  for (const r of rows) {
    const arr = r.arr === null ? null : Number(r.arr);
    const rates = new Map(r.rate === null ? [] : [[r.currency, Number(r.rate)]]);
    map.set(r.contact_id, {
      id: r.id,
      name: r.name,
      arr,
      currency: r.currency,
      arrBase: arr === null ? null : toBaseMinor(arr, r.currency, { baseCurrency: r.base_currency, rates }),
      baseCurrency: r.base_currency,
      segment: r.segment,
    });
  }
  return map;
}

const accountOf = (accounts: Map<string, FeedbackAccount>, row: FeedbackTable) =>
  row.contact_id ? (accounts.get(row.contact_id) ?? null) : null;

export async function findFeedbackRow(db: Db, id: string): Promise<FeedbackTable> {
  const row = await db.selectFrom('feedback').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('feedback', id);
  return row;
}

export async function presentFeedback(db: Db, row: FeedbackTable): Promise<Feedback> {
  const accounts = await accountsOfContacts(db, [row.contact_id]);
  return presentFeedbackRow(
    row,
    (await patternIdsFor(db, [row.id])).get(row.id) ?? [],
    accountOf(accounts, row),
  );
}

export async function getFeedback(deps: Deps, actor: Actor | null, id: string): Promise<Feedback> {
  authorize(actor, 'loop:read');
  const db = deps.store.db;
  return presentFeedback(db, await findFeedbackRow(db, id));
}

/**
 * The statement of one inbox page: every filter is an equality or a range on an indexed column, in
 * the index's order (received_at, id descending), so a page reads about `limit` index entries.
 * `matching` are the ids the search index found for `q`. Exported for the query-plan tests.
 */
export function feedbackListSql(db: Db, query: FeedbackListQuery, matching: string[] | null) {
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = db
    .selectFrom('feedback')
    .selectAll('feedback')
    .orderBy('feedback.received_at', 'desc')
    .orderBy('feedback.id', 'desc')
    .limit(limit + 1);
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('feedback.received_at', '<', after.key),
        eb.and([eb('feedback.received_at', '=', after.key), eb('feedback.id', '<', after.id)]),
      ]),
    );
  }
  if (query.status) q = q.where('feedback.status', '=', query.status);
  if (query.moderation) q = q.where('feedback.moderation', '=', query.moderation);
  else
    q = q.where((eb) =>
      eb.or([eb('feedback.moderation', 'is', null), eb('feedback.moderation', '=', 'approved')]),
    );
  if (query.productId) q = q.where('feedback.product_id', '=', query.productId);
  if (query.contactId) q = q.where('feedback.contact_id', '=', query.contactId);
  if (query.channel) q = q.where('feedback.channel', '=', query.channel);
  if (query.segment) q = q.where('feedback.segment', '=', query.segment);
  if (query.arrBand === 'unknown') q = q.where('feedback.arr_band', 'is', null);
  else if (query.arrBand) q = q.where('feedback.arr_band', '=', query.arrBand);
  if (query.receivedFrom)
    q = q.where('feedback.received_at', '>=', new Date(query.receivedFrom).toISOString());
  if (query.receivedTo) q = q.where('feedback.received_at', '<', new Date(query.receivedTo).toISOString());
  if (query.hasSuggestion)
    q = q.where('feedback.has_suggestion', '=', query.hasSuggestion === 'true' ? 1 : 0);
  if (matching) q = q.where('feedback.id', 'in', matching);
  if (query.patternId) {
    const patternId = query.patternId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('pattern_feedback')
          .select('pattern_id')
          .whereRef('pattern_feedback.feedback_id', '=', 'feedback.id')
          .where('pattern_feedback.pattern_id', '=', patternId),
      ),
    );
  }
  return q;
}

/** `q` narrows the inbox to at most this many of the most recently added items holding its words. */
export const INBOX_SEARCH_LIMIT = 2_000;

/**
 * Lists feedback newest-received first (the triage inbox order), with the filters of the API.
 * Portal items waiting for (or refused by) moderation stay out unless `moderation` asks for them.
 */
export async function listFeedback(
  deps: Deps,
  actor: Actor | null,
  query: FeedbackListQuery,
): Promise<Page<Feedback>> {
  authorize(actor, 'loop:read');
  const db = deps.store.db;
  const limit = pageLimit(query.limit);
  // The search index names the matching items (newest first, bounded), the inbox's index orders them.
  const matching = query.q
    ? await searchIndexFor(deps.store.dialect).newestMatches(
        db,
        'feedback',
        parseSearchTerms(query.q),
        INBOX_SEARCH_LIMIT,
      )
    : null;
  if (matching?.length === 0) return { items: [], nextCursor: null };
  const q = feedbackListSql(db, query, matching);
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  const links = await patternIdsFor(
    db,
    page.map((r) => r.id),
  );
  const accounts = await accountsOfContacts(
    db,
    page.map((r) => r.contact_id),
  );
  return toPage(
    rows,
    limit,
    (r) => ({ key: r.received_at, id: r.id }),
    (r) => presentFeedbackRow(r, links.get(r.id) ?? [], accountOf(accounts, r)),
  );
}

/**
 * Triage: set product/surface, correct the text, dismiss with a reason or restore. `linked` is
 * not set by hand: it follows from linking the item to a pattern.
 */
export async function updateFeedback(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: UpdateFeedbackInput,
): Promise<Feedback> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const before = await findFeedbackRow(tx.db, id);
    const links = (await patternIdsFor(tx.db, [id])).get(id) ?? [];
    await assertProductExists(tx.db, input.productId);
    const patch: Partial<FeedbackTable> = { updated_at: tx.now };
    if (input.text !== undefined) {
      patch.text = input.text;
      patch.text_key = feedbackTextKey(input.text);
    }
    if (input.productId !== undefined) patch.product_id = input.productId;
    if (input.surface !== undefined) patch.surface = input.surface;
    if (input.status !== undefined) {
      const from = before.status as FeedbackStatus;
      // Restoring an item that has links puts it back to linked, not new.
      const to: FeedbackStatus = input.status === 'new' && links.length > 0 ? 'linked' : input.status;
      if (to === 'linked' && links.length === 0) {
        throw new AppError('invalid', 'status: link the item to a pattern instead of setting linked', {
          status: 'set by linking to a pattern',
        });
      }
      if (from !== to) assertTransition('feedback', FEEDBACK_TRANSITIONS, from, to);
      if (to === 'dismissed' && !input.dismissReason) {
        throw new AppError('invalid', 'dismissReason: say why (spam, not_actionable or duplicate)', {
          dismissReason: 'required when dismissing',
        });
      }
      patch.status = to;
      patch.dismiss_reason = to === 'dismissed' ? (input.dismissReason ?? null) : null;
    } else if (input.dismissReason !== undefined) {
      if (before.status !== 'dismissed') {
        throw new AppError('invalid', 'dismissReason: only a dismissed item has one', {
          dismissReason: 'send status: dismissed with it',
        });
      }
      patch.dismiss_reason = input.dismissReason;
    }
    await tx.db.updateTable('feedback').set(patch).where('id', '=', id).execute();
    const account = accountOf(await accountsOfContacts(tx.db, [before.contact_id]), before);
    const after = presentFeedbackRow({ ...before, ...patch }, links, account);
    await tx.record('feedback', id, 'update', diff(presentFeedbackRow(before, links, account), after));
    return after;
  });
}

export async function deleteFeedback(deps: Deps, actor: Actor | null, id: string): Promise<void> {
  authorize(actor, 'loop:delete');
  await inTransaction(deps, actor, async (tx) => {
    const row = await findFeedbackRow(tx.db, id);
    const links = (await patternIdsFor(tx.db, [id])).get(id) ?? [];
    await tx.db.deleteFrom('feedback').where('id', '=', id).execute();
    await tx.record('feedback', id, 'delete', diff(presentFeedbackRow(row, links), null));
  });
}
