/**
 * Merge and split of patterns. A merge moves links, comments and improvement references to the
 * survivor; the merged pattern's row stays with `merged_into_id` set (GET answers it with
 * `mergedIntoId`, so clients redirect; lists leave it out) and its history is shown with the
 * survivor's. A split moves selected linked feedback to a new pattern.
 */
import { type Actor, authorize } from '../../domain/authorization.ts';
import { AppError, conflict } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { MergePatternInput, Pattern, SplitPatternInput } from '../../domain/pattern.ts';
import type { PatternsTable } from '../../store/schema.ts';
import { type Deps, inTransaction, type Tx } from '../context.ts';
import { findPatternRow, historyOf, present } from '../patterns.ts';

function assertNotMerged(row: PatternsTable): void {
  if (row.merged_into_id) {
    throw conflict(`pattern ${row.id} was merged into ${row.merged_into_id}`, undefined, {
      mergedIntoId: row.merged_into_id,
    });
  }
}

/** Moves links (keeping who linked and when) from one pattern to another; returns moved feedback ids. */
async function moveLinks(tx: Tx, fromId: string, intoId: string, only?: string[]): Promise<string[]> {
  let q = tx.db.selectFrom('pattern_feedback').selectAll().where('pattern_id', '=', fromId);
  if (only) q = q.where('feedback_id', 'in', only);
  const links = await q.execute();
  if (links.length === 0) return [];
  const ids = links.map((l) => l.feedback_id);
  const existing = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tx.db
      .selectFrom('pattern_feedback')
      .select('feedback_id')
      .where('pattern_id', '=', intoId)
      .where('feedback_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) existing.add(r.feedback_id);
  }
  const fresh = links.filter((l) => !existing.has(l.feedback_id)).map((l) => ({ ...l, pattern_id: intoId }));
  for (let i = 0; i < fresh.length; i += 200) {
    await tx.db
      .insertInto('pattern_feedback')
      .values(fresh.slice(i, i + 200))
      .execute();
  }
  for (let i = 0; i < ids.length; i += 500) {
    await tx.db
      .deleteFrom('pattern_feedback')
      .where('pattern_id', '=', fromId)
      .where('feedback_id', 'in', ids.slice(i, i + 500))
      .execute();
  }
  await tx.recordMany(
    ids.map((id) => ({
      itemType: 'feedback',
      itemId: id,
      action: 'update' as const,
      changes: { patternIds: { before: `-${fromId}`, after: `+${intoId}` } },
    })),
  );
  return ids;
}

/** Merges pattern `id` into `input.intoId` (see module comment); returns the survivor. */
export async function mergePattern(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: MergePatternInput,
): Promise<Pattern> {
  authorize(actor, 'loop:write');
  if (id === input.intoId)
    throw new AppError('invalid', 'intoId: a pattern cannot be merged into itself', {
      intoId: 'must differ from the merged pattern',
    });
  return inTransaction(deps, actor, async (tx) => {
    const from = await findPatternRow(tx.db, id);
    const into = await findPatternRow(tx.db, input.intoId).catch(() => {
      throw new AppError('invalid', `intoId: no pattern with id ${input.intoId}`, {
        intoId: 'unknown pattern',
      });
    });
    assertNotMerged(from);
    assertNotMerged(into);
    const moved = await moveLinks(tx, id, into.id);
    await tx.db
      .updateTable('comments')
      .set({ item_id: into.id })
      .where('item_type', '=', 'pattern')
      .where('item_id', '=', id)
      .execute();
    const improvements = await tx.db
      .selectFrom('improvement_patterns')
      .select('improvement_id')
      .where('pattern_id', '=', id)
      .execute();
    for (const { improvement_id } of improvements) {
      await tx.db
        .insertInto('improvement_patterns')
        .values({ improvement_id, pattern_id: into.id })
        .onConflict((oc) => oc.columns(['improvement_id', 'pattern_id']).doNothing())
        .execute();
    }
    await tx.db.deleteFrom('improvement_patterns').where('pattern_id', '=', id).execute();
    await tx.db
      .updateTable('improvements')
      .set({ prediction_pattern_id: into.id })
      .where('prediction_pattern_id', '=', id)
      .execute();
    // Earlier merges into the merged pattern now redirect to the survivor in one hop.
    await tx.db
      .updateTable('patterns')
      .set({ merged_into_id: into.id })
      .where('merged_into_id', '=', id)
      .execute();
    await tx.db
      .updateTable('patterns')
      .set({ merged_into_id: into.id, updated_at: tx.now })
      .where('id', '=', id)
      .execute();
    await tx.db.updateTable('patterns').set({ updated_at: tx.now }).where('id', '=', into.id).execute();
    await tx.record('pattern', id, 'update', { mergedIntoId: { before: null, after: into.id } });
    await tx.record('pattern', into.id, 'update', {
      merged: { before: null, after: `${from.title} (${id}): ${moved.length} feedback moved` },
    });
    return present(tx.db, { ...into, updated_at: tx.now }, new Date(tx.now));
  });
}

/** Moves the given linked feedback of pattern `id` to a new pattern; returns both. */
export async function splitPattern(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: SplitPatternInput,
): Promise<{ pattern: Pattern; created: Pattern }> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const from = await findPatternRow(tx.db, id);
    assertNotMerged(from);
    const wanted = [...new Set(input.feedbackIds)];
    const linked = new Set(
      (
        await tx.db
          .selectFrom('pattern_feedback')
          .select('feedback_id')
          .where('pattern_id', '=', id)
          .where('feedback_id', 'in', wanted)
          .execute()
      ).map((r) => r.feedback_id),
    );
    const missing = wanted.filter((f) => !linked.has(f));
    if (missing.length > 0) {
      throw new AppError('invalid', `feedbackIds: ${missing.length} item(s) are not linked to this pattern`, {
        feedbackIds: `not linked to pattern ${id}: ${missing.slice(0, 5).join(', ')}`,
      });
    }
    const row: PatternsTable = {
      id: newId(),
      title: input.title,
      description: input.description ?? '',
      product_id: from.product_id,
      status: 'emerging',
      merged_into_id: null,
      created_at: tx.now,
      updated_at: tx.now,
    };
    await tx.db.insertInto('patterns').values(row).execute();
    await tx.record('pattern', row.id, 'create', {
      ...Object.fromEntries(Object.entries(historyOf(row)).map(([k, v]) => [k, { before: null, after: v }])),
      splitFrom: { before: null, after: id },
    });
    await moveLinks(tx, id, row.id, wanted);
    await tx.db.updateTable('patterns').set({ updated_at: tx.now }).where('id', '=', id).execute();
    await tx.record('pattern', id, 'update', {
      split: { before: null, after: `${wanted.length} feedback moved to ${row.id}` },
    });
    const now = new Date(tx.now);
    return {
      pattern: await present(tx.db, { ...from, updated_at: tx.now }, now),
      created: await present(tx.db, row, now),
    };
  });
}
