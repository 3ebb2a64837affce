import { type Actor, authorize } from '../../domain/authorization.ts';
import type { Duplicates, DuplicatesQuery } from '../../domain/reflect.ts';
import { findNearDuplicates } from '../../patterns/index.ts';
import type { Deps } from '../context.ts';
import { assertProductExists } from '../products.ts';

/** Inbox items compared at most (the most recent). */
const MAX_ITEMS = 50_000;

/**
 * Near-duplicate groups among the inbox (new, not dismissed, not pending moderation), so ten copies
 * of one complaint show as one group. Lexical similarity (see patterns/near-duplicates.ts).
 */
export async function findDuplicateFeedback(
  deps: Deps,
  actor: Actor | null,
  query: DuplicatesQuery,
): Promise<Duplicates> {
  authorize(actor, 'loop:read');
  const db = deps.store.db;
  await assertProductExists(db, query.productId);
  let q = db
    .selectFrom('feedback')
    .select(['id', 'text', 'received_at'])
    .where('status', '=', 'new')
    .where((eb) => eb.or([eb('moderation', 'is', null), eb('moderation', '=', 'approved')]))
    .orderBy('id', 'desc')
    .limit(MAX_ITEMS + 1);
  if (query.productId) q = q.where('product_id', '=', query.productId);
  const rows = await q.execute();
  const truncated = rows.length > MAX_ITEMS;
  const items = rows.slice(0, MAX_ITEMS).reverse();
  const byId = new Map(items.map((r) => [r.id, r]));
  const groups = findNearDuplicates(
    items.map((r) => ({ id: r.id, text: r.text.slice(0, 8000) })),
    query.threshold ?? 0.85,
  );
  return {
    groups: groups
      .map((g) => ({
        feedbackIds: g.itemIds,
        minSimilarity: Math.round(g.minSimilarity * 1000) / 1000,
        items: g.itemIds.map((id) => ({
          id,
          text: (byId.get(id)?.text ?? '').slice(0, 500),
          receivedAt: byId.get(id)?.received_at ?? '',
        })),
      }))
      .sort((a, b) => b.feedbackIds.length - a.feedbackIds.length),
    items: items.length,
    truncated,
  };
}
