import { z } from 'zod';
import { type Actor, can } from '../domain/authorization.ts';
import type { Db, RecordedEvent } from './context.ts';

/**
 * What a live-update stream sends for one change, and who may see it. Built from the history
 * event every write records, so the stream and `/history` never disagree.
 */
export const liveMessageSchema = z.object({
  id: z.string().describe('the history event id; also the SSE id, so a reconnect resumes after it'),
  at: z.string(),
  actorId: z.string().nullable(),
  itemType: z
    .string()
    .describe('feedback, pattern, improvement, product, account, contact, user, comment, …'),
  itemId: z.string(),
  action: z.enum(['create', 'update', 'delete']),
  changed: z.array(z.string()).describe('the fields that changed'),
  patch: z
    .record(z.string(), z.unknown())
    .describe(
      'each changed field\'s value after the change, as the item\'s history records it (a link is recorded as "+<patternId>"): patch a cached item with it, or refetch',
    ),
  newInboxItem: z
    .boolean()
    .describe('a feedback item just entered the inbox (new, or approved by moderation): count it as "N new"'),
});
export type LiveMessage = z.infer<typeof liveMessageSchema>;

/** Item types only admins see change (their routes are admin-only). */
const ADMIN_ONLY = new Set(['webhook', 'inbound_source']);

/** The event a commit recorded, as the stream reads it (from a commit, or from the events table). */
export type LiveEvent = Pick<
  RecordedEvent,
  'id' | 'at' | 'actorId' | 'itemType' | 'itemId' | 'action' | 'changes'
>;

function entersInbox(e: LiveEvent): boolean {
  if (e.itemType !== 'feedback') return false;
  const after = (field: string) => e.changes[field]?.after;
  if (e.action === 'create') return after('status') === 'new' && (after('moderation') ?? null) === null;
  return e.action === 'update' && after('moderation') === 'approved';
}

/**
 * The message `actor` may see for an event, or null. Everybody signed in reads the loop's data; a
 * reflection reaches others only while it is (or was, so their copy can go) shared with the team,
 * and never its text, which the history does not hold; token changes reach only their owner and
 * admins; webhooks and inbound sources only admins.
 */
export function liveMessageFor(actor: Actor, e: LiveEvent): LiveMessage | null {
  const admin = can(actor, 'settings:manage');
  if (ADMIN_ONLY.has(e.itemType) && !admin) return null;
  let changes = e.changes;
  if (e.itemType === 'reflection') {
    const own = e.actorId !== null && e.actorId === actor.userId;
    const shared = changes.visibility?.before === 'team' || changes.visibility?.after === 'team';
    if (!own && !shared) return null;
  }
  if (e.itemType === 'user' && !admin && e.itemId !== actor.userId && 'tokens' in changes) {
    const { tokens: _hidden, ...rest } = changes;
    changes = rest;
  }
  return {
    id: e.id,
    at: e.at,
    actorId: e.actorId,
    itemType: e.itemType,
    itemId: e.itemId,
    action: e.action,
    changed: Object.keys(changes),
    patch: Object.fromEntries(Object.entries(changes).map(([field, c]) => [field, c.after])),
    newInboxItem: entersInbox(e),
  };
}

/** Events after `afterId` (exclusive), oldest first, at most `limit`. */
export async function eventsAfter(db: Db, afterId: string, limit: number): Promise<LiveEvent[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toLiveEvent);
}

/** Events by id (another process's commit, announced by NOTIFY), oldest first. */
export async function eventsById(db: Db, ids: string[]): Promise<LiveEvent[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('events').selectAll().where('id', 'in', ids).orderBy('id').execute();
  return rows.map(toLiveEvent);
}

function toLiveEvent(r: {
  id: string;
  at: string;
  actor_id: string | null;
  item_type: string;
  item_id: string;
  action: string;
  changes_json: string;
}): LiveEvent {
  return {
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    itemType: r.item_type,
    itemId: r.item_id,
    action: r.action as LiveEvent['action'],
    changes: JSON.parse(r.changes_json) as LiveEvent['changes'],
  };
}
