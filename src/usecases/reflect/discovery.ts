/**
 * Discovery: clusters the unlinked inbox (new, not pending moderation) into proposed patterns. A
 * proposal is not stored: accepting it is `POST /api/v1/patterns {title, feedbackIds}` (creates the
 * pattern and its links in one transaction), renaming is choosing the title, splitting is posting
 * two subsets, rejecting is doing nothing. The run is bounded: at most the 100 000 most recent
 * items, in one request.
 */
import { sql } from 'kysely';
import { type Actor, authorize } from '../../domain/authorization.ts';
import type { DiscoverInput, Discovery } from '../../domain/reflect.ts';
import { discoverPatterns, type TextModel } from '../../patterns/index.ts';
import type { Db, Deps } from '../context.ts';
import { toCount } from '../context.ts';
import { assertProductExists } from '../products.ts';

/** Items clustered at most per run (the most recent). */
export const MAX_DISCOVERY_ITEMS = 100_000;
const TEXT_CHARS = 2_000;

interface InboxItem {
  id: string;
  text: string;
  contactId: string | null;
}

/** Unlinked, non-dismissed, moderated-or-unmoderated feedback, newest first (ids are time-ordered). */
export async function unlinkedInbox(
  db: Db,
  productId: string | undefined,
  cap: number,
): Promise<InboxItem[]> {
  let q = db
    .selectFrom('feedback')
    .select([
      'feedback.id',
      sql<string>`substr(feedback.text, 1, ${TEXT_CHARS})`.as('text'),
      'feedback.contact_id',
    ])
    .where('feedback.status', '=', 'new')
    .where((eb) => eb.or([eb('feedback.moderation', 'is', null), eb('feedback.moderation', '=', 'approved')]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('pattern_feedback')
            .select('pattern_feedback.pattern_id')
            .whereRef('pattern_feedback.feedback_id', '=', 'feedback.id'),
        ),
      ),
    )
    .orderBy('feedback.id', 'desc')
    .limit(cap);
  if (productId) q = q.where('feedback.product_id', '=', productId);
  return (await q.execute()).map((r) => ({ id: r.id, text: r.text, contactId: r.contact_id }));
}

/** contact id → its account (with ARR), for the given contacts. */
export async function accountsByContact(db: Db, contactIds: string[]) {
  const out = new Map<string, { accountId: string; arr: number | null; currency: string }>();
  const ids = [...new Set(contactIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('contacts')
      .innerJoin('accounts', 'accounts.id', 'contacts.account_id')
      .select(['contacts.id as contactId', 'accounts.id as accountId', 'accounts.arr', 'accounts.currency'])
      .where('contacts.id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      out.set(r.contactId, {
        accountId: r.accountId,
        arr: r.arr === null ? null : toCount(r.arr),
        currency: r.currency,
      });
    }
  }
  return out;
}

/** Proposes patterns for the unlinked inbox (see module comment). Never fails on odd texts. */
export async function discoverProposals(
  deps: Deps,
  actor: Actor | null,
  input: DiscoverInput,
): Promise<Discovery> {
  authorize(actor, 'loop:read');
  const started = performance.now();
  const db = deps.store.db;
  await assertProductExists(db, input.productId);
  const rows = await unlinkedInbox(db, input.productId, MAX_DISCOVERY_ITEMS + 1);
  const truncated = rows.length > MAX_DISCOVERY_ITEMS;
  const items = rows.slice(0, MAX_DISCOVERY_ITEMS).reverse();
  // The engine's model lets discovery refine its clusters the way suggestions rank (self-labelling).
  let model: TextModel | undefined;
  const embedded = await deps.reflect.run((engine) => {
    model = engine.model;
    return engine.embedItems(
      db,
      items.map((i) => i.id),
      () => new Date().toISOString(),
    );
  });
  const vectorOf = new Map(embedded.map((e) => [e.id, e.vector]));
  const usable = items.filter((i) => vectorOf.has(i.id));
  const clusters = discoverPatterns(usable, {
    k: input.k ?? 'auto',
    seed: input.seed ?? 1,
    vectors: usable.map((i) => vectorOf.get(i.id)!),
    model,
  });
  const accounts = await accountsByContact(
    db,
    usable.flatMap((i) => (i.contactId ? [i.contactId] : [])),
  );
  const byId = new Map(usable.map((i) => [i.id, i]));
  const proposals = clusters.slice(0, input.limit ?? 50).map((c) => {
    const seen = new Map<string, { arr: number | null; currency: string }>();
    for (const id of c.itemIds) {
      const contact = byId.get(id)?.contactId;
      const account = contact ? accounts.get(contact) : undefined;
      if (account) seen.set(account.accountId, account);
    }
    const arr = new Map<string, number>();
    for (const a of seen.values())
      if (a.arr !== null) arr.set(a.currency, (arr.get(a.currency) ?? 0) + a.arr);
    return {
      label: c.label,
      topTerms: c.topTerms,
      representatives: c.representativeIds.map((id) => ({
        feedbackId: id,
        text: (byId.get(id)?.text ?? '').slice(0, 500),
      })),
      size: c.itemIds.length,
      feedbackIds: c.itemIds,
      distinctAccounts: seen.size,
      arrAtStake: [...arr]
        .map(([currency, amount]) => ({ currency, amount }))
        .sort((a, b) => b.amount - a.amount),
    };
  });
  return {
    proposals,
    items: usable.length,
    truncated,
    k: clusters.length,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
