import { type Actor, authorize, can } from '../domain/authorization.ts';
import {
  type Comment,
  type CreateCommentInput,
  type HistoryEvent,
  ITEM_COLLECTIONS,
  type ItemCollection,
  mentionsIn,
} from '../domain/comment.ts';
import type { ListQuery } from '../domain/common.ts';
import { forbidden, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { renderMarkdown } from '../domain/markdown.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../store/pagination.ts';
import type { CommentsTable, Database, EventsTable } from '../store/schema.ts';
import { type Db, type Deps, diff, inTransaction } from './context.ts';

export function presentComment(row: CommentsTable): Comment {
  return {
    id: row.id,
    itemType: row.item_type,
    itemId: row.item_id,
    authorId: row.author_id,
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    mentions: mentionsIn(row.body),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function presentEvent(row: EventsTable): HistoryEvent {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    itemType: row.item_type,
    itemId: row.item_id,
    action: row.action as HistoryEvent['action'],
    changes: JSON.parse(row.changes_json),
  };
}

/** The table behind each commentable collection (they share the name). */
async function assertItemExists(db: Db, collection: ItemCollection, id: string): Promise<void> {
  const table = collection as keyof Database & ItemCollection;
  const row = await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(ITEM_COLLECTIONS[collection], id);
}

export async function createComment(
  deps: Deps,
  actor: Actor | null,
  collection: ItemCollection,
  itemId: string,
  input: CreateCommentInput,
): Promise<Comment> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    await assertItemExists(tx.db, collection, itemId);
    const row: CommentsTable = {
      id: newId(),
      item_type: ITEM_COLLECTIONS[collection],
      item_id: itemId,
      author_id: actor.userId,
      body: input.body,
      created_at: tx.now,
      updated_at: tx.now,
    };
    await tx.db.insertInto('comments').values(row).execute();
    await tx.record('comment', row.id, 'create', {
      itemId: { before: null, after: itemId },
      body: { before: null, after: row.body },
    });
    return presentComment(row);
  });
}

export async function listComments(
  deps: Deps,
  actor: Actor | null,
  collection: ItemCollection,
  itemId: string,
  query: ListQuery,
): Promise<Page<Comment>> {
  authorize(actor, 'loop:read');
  await assertItemExists(deps.store.db, collection, itemId);
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = deps.store.db
    .selectFrom('comments')
    .selectAll()
    .where('item_type', '=', ITEM_COLLECTIONS[collection])
    .where('item_id', '=', itemId)
    .orderBy('id')
    .limit(limit + 1);
  if (after) q = q.where('id', '>', after.id);
  return toPage(await q.execute(), limit, (r) => ({ key: r.id, id: r.id }), presentComment);
}

async function findOwnComment(db: Db, actor: Actor, id: string): Promise<CommentsTable> {
  const row = await db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('comment', id);
  if (row.author_id !== actor.userId && !can(actor, 'users:manage'))
    throw forbidden('only its author or an admin can change a comment');
  return row;
}

export async function updateComment(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: CreateCommentInput,
): Promise<Comment> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const before = await findOwnComment(tx.db, actor, id);
    const after = { ...before, body: input.body, updated_at: tx.now };
    await tx.db
      .updateTable('comments')
      .set({ body: after.body, updated_at: tx.now })
      .where('id', '=', id)
      .execute();
    await tx.record('comment', id, 'update', diff({ body: before.body }, { body: after.body }));
    return presentComment(after);
  });
}

export async function deleteComment(deps: Deps, actor: Actor | null, id: string): Promise<void> {
  authorize(actor, 'loop:write');
  await inTransaction(deps, actor, async (tx) => {
    const before = await findOwnComment(tx.db, actor, id);
    await tx.db.deleteFrom('comments').where('id', '=', id).execute();
    await tx.record('comment', id, 'delete', { body: { before: before.body, after: null } });
  });
}

/**
 * The history of one item, oldest first. It stays readable after the item is deleted, so nothing
 * about what happened is lost.
 */
export async function getHistory(
  deps: Deps,
  actor: Actor | null,
  collection: ItemCollection,
  itemId: string,
  query: ListQuery,
): Promise<Page<HistoryEvent>> {
  authorize(actor, 'loop:read');
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  // A pattern's history includes that of the patterns merged into it.
  const merged =
    collection === 'patterns'
      ? (
          await deps.store.db
            .selectFrom('patterns')
            .select('id')
            .where('merged_into_id', '=', itemId)
            .execute()
        ).map((r) => r.id)
      : [];
  let q = deps.store.db
    .selectFrom('events')
    .selectAll()
    .where('item_type', '=', ITEM_COLLECTIONS[collection])
    .where('item_id', 'in', [itemId, ...merged])
    .orderBy('id')
    .limit(limit + 1);
  if (after) q = q.where('id', '>', after.id);
  const rows = await q.execute();
  if (rows.length === 0 && !after) await assertItemExists(deps.store.db, collection, itemId);
  return toPage(rows, limit, (r) => ({ key: r.id, id: r.id }), presentEvent);
}
