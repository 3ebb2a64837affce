import { type Actor, authorize } from '../domain/authorization.ts';
import { AppError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { assertTransition, PATTERN_TRANSITIONS, type PatternStatus } from '../domain/lifecycles.ts';
import type { CreatePatternInput, Pattern, PatternListQuery, UpdatePatternInput } from '../domain/pattern.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../store/pagination.ts';
import type { PatternsTable } from '../store/schema.ts';
import { type Db, type Deps, diff, inTransaction, type Tx, toCount } from './context.ts';
import { assertProductExists } from './products.ts';

export function presentPattern(row: PatternsTable, feedbackCount: number): Pattern {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    productId: row.product_id,
    status: row.status as PatternStatus,
    mergedIntoId: row.merged_into_id,
    feedbackCount,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function feedbackCounts(db: Db, patternIds: string[]): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  if (patternIds.length === 0) return map;
  const rows = await db
    .selectFrom('pattern_feedback')
    .select((eb) => ['pattern_id', eb.fn.countAll().as('n')])
    .where('pattern_id', 'in', patternIds)
    .groupBy('pattern_id')
    .execute();
  for (const r of rows) map.set(r.pattern_id, toCount(r.n));
  return map;
}

export async function findPatternRow(db: Db, id: string): Promise<PatternsTable> {
  const row = await db.selectFrom('patterns').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('pattern', id);
  return row;
}

async function present(db: Db, row: PatternsTable): Promise<Pattern> {
  return presentPattern(row, (await feedbackCounts(db, [row.id])).get(row.id) ?? 0);
}

/**
 * Links feedback to a pattern (idempotent: a link that exists is left alone). Linked feedback
 * leaves the inbox: `new` becomes `linked`. Returns how many links were added.
 */
export async function addLinks(tx: Tx, patternId: string, feedbackIds: string[]): Promise<number> {
  const unique = [...new Set(feedbackIds)];
  const found = await tx.db
    .selectFrom('feedback')
    .select(['id', 'status'])
    .where('id', 'in', unique)
    .execute();
  const missing = unique.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) {
    throw new AppError(
      'invalid',
      `feedbackIds: ${missing.length} unknown id(s): ${missing.slice(0, 5).join(', ')}`,
      {
        feedbackIds: `no feedback with id ${missing[0]}`,
      },
    );
  }
  const existing = new Set(
    (
      await tx.db
        .selectFrom('pattern_feedback')
        .select('feedback_id')
        .where('pattern_id', '=', patternId)
        .where('feedback_id', 'in', unique)
        .execute()
    ).map((r) => r.feedback_id),
  );
  const fresh = unique.filter((id) => !existing.has(id));
  if (fresh.length === 0) return 0;
  await tx.db
    .insertInto('pattern_feedback')
    .values(
      fresh.map((feedbackId) => ({
        pattern_id: patternId,
        feedback_id: feedbackId,
        linked_by: tx.actor.userId,
        linked_at: tx.now,
      })),
    )
    .execute();
  const toLink = found.filter((f) => fresh.includes(f.id) && f.status === 'new').map((f) => f.id);
  if (toLink.length > 0) {
    await tx.db
      .updateTable('feedback')
      .set({ status: 'linked', updated_at: tx.now })
      .where('id', 'in', toLink)
      .execute();
  }
  for (const id of fresh) {
    await tx.record('feedback', id, 'update', { patternIds: { before: null, after: `+${patternId}` } });
  }
  await tx.record('pattern', patternId, 'update', {
    feedback: { before: null, after: `+${fresh.length} linked` },
  });
  return fresh.length;
}

export async function createPattern(
  deps: Deps,
  actor: Actor | null,
  input: CreatePatternInput,
): Promise<Pattern> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    await assertProductExists(tx.db, input.productId);
    const row: PatternsTable = {
      id: newId(),
      title: input.title,
      description: input.description ?? '',
      product_id: input.productId ?? null,
      status: 'emerging',
      merged_into_id: null,
      created_at: tx.now,
      updated_at: tx.now,
    };
    await tx.db.insertInto('patterns').values(row).execute();
    await tx.record('pattern', row.id, 'create', diff(null, presentPattern(row, 0)));
    const linked = input.feedbackIds?.length ? await addLinks(tx, row.id, input.feedbackIds) : 0;
    return presentPattern(row, linked);
  });
}

export async function getPattern(deps: Deps, actor: Actor | null, id: string): Promise<Pattern> {
  authorize(actor, 'loop:read');
  return present(deps.store.db, await findPatternRow(deps.store.db, id));
}

export async function listPatterns(
  deps: Deps,
  actor: Actor | null,
  query: PatternListQuery,
): Promise<Page<Pattern>> {
  authorize(actor, 'loop:read');
  const db = deps.store.db;
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = db
    .selectFrom('patterns')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after.id);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.productId) q = q.where('product_id', '=', query.productId);
  if (query.q) q = q.where('title', 'like', `%${query.q.replace(/[%_]/g, '')}%`);
  const rows = await q.execute();
  const counts = await feedbackCounts(
    db,
    rows.map((r) => r.id),
  );
  return toPage(
    rows,
    limit,
    (r) => ({ key: r.id, id: r.id }),
    (r) => presentPattern(r, counts.get(r.id) ?? 0),
  );
}

export async function updatePattern(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: UpdatePatternInput,
): Promise<Pattern> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const before = await findPatternRow(tx.db, id);
    await assertProductExists(tx.db, input.productId);
    if (input.status)
      assertTransition('pattern', PATTERN_TRANSITIONS, before.status as PatternStatus, input.status);
    const patch: Partial<PatternsTable> = { updated_at: tx.now };
    if (input.title !== undefined) patch.title = input.title;
    if (input.description !== undefined) patch.description = input.description;
    if (input.productId !== undefined) patch.product_id = input.productId;
    if (input.status !== undefined) patch.status = input.status;
    await tx.db.updateTable('patterns').set(patch).where('id', '=', id).execute();
    const count = (await feedbackCounts(tx.db, [id])).get(id) ?? 0;
    const after = presentPattern({ ...before, ...patch }, count);
    await tx.record('pattern', id, 'update', diff(presentPattern(before, count), after));
    return after;
  });
}

/** Feedback that loses its last link goes back to the inbox (`linked` → `new`). */
async function returnUnlinkedToInbox(tx: Tx, feedbackIds: string[]): Promise<void> {
  if (feedbackIds.length === 0) return;
  const stillLinked = new Set(
    (
      await tx.db
        .selectFrom('pattern_feedback')
        .select('feedback_id')
        .where('feedback_id', 'in', feedbackIds)
        .execute()
    ).map((r) => r.feedback_id),
  );
  const orphans = feedbackIds.filter((id) => !stillLinked.has(id));
  if (orphans.length > 0) {
    await tx.db
      .updateTable('feedback')
      .set({ status: 'new', updated_at: tx.now })
      .where('id', 'in', orphans)
      .where('status', '=', 'linked')
      .execute();
  }
}

export async function deletePattern(deps: Deps, actor: Actor | null, id: string): Promise<void> {
  authorize(actor, 'loop:delete');
  await inTransaction(deps, actor, async (tx) => {
    const row = await findPatternRow(tx.db, id);
    const linked = (
      await tx.db.selectFrom('pattern_feedback').select('feedback_id').where('pattern_id', '=', id).execute()
    ).map((r) => r.feedback_id);
    await tx.db.deleteFrom('patterns').where('id', '=', id).execute();
    await returnUnlinkedToInbox(tx, linked);
    await tx.record('pattern', id, 'delete', diff(presentPattern(row, linked.length), null));
  });
}

export async function linkFeedback(
  deps: Deps,
  actor: Actor | null,
  patternId: string,
  feedbackIds: string[],
): Promise<Pattern & { added: number }> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const row = await findPatternRow(tx.db, patternId);
    const added = await addLinks(tx, patternId, feedbackIds);
    return { ...(await present(tx.db, row)), added };
  });
}

export async function unlinkFeedback(
  deps: Deps,
  actor: Actor | null,
  patternId: string,
  feedbackId: string,
): Promise<Pattern> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const row = await findPatternRow(tx.db, patternId);
    const result = await tx.db
      .deleteFrom('pattern_feedback')
      .where('pattern_id', '=', patternId)
      .where('feedback_id', '=', feedbackId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('link to feedback', feedbackId);
    await returnUnlinkedToInbox(tx, [feedbackId]);
    await tx.record('feedback', feedbackId, 'update', {
      patternIds: { before: null, after: `-${patternId}` },
    });
    await tx.record('pattern', patternId, 'update', { feedback: { before: null, after: '-1 unlinked' } });
    return present(tx.db, row);
  });
}
