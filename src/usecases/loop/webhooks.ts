import { type Actor, authorize } from '../../domain/authorization.ts';
import { notFound } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { CreateWebhookInput, OutboxItem } from '../../domain/loop.ts';
import { newWebhookSecret } from '../../integrations/outbound-webhook.ts';
import { PreparedQuery, type QueryTarget } from '../../store/prepared-query.ts';
import type { OutboundWebhooksTable } from '../../store/schema-loop.ts';
import { type Deps, diff, inTransaction, type RecordedEvent } from '../context.ts';
import { enqueueMessage, presentOutboxItem } from './outbox.ts';

export type OutboundWebhook = {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
  secret?: string;
};

function presentWebhook(row: OutboundWebhooksTable): OutboundWebhook {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events_json) as string[],
    createdAt: row.created_at,
  };
}

/** Does a subscription (`deploy.create`, `pattern.*`, `*`) cover an event type? */
export function eventMatches(subscriptions: string[], type: string): boolean {
  const [item] = type.split('.');
  return subscriptions.some((s) => s === '*' || s === type || s === `${item}.*`);
}

/** Registers an outbound webhook; the answer carries the signing secret, the only time it is shown. */
export async function createWebhook(
  deps: Deps,
  actor: Actor | null,
  input: CreateWebhookInput,
): Promise<OutboundWebhook> {
  authorize(actor, 'settings:manage');
  return inTransaction(deps, actor, async (tx) => {
    const row: OutboundWebhooksTable = {
      id: newId(),
      url: input.url,
      events_json: JSON.stringify([...new Set(input.events)]),
      secret: newWebhookSecret(),
      created_by: actor.userId,
      created_at: tx.now,
    };
    await tx.db.insertInto('outbound_webhooks').values(row).execute();
    const hook = presentWebhook(row);
    await tx.record('webhook', row.id, 'create', diff(null, hook));
    return { ...hook, secret: row.secret };
  });
}

export async function listWebhooks(
  deps: Deps,
  actor: Actor | null,
): Promise<{ items: OutboundWebhook[]; nextCursor: null }> {
  authorize(actor, 'settings:manage');
  const rows = await deps.store.db.selectFrom('outbound_webhooks').selectAll().orderBy('id').execute();
  return { items: rows.map(presentWebhook), nextCursor: null };
}

export async function deleteWebhook(deps: Deps, actor: Actor | null, id: string): Promise<void> {
  authorize(actor, 'settings:manage');
  await inTransaction(deps, actor, async (tx) => {
    const row = await tx.db
      .selectFrom('outbound_webhooks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('webhook', id);
    await tx.db.deleteFrom('outbound_webhooks').where('id', '=', id).execute();
    await tx.record('webhook', id, 'delete', diff(presentWebhook(row), null));
  });
}

/** The delivery log of one webhook: its messages, newest first, each with every attempt. */
export async function listWebhookDeliveries(
  deps: Deps,
  actor: Actor | null,
  id: string,
): Promise<{ items: OutboxItem[]; nextCursor: null }> {
  authorize(actor, 'settings:manage');
  const db = deps.store.db;
  const hook = await db.selectFrom('outbound_webhooks').select('id').where('id', '=', id).executeTakeFirst();
  if (!hook) throw notFound('webhook', id);
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('webhook_id', '=', id)
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  const attempts = rows.length
    ? await db
        .selectFrom('outbox_attempts')
        .selectAll()
        .where(
          'outbox_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('id')
        .execute()
    : [];
  return {
    items: rows.map((r) =>
      presentOutboxItem(
        r,
        attempts.filter((a) => a.outbox_id === r.id),
      ),
    ),
    nextCursor: null,
  };
}

/** Read by every writing transaction (see `createDeps`), so compiled once. */
const selectAllWebhooks = new PreparedQuery<Record<string, never>, OutboundWebhooksTable>((db) =>
  db.selectFrom('outbound_webhooks').selectAll(),
);

/**
 * Queues one delivery per (webhook, event) for the events a commit recorded. The body is fixed
 * here, so every retry sends the same bytes under a fresh signature.
 */
export async function enqueueWebhookEvents(
  target: QueryTarget,
  now: string,
  events: RecordedEvent[],
): Promise<number> {
  const db = target.db;
  const hooks = (await selectAllWebhooks.execute(target, {})).rows;
  if (hooks.length === 0) return 0;
  let count = 0;
  for (const event of events) {
    const type = `${event.itemType}.${event.action}`;
    for (const hook of hooks) {
      if (!eventMatches(JSON.parse(hook.events_json) as string[], type)) continue;
      const body = JSON.stringify({
        id: event.id,
        type,
        at: event.at,
        actorId: event.actorId,
        item: { type: event.itemType, id: event.itemId },
        changes: event.changes,
      });
      const added = await enqueueMessage(
        db,
        {
          kind: 'webhook',
          dedupeKey: `webhook:${hook.id}:${event.id}`,
          recipient: hook.url,
          subject: type,
          body,
          headers: { 'x-productos-event': type },
          webhookId: hook.id,
        },
        now,
      );
      if (added) count++;
    }
  }
  return count;
}
