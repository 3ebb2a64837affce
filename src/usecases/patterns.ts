import { type Actor, authorize } from '../domain/authorization.ts';
import { AppError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { assertTransition, PATTERN_TRANSITIONS, type PatternStatus } from '../domain/lifecycles.ts';
import type {
  CreatePatternInput,
  Pattern,
  PatternListQuery,
  PatternStats,
  UpdatePatternInput,
} from '../domain/pattern.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../store/pagination.ts';
import type { PatternsTable } from '../store/schema.ts';
import { assertSurfaceOf, surfacePatch } from './builders/product-parts.ts';
import { type Db, type Deps, diff, inTransaction, type RecordedEvent, type Tx, toCount } from './context.ts';
import { assertProductExists } from './products.ts';
import { emptyPatternStats, patternStats } from './reflect/pattern-stats.ts';

/** Whitelist presenter; `stats` are the derived fields (see reflect/pattern-stats.ts). */
export function presentPattern(row: PatternsTable, stats: PatternStats): Pattern {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    productId: row.product_id,
    surface: row.surface ?? null,
    status: row.status as PatternStatus,
    mergedIntoId: row.merged_into_id,
    ...stats,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What the history records of a pattern: its own fields, not the derived ones. */
export function historyOf(row: PatternsTable): Record<string, unknown> {
  return {
    title: row.title,
    description: row.description,
    productId: row.product_id,
    surface: row.surface ?? null,
    status: row.status,
    mergedIntoId: row.merged_into_id,
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

/** Presents one pattern with its derived fields as of `now`. */
export async function present(db: Db, row: PatternsTable, now: Date): Promise<Pattern> {
  return presentPattern(row, (await patternStats(db, [row.id], now)).get(row.id) ?? emptyPatternStats(now));
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
    // The status move is part of the change: the inbox (and its live updates) lose the item here.
    const changes: RecordedEvent['changes'] = { patternIds: { before: null, after: `+${patternId}` } };
    if (toLink.includes(id)) changes.status = { before: 'new', after: 'linked' };
    await tx.record('feedback', id, 'update', changes);
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
    await assertSurfaceOf(tx.db, input.productId, input.surface);
    const row: PatternsTable = {
      id: newId(),
      title: input.title,
      description: input.description ?? '',
      product_id: input.productId ?? null,
      surface: input.surface ?? null,
      status: 'emerging',
      merged_into_id: null,
      created_at: tx.now,
      updated_at: tx.now,
    };
    await tx.db.insertInto('patterns').values(row).execute();
    await tx.record('pattern', row.id, 'create', diff(null, historyOf(row)));
    if (input.feedbackIds?.length) await addLinks(tx, row.id, input.feedbackIds);
    return present(tx.db, row, new Date(tx.now));
  });
}

export async function getPattern(deps: Deps, actor: Actor | null, id: string): Promise<Pattern> {
  authorize(actor, 'loop:read');
  return present(deps.store.db, await findPatternRow(deps.store.db, id), deps.clock());
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
  // Merged patterns only redirect: they are fetched by id, not listed.
  q = q.where('merged_into_id', 'is', null);
  const rows = await q.execute();
  const now = deps.clock();
  const stats = await patternStats(
    db,
    rows.slice(0, limit).map((r) => r.id),
    now,
  );
  return toPage(
    rows,
    limit,
    (r) => ({ key: r.id, id: r.id }),
    (r) => presentPattern(r, stats.get(r.id) ?? emptyPatternStats(now)),
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
    Object.assign(patch, await surfacePatch(tx.db, before, input));
    if (input.status !== undefined) patch.status = input.status;
    await tx.db.updateTable('patterns').set(patch).where('id', '=', id).execute();
    await tx.record('pattern', id, 'update', diff(historyOf(before), historyOf({ ...before, ...patch })));
    return present(tx.db, { ...before, ...patch }, new Date(tx.now));
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
    await tx.record('pattern', id, 'delete', diff({ ...historyOf(row), feedbackCount: linked.length }, null));
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
    if (row.merged_into_id) {
      throw new AppError(
        'conflict',
        `pattern ${patternId} was merged into ${row.merged_into_id}: link there`,
        undefined,
        {
          mergedIntoId: row.merged_into_id,
        },
      );
    }
    const added = await addLinks(tx, patternId, feedbackIds);
    return { ...(await present(tx.db, row, new Date(tx.now))), added };
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
    return present(tx.db, row, new Date(tx.now));
  });
}
