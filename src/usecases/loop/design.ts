import { type Actor, authorize } from '../../domain/authorization.ts';
import { AppError, conflict, notFound } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { Improvement } from '../../domain/improvement.ts';
import type { CreateOptionInput, DecisionInput, ImprovementOption } from '../../domain/loop.ts';
import type { ImprovementOptionsTable } from '../../store/schema.ts';
import { type Db, type Deps, diff, inTransaction, toCount } from '../context.ts';
import { findImprovementRow, presentImprovementById } from '../improvements.ts';
import { type ImprovementContext, improvementContext } from './improvement-context.ts';

/** Options may be added and voted on while an improvement is still being designed. */
const OPEN_FOR_OPTIONS = ['proposed', 'designing'];

export type ImprovementDetail = Improvement & { options: ImprovementOption[]; context: ImprovementContext };

async function optionsOf(
  db: Db,
  improvementId: string,
  viewerId: string | null,
): Promise<ImprovementOption[]> {
  const rows = await db
    .selectFrom('improvement_options')
    .selectAll()
    .where('improvement_id', '=', improvementId)
    .orderBy('id')
    .execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const counts = await db
    .selectFrom('option_votes')
    .select((eb) => ['option_id', eb.fn.countAll().as('n')])
    .where('option_id', 'in', ids)
    .groupBy('option_id')
    .execute();
  const mine = viewerId
    ? new Set(
        (
          await db
            .selectFrom('option_votes')
            .select('option_id')
            .where('option_id', 'in', ids)
            .where('user_id', '=', viewerId)
            .execute()
        ).map((r) => r.option_id),
      )
    : new Set<string>();
  const byId = new Map(counts.map((c) => [c.option_id, toCount(c.n)]));
  return rows.map((r) => presentOption(r, byId.get(r.id) ?? 0, mine.has(r.id)));
}

function presentOption(row: ImprovementOptionsTable, votes: number, votedByMe: boolean): ImprovementOption {
  return {
    id: row.id,
    improvementId: row.improvement_id,
    title: row.title,
    body: row.body,
    votes,
    votedByMe,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** One improvement with its options (and votes) and its commercial and technical context and score. */
export async function getImprovementDetail(
  deps: Deps,
  actor: Actor | null,
  id: string,
): Promise<ImprovementDetail> {
  authorize(actor, 'loop:read');
  const db = deps.store.db;
  const row = await findImprovementRow(db, id);
  const improvement = await presentImprovementById(db, id);
  return {
    ...improvement,
    options: await optionsOf(db, id, actor.userId),
    context: await improvementContext(db, row),
  };
}

function assertOpen(status: string): void {
  if (!OPEN_FOR_OPTIONS.includes(status))
    throw conflict(
      `options can change only while the improvement is proposed or designing (it is ${status})`,
      { status: `allowed: ${OPEN_FOR_OPTIONS.join(', ')}` },
      { allowed: OPEN_FOR_OPTIONS },
    );
}

/** Adds a design option to an improvement. */
export async function addOption(
  deps: Deps,
  actor: Actor | null,
  improvementId: string,
  input: CreateOptionInput,
): Promise<ImprovementOption> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    assertOpen((await findImprovementRow(tx.db, improvementId)).status);
    const row: ImprovementOptionsTable = {
      id: newId(),
      improvement_id: improvementId,
      title: input.title,
      body: input.body ?? '',
      created_by: actor.userId,
      created_at: tx.now,
    };
    await tx.db.insertInto('improvement_options').values(row).execute();
    const option = presentOption(row, 0, false);
    await tx.record('improvement', improvementId, 'update', {
      [`option ${row.id}`]: { before: null, after: input.title },
    });
    return option;
  });
}

async function findOption(db: Db, improvementId: string, optionId: string): Promise<ImprovementOptionsTable> {
  const row = await db
    .selectFrom('improvement_options')
    .selectAll()
    .where('id', '=', optionId)
    .where('improvement_id', '=', improvementId)
    .executeTakeFirst();
  if (!row) throw notFound('option', optionId);
  return row;
}

/** One vote per person per option; a second vote is a conflict, `unvote` takes it back. */
export async function voteForOption(
  deps: Deps,
  actor: Actor | null,
  improvementId: string,
  optionId: string,
): Promise<ImprovementOption> {
  authorize(actor, 'loop:write');
  if (!actor.userId) throw new AppError('forbidden', 'only a signed-in person can vote');
  const userId = actor.userId;
  return inTransaction(deps, actor, async (tx) => {
    assertOpen((await findImprovementRow(tx.db, improvementId)).status);
    await findOption(tx.db, improvementId, optionId);
    const existing = await tx.db
      .selectFrom('option_votes')
      .select('user_id')
      .where('option_id', '=', optionId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (existing) throw conflict('you voted for this option already', { optionId: 'already voted' });
    await tx.db
      .insertInto('option_votes')
      .values({ option_id: optionId, user_id: userId, created_at: tx.now })
      .execute();
    await tx.record('improvement', improvementId, 'update', {
      [`vote ${optionId}`]: { before: null, after: `+1 ${actor.name}` },
    });
    return (await optionsOf(tx.db, improvementId, userId)).find(
      (o) => o.id === optionId,
    ) as ImprovementOption;
  });
}

export async function unvoteOption(
  deps: Deps,
  actor: Actor | null,
  improvementId: string,
  optionId: string,
): Promise<void> {
  authorize(actor, 'loop:write');
  const userId = actor.userId ?? '';
  await inTransaction(deps, actor, async (tx) => {
    await findOption(tx.db, improvementId, optionId);
    const result = await tx.db
      .deleteFrom('option_votes')
      .where('option_id', '=', optionId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('vote on option', optionId);
    await tx.record('improvement', improvementId, 'update', {
      [`vote ${optionId}`]: { before: `+1 ${actor.name}`, after: null },
    });
  });
}

/**
 * Records the decision: the chosen option, why, and a prediction about one addressed pattern.
 * Allowed while designing; moves the improvement to building, and its patterns to addressed.
 */
export async function decideImprovement(
  deps: Deps,
  actor: Actor | null,
  improvementId: string,
  input: DecisionInput,
): Promise<ImprovementDetail> {
  authorize(actor, 'loop:write');
  await inTransaction(deps, actor, async (tx) => {
    const row = await findImprovementRow(tx.db, improvementId);
    if (row.status !== 'designing')
      throw conflict(
        `a decision is recorded while designing; this improvement is ${row.status}. Allowed: designing`,
        { status: `allowed: designing (now ${row.status})` },
        { allowed: ['designing'], status: row.status },
      );
    const option = await tx.db
      .selectFrom('improvement_options')
      .select('id')
      .where('id', '=', input.optionId)
      .where('improvement_id', '=', improvementId)
      .executeTakeFirst();
    if (!option)
      throw new AppError('invalid', `optionId: ${input.optionId} is not an option of this improvement`, {
        optionId: 'not an option of this improvement',
      });
    const patternIds = (
      await tx.db
        .selectFrom('improvement_patterns')
        .select('pattern_id')
        .where('improvement_id', '=', improvementId)
        .execute()
    ).map((r) => r.pattern_id);
    if (input.prediction && !patternIds.includes(input.prediction.patternId))
      throw new AppError(
        'invalid',
        `prediction.patternId: ${input.prediction.patternId} is not a pattern this improvement addresses`,
        {
          'prediction.patternId': `not addressed by this improvement (addressed: ${patternIds.join(', ') || 'none'})`,
        },
      );
    const before = await presentImprovementById(tx.db, improvementId);
    await tx.db
      .updateTable('improvements')
      .set({
        status: 'building',
        decision_option_id: input.optionId,
        decision_rationale: input.rationale,
        prediction_pattern_id: input.prediction?.patternId ?? null,
        prediction_change_pct: input.prediction?.expectedChangePct ?? null,
        prediction_within_days: input.prediction?.withinDays ?? null,
        decided_at: tx.now,
        decided_by: actor.userId,
        updated_at: tx.now,
      })
      .where('id', '=', improvementId)
      .execute();
    await tx.record(
      'improvement',
      improvementId,
      'update',
      diff(before, await presentImprovementById(tx.db, improvementId)),
    );
    const open = patternIds.length
      ? await tx.db
          .selectFrom('patterns')
          .select(['id', 'status'])
          .where('id', 'in', patternIds)
          .where('status', 'in', ['emerging', 'confirmed'])
          .execute()
      : [];
    for (const p of open) {
      await tx.db
        .updateTable('patterns')
        .set({ status: 'addressed', updated_at: tx.now })
        .where('id', '=', p.id)
        .execute();
      await tx.record('pattern', p.id, 'update', { status: { before: p.status, after: 'addressed' } });
    }
  });
  return getImprovementDetail(deps, actor, improvementId);
}
