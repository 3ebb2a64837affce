import { type Actor, authorize } from '../domain/authorization.ts';
import { AppError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import {
  type CreateImprovementInput,
  type Improvement,
  type ImprovementListQuery,
  linkKindOf,
  proposalTemplate,
  type UpdateImprovementInput,
} from '../domain/improvement.ts';
import { assertTransition, IMPROVEMENT_TRANSITIONS, type ImprovementStatus } from '../domain/lifecycles.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../store/pagination.ts';
import type { ImplementationLinksTable, ImprovementsTable } from '../store/schema.ts';
import { assertSurfaceOf, surfacePatch } from './builders/product-parts.ts';
import { type Db, type Deps, diff, inTransaction, type Tx, toCount } from './context.ts';
import { assertProductExists } from './products.ts';

interface Related {
  patternIds: string[];
  links: ImplementationLinksTable[];
}

export function presentImprovement(row: ImprovementsTable, related: Related): Improvement {
  const decided = row.decided_at !== null;
  return {
    id: row.id,
    title: row.title,
    proposal: row.proposal,
    productId: row.product_id,
    surface: row.surface ?? null,
    patternIds: related.patternIds,
    status: row.status as ImprovementStatus,
    effort: row.effort,
    risk: row.risk,
    confidence: row.confidence,
    links: related.links.map((l) => ({ id: l.id, url: l.url, kind: l.kind, state: l.state })),
    decision: decided
      ? {
          optionId: row.decision_option_id,
          rationale: row.decision_rationale,
          prediction:
            row.prediction_pattern_id !== null
              ? {
                  patternId: row.prediction_pattern_id,
                  expectedChangePct: row.prediction_change_pct,
                  withinDays: row.prediction_within_days,
                }
              : null,
          decidedAt: row.decided_at,
          decidedBy: row.decided_by,
        }
      : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function relatedFor(db: Db, ids: string[]): Promise<Map<string, Related>> {
  const map = new Map<string, Related>(ids.map((id) => [id, { patternIds: [], links: [] }]));
  if (ids.length === 0) return map;
  const patterns = await db
    .selectFrom('improvement_patterns')
    .selectAll()
    .where('improvement_id', 'in', ids)
    .orderBy('pattern_id')
    .execute();
  for (const p of patterns) map.get(p.improvement_id)?.patternIds.push(p.pattern_id);
  const links = await db
    .selectFrom('implementation_links')
    .selectAll()
    .where('improvement_id', 'in', ids)
    .orderBy('id')
    .execute();
  for (const l of links) map.get(l.improvement_id)?.links.push(l);
  return map;
}

export async function findImprovementRow(db: Db, id: string): Promise<ImprovementsTable> {
  const row = await db.selectFrom('improvements').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('improvement', id);
  return row;
}

export async function presentImprovementById(db: Db, id: string): Promise<Improvement> {
  const row = await findImprovementRow(db, id);
  return presentImprovement(row, (await relatedFor(db, [id])).get(id) as Related);
}

async function setPatterns(tx: Tx, improvementId: string, patternIds: string[]): Promise<void> {
  const unique = [...new Set(patternIds)];
  if (unique.length > 0) {
    const found = new Set(
      (await tx.db.selectFrom('patterns').select('id').where('id', 'in', unique).execute()).map((r) => r.id),
    );
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw new AppError('invalid', `patternIds: no pattern with id ${missing[0]}`, {
        patternIds: `no pattern with id ${missing[0]}`,
      });
  }
  await tx.db.deleteFrom('improvement_patterns').where('improvement_id', '=', improvementId).execute();
  if (unique.length > 0) {
    await tx.db
      .insertInto('improvement_patterns')
      .values(unique.map((patternId) => ({ improvement_id: improvementId, pattern_id: patternId })))
      .execute();
  }
}

async function setLinks(
  tx: Tx,
  improvementId: string,
  links: NonNullable<UpdateImprovementInput['links']>,
): Promise<void> {
  const current = await tx.db
    .selectFrom('implementation_links')
    .selectAll()
    .where('improvement_id', '=', improvementId)
    .execute();
  const wanted = new Map(links.map((l) => [l.url, l]));
  const gone = current.filter((c) => !wanted.has(c.url)).map((c) => c.id);
  if (gone.length > 0) await tx.db.deleteFrom('implementation_links').where('id', 'in', gone).execute();
  for (const link of wanted.values()) {
    const existing = current.find((c) => c.url === link.url);
    if (existing) {
      if (link.state && link.state !== existing.state) {
        await tx.db
          .updateTable('implementation_links')
          .set({ state: link.state, updated_at: tx.now })
          .where('id', '=', existing.id)
          .execute();
      }
      continue;
    }
    await tx.db
      .insertInto('implementation_links')
      .values({
        id: newId(),
        improvement_id: improvementId,
        url: link.url,
        kind: link.kind ?? linkKindOf(link.url),
        state: link.state ?? 'open',
        created_at: tx.now,
        updated_at: tx.now,
      })
      .execute();
  }
}

export async function createImprovement(
  deps: Deps,
  actor: Actor | null,
  input: CreateImprovementInput,
): Promise<Improvement> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    await assertProductExists(tx.db, input.productId);
    await assertSurfaceOf(tx.db, input.productId, input.surface);
    const row: ImprovementsTable = {
      id: newId(),
      title: input.title,
      proposal: input.proposal ?? '',
      product_id: input.productId ?? null,
      surface: input.surface ?? null,
      status: 'proposed',
      effort: input.effort ?? null,
      risk: input.risk ?? null,
      confidence: input.confidence ?? null,
      decision_option_id: null,
      decision_rationale: null,
      prediction_pattern_id: null,
      prediction_change_pct: null,
      prediction_within_days: null,
      decided_at: null,
      decided_by: null,
      created_at: tx.now,
      updated_at: tx.now,
    };
    await tx.db.insertInto('improvements').values(row).execute();
    await setPatterns(tx, row.id, input.patternIds ?? []);
    if (!input.proposal) {
      row.proposal = proposalTemplate(await patternEvidence(tx, input.patternIds ?? []));
      await tx.db
        .updateTable('improvements')
        .set({ proposal: row.proposal })
        .where('id', '=', row.id)
        .execute();
    }
    const improvement = await presentImprovementById(tx.db, row.id);
    await tx.record('improvement', row.id, 'create', diff(null, improvement));
    return improvement;
  });
}

/** Titles and feedback counts of the addressed patterns, for the proposal template's evidence. */
async function patternEvidence(
  tx: Tx,
  patternIds: string[],
): Promise<Array<{ title: string; feedbackCount: number }>> {
  if (patternIds.length === 0) return [];
  const rows = await tx.db
    .selectFrom('patterns')
    .leftJoin('pattern_feedback', 'pattern_feedback.pattern_id', 'patterns.id')
    .select((eb) => ['patterns.title', eb.fn.count('pattern_feedback.feedback_id').as('n')])
    .where('patterns.id', 'in', patternIds)
    .groupBy(['patterns.id', 'patterns.title'])
    .orderBy('patterns.title')
    .execute();
  return rows.map((r) => ({ title: r.title, feedbackCount: toCount(r.n) }));
}

export async function getImprovement(deps: Deps, actor: Actor | null, id: string): Promise<Improvement> {
  authorize(actor, 'loop:read');
  return presentImprovementById(deps.store.db, id);
}

export async function listImprovements(
  deps: Deps,
  actor: Actor | null,
  query: ImprovementListQuery,
): Promise<Page<Improvement>> {
  authorize(actor, 'loop:read');
  const db = deps.store.db;
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = db
    .selectFrom('improvements')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after.id);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.productId) q = q.where('product_id', '=', query.productId);
  if (query.patternId) {
    const patternId = query.patternId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('improvement_patterns')
          .select('pattern_id')
          .whereRef('improvement_patterns.improvement_id', '=', 'improvements.id')
          .where('improvement_patterns.pattern_id', '=', patternId),
      ),
    );
  }
  const rows = await q.execute();
  const related = await relatedFor(
    db,
    rows.map((r) => r.id),
  );
  return toPage(
    rows,
    limit,
    (r) => ({ key: r.id, id: r.id }),
    (r) => presentImprovement(r, related.get(r.id) as Related),
  );
}

export async function updateImprovement(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: UpdateImprovementInput,
): Promise<Improvement> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const beforeRow = await findImprovementRow(tx.db, id);
    const before = await presentImprovementById(tx.db, id);
    await assertProductExists(tx.db, input.productId);
    if (input.status)
      assertTransition(
        'improvement',
        IMPROVEMENT_TRANSITIONS,
        beforeRow.status as ImprovementStatus,
        input.status,
      );
    const patch: Partial<ImprovementsTable> = { updated_at: tx.now };
    if (input.title !== undefined) patch.title = input.title;
    if (input.proposal !== undefined) patch.proposal = input.proposal;
    if (input.productId !== undefined) patch.product_id = input.productId;
    Object.assign(patch, await surfacePatch(tx.db, beforeRow, input));
    if (input.effort !== undefined) patch.effort = input.effort;
    if (input.risk !== undefined) patch.risk = input.risk;
    if (input.confidence !== undefined) patch.confidence = input.confidence;
    if (input.status !== undefined) patch.status = input.status;
    await tx.db.updateTable('improvements').set(patch).where('id', '=', id).execute();
    if (input.patternIds !== undefined) await setPatterns(tx, id, input.patternIds);
    if (input.links !== undefined) await setLinks(tx, id, input.links);
    const after = await presentImprovementById(tx.db, id);
    await tx.record('improvement', id, 'update', diff(before, after));
    return after;
  });
}

export async function deleteImprovement(deps: Deps, actor: Actor | null, id: string): Promise<void> {
  authorize(actor, 'loop:delete');
  await inTransaction(deps, actor, async (tx) => {
    const before = await presentImprovementById(tx.db, id);
    await tx.db.deleteFrom('improvements').where('id', '=', id).execute();
    await tx.record('improvement', id, 'delete', diff(before, null));
  });
}
