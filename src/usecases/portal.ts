import { type Actor, authorize } from '../domain/authorization.ts';
import { AppError, conflict } from '../domain/errors.ts';
import type { Feedback, FeedbackContactInput } from '../domain/feedback.ts';
import type { ModerationDecision, PortalFeedbackInput } from '../domain/portal.ts';
import { isHoneypotTripped } from '../integrations/portal.ts';
import type { FeedbackTable } from '../store/schema.ts';
import { type Deps, diff, inTransaction } from './context.ts';
import { findFeedbackRow, presentFeedback } from './feedback.ts';
import { ingestFeedback } from './feedback-ingest.ts';

/** Portal submissions are stored by this system actor; the end user is the item's contact. */
export const PORTAL_ACTOR: Actor = { kind: 'system', userId: null, role: 'builder', name: 'portal' };

/**
 * Takes feedback from a product's public portal, anonymous or signed in. It is stored as
 * `pending` and reaches the inbox when a builder approves it. A tripped honeypot gets the same
 * answer as a real submission, and nothing is stored: telling a bot why only helps it adapt.
 */
export async function submitPortalFeedback(
  deps: Deps,
  actor: Actor | null,
  input: PortalFeedbackInput,
): Promise<{ accepted: true }> {
  if (isHoneypotTripped(input)) return { accepted: true };
  const reference = input.productId ?? input.productSlug ?? '';
  const product = await deps.store.db
    .selectFrom('products')
    .select(['id', 'portal_enabled', 'status'])
    .where((eb) => eb.or([eb('id', '=', reference), eb('slug', '=', reference)]))
    .executeTakeFirst();
  // An unknown product and a closed portal look the same from outside.
  if (product?.portal_enabled !== 1 || product.status !== 'active') {
    throw new AppError('not_found', `product ${reference} has no public portal`);
  }
  await ingestFeedback(
    deps,
    PORTAL_ACTOR,
    [
      {
        text: input.text,
        productId: product.id,
        source: { channel: 'portal' },
        contact: await contactOf(deps, actor, input),
      },
    ],
    {
      moderation: 'pending',
    },
  );
  return { accepted: true };
}

/** The end user: what they typed, else the signed-in user's own name and email. */
async function contactOf(
  deps: Deps,
  actor: Actor | null,
  input: PortalFeedbackInput,
): Promise<FeedbackContactInput | null> {
  let email = input.email ?? null;
  let name = input.name ?? null;
  if (actor?.userId && !email) {
    const user = await deps.store.db
      .selectFrom('users')
      .select(['email', 'name'])
      .where('id', '=', actor.userId)
      .executeTakeFirst();
    email = user?.email ?? null;
    name = name ?? user?.name ?? null;
  }
  return email || name ? { email, name } : null;
}

/**
 * A builder's moderation decision on a portal item: approve sends it to the inbox, reject
 * dismisses it as spam. Either can be revised later.
 */
export async function moderateFeedback(
  deps: Deps,
  actor: Actor | null,
  id: string,
  decision: ModerationDecision,
): Promise<Feedback> {
  authorize(actor, 'loop:write');
  await inTransaction(deps, actor, async (tx) => {
    const before = await findFeedbackRow(tx.db, id);
    if (before.moderation === null)
      throw conflict(`feedback ${id} is not awaiting moderation: only portal feedback is moderated`);
    const patch: Partial<FeedbackTable> = { updated_at: tx.now };
    if (decision === 'approve') {
      patch.moderation = 'approved';
      if (before.status === 'dismissed') Object.assign(patch, { status: 'new', dismiss_reason: null });
    } else {
      Object.assign(patch, { moderation: 'rejected', status: 'dismissed', dismiss_reason: 'spam' });
    }
    await tx.db.updateTable('feedback').set(patch).where('id', '=', id).execute();
    const pick = (row: FeedbackTable) => ({
      moderation: row.moderation,
      status: row.status,
      dismissReason: row.dismiss_reason,
    });
    await tx.record('feedback', id, 'update', diff(pick(before), pick({ ...before, ...patch })));
  });
  return presentFeedback(deps.store.db, await findFeedbackRow(deps.store.db, id));
}
