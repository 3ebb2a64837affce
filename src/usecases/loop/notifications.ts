import { randomBytes } from 'node:crypto';
import type { Db, Tx } from '../context.ts';
import { enqueueMessage } from './outbox.ts';
import type { LoopSettings } from './services.ts';

interface Requester {
  contactId: string;
  email: string;
  name: string | null;
  firstFeedbackAt: string;
  quote: string;
}

/** Contacts (with an email, still subscribed) whose feedback is linked to any of these patterns. */
async function requestersOf(db: Db, patternIds: string[]): Promise<Requester[]> {
  if (patternIds.length === 0) return [];
  const rows = await db
    .selectFrom('pattern_feedback')
    .innerJoin('feedback', 'feedback.id', 'pattern_feedback.feedback_id')
    .innerJoin('contacts', 'contacts.id', 'feedback.contact_id')
    .leftJoin('contact_subscriptions', 'contact_subscriptions.contact_id', 'contacts.id')
    .select([
      'contacts.id as contactId',
      'contacts.email',
      'contacts.name',
      'feedback.received_at',
      'feedback.text',
    ])
    .where('pattern_feedback.pattern_id', 'in', patternIds)
    .where('contacts.email', 'is not', null)
    .where('contact_subscriptions.unsubscribed_at', 'is', null)
    .orderBy('feedback.received_at')
    .execute();
  const byContact = new Map<string, Requester>();
  for (const r of rows) {
    if (byContact.has(r.contactId) || !r.email) continue;
    const quote = r.text.length > 280 ? `${r.text.slice(0, 277)}…` : r.text;
    byContact.set(r.contactId, {
      contactId: r.contactId,
      email: r.email,
      name: r.name,
      firstFeedbackAt: r.received_at,
      quote,
    });
  }
  return [...byContact.values()];
}

/** The contact's unsubscribe token, created on first use. */
export async function unsubscribeTokenFor(db: Db, contactId: string, now: string): Promise<string> {
  const existing = await db
    .selectFrom('contact_subscriptions')
    .select('token')
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  if (existing) return existing.token;
  const token = randomBytes(24).toString('base64url');
  await db
    .insertInto('contact_subscriptions')
    .values({ contact_id: contactId, token, unsubscribed_at: null, created_at: now })
    .execute();
  return token;
}

/**
 * "You asked, it shipped": one email per requester per deploy, written to the outbox in the deploy's
 * own transaction (so a deploy is never recorded without its notifications, and never notifies twice).
 */
export async function enqueueDeployNotifications(
  tx: Tx,
  settings: LoopSettings,
  deployId: string,
): Promise<number> {
  const deploy = await tx.db
    .selectFrom('deploys')
    .innerJoin('products', 'products.id', 'deploys.product_id')
    .select([
      'deploys.id',
      'deploys.version',
      'deploys.deployed_at',
      'deploys.notes',
      'products.name as productName',
    ])
    .where('deploys.id', '=', deployId)
    .executeTakeFirstOrThrow();
  const improvements = await tx.db
    .selectFrom('deploy_improvements')
    .innerJoin('improvements', 'improvements.id', 'deploy_improvements.improvement_id')
    .select(['improvements.id', 'improvements.title'])
    .where('deploy_improvements.deploy_id', '=', deployId)
    .orderBy('improvements.title')
    .execute();
  if (improvements.length === 0) return 0;
  const patternIds = (
    await tx.db
      .selectFrom('improvement_patterns')
      .select('pattern_id')
      .distinct()
      .where(
        'improvement_id',
        'in',
        improvements.map((i) => i.id),
      )
      .execute()
  ).map((r) => r.pattern_id);
  const entry = [
    `${deploy.productName} ${deploy.version} — ${deploy.deployed_at.slice(0, 10)}`,
    ...improvements.map((i) => `  • ${i.title}`),
    ...(deploy.notes ? ['', deploy.notes] : []),
  ].join('\n');
  let count = 0;
  for (const person of await requestersOf(tx.db, patternIds)) {
    const token = await unsubscribeTokenFor(tx.db, person.contactId, tx.now);
    const unsubscribe = `${settings.publicUrl}/api/v1/unsubscribe?token=${token}`;
    const body = [
      `Hello${person.name ? ` ${person.name}` : ''},`,
      '',
      'You asked, it shipped. You told us:',
      '',
      `  “${person.quote}”`,
      '',
      'What changed:',
      '',
      entry,
      '',
      'Thank you for telling us.',
      '',
      `To stop these messages: ${unsubscribe}`,
    ].join('\n');
    const added = await enqueueMessage(
      tx.db,
      {
        kind: 'email',
        dedupeKey: `deploy:${deployId}:contact:${person.contactId}`,
        recipient: person.email,
        subject: `You asked, it shipped: ${deploy.productName} ${deploy.version}`,
        body,
        headers: {
          'List-Unsubscribe': `<${unsubscribe}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
        contactId: person.contactId,
        deployId,
        firstFeedbackAt: person.firstFeedbackAt,
      },
      tx.now,
    );
    if (added) count++;
  }
  return count;
}

/** Tells an improvement's owners (who decided it, who proposed it) that a pattern it fixed came back. */
export async function enqueueRecurrenceNotice(
  tx: Tx,
  settings: LoopSettings,
  notice: {
    improvementId: string;
    improvementTitle: string;
    patternId: string;
    patternTitle: string;
    detail: string;
  },
): Promise<number> {
  const improvement = await tx.db
    .selectFrom('improvements')
    .select('decided_by')
    .where('id', '=', notice.improvementId)
    .executeTakeFirst();
  const creators = await tx.db
    .selectFrom('events')
    .select('actor_id')
    .where('item_type', '=', 'improvement')
    .where('item_id', '=', notice.improvementId)
    .where('action', '=', 'create')
    .execute();
  const ownerIds = [
    ...new Set(
      [improvement?.decided_by, ...creators.map((c) => c.actor_id)].filter((id): id is string => !!id),
    ),
  ];
  if (ownerIds.length === 0) return 0;
  const owners = await tx.db
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('id', 'in', ownerIds)
    .where('disabled_at', 'is', null)
    .execute();
  let count = 0;
  for (const owner of owners) {
    const added = await enqueueMessage(
      tx.db,
      {
        kind: 'email',
        dedupeKey: `recurring:${notice.improvementId}:${notice.patternId}:${tx.now}:${owner.id}`,
        recipient: owner.email,
        subject: `Pattern is back: ${notice.patternTitle}`,
        body: [
          `Hello ${owner.name},`,
          '',
          `“${notice.patternTitle}” was fixed by “${notice.improvementTitle}”, but feedback on it is coming back.`,
          notice.detail,
          '',
          `The pattern is now recurring: ${settings.publicUrl}/api/v1/improvements/${notice.improvementId}/impact`,
        ].join('\n'),
      },
      tx.now,
    );
    if (added) count++;
  }
  return count;
}
