import { type Actor, authorize } from '../../domain/authorization.ts';
import type { CreateKudosInput, Kudos, KudosListQuery, WorkItemLinkInput } from '../../domain/builder.ts';
import { AppError, forbidden, missingReference, notFound } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../../store/pagination.ts';
import type { KudosTable, PrinciplesTable } from '../../store/schema.ts';
import { type Deps, inTransaction } from '../context.ts';
import { resolvePrinciples } from './principles.ts';
import { assertWorkItemsExist, presentLink } from './work-items.ts';

function presentKudos(row: KudosTable, principle: PrinciplesTable | undefined): Kudos {
  return {
    id: row.id,
    fromUserId: row.from_id,
    toUserId: row.to_id,
    principle: { id: row.principle_id, slug: principle?.slug ?? '', name: principle?.name ?? '' },
    body: row.body,
    link: row.link ? presentLink(JSON.parse(row.link) as WorkItemLinkInput) : null,
    createdAt: row.created_at,
  };
}

/** One builder recognises another for a principle, optionally for one work item. Never oneself. */
export async function giveKudos(deps: Deps, actor: Actor | null, input: CreateKudosInput): Promise<Kudos> {
  authorize(actor, 'loop:write');
  if (!actor.userId) throw forbidden('kudos come from a person: act as a user (CLI: --as EMAIL)');
  if (input.toUserId === actor.userId)
    throw new AppError('invalid', 'toUserId: kudos are for someone else — recognise a colleague', {
      toUserId: 'you cannot give kudos to yourself',
    });
  const fromId = actor.userId;
  return inTransaction(deps, actor, async (tx) => {
    const to = await tx.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', input.toUserId)
      .executeTakeFirst();
    if (!to) throw missingReference('toUserId', 'user', input.toUserId);
    const [principle] = await resolvePrinciples(tx.db, [input.principle], 'principle');
    if (input.link) await assertWorkItemsExist(tx.db, [input.link], 'link');
    const row: KudosTable = {
      id: newId(),
      from_id: fromId,
      to_id: input.toUserId,
      principle_id: principle.id,
      body: input.body,
      link: input.link ? JSON.stringify({ type: input.link.type, id: input.link.id }) : null,
      created_at: tx.now,
    };
    await tx.db.insertInto('kudos').values(row).execute();
    await tx.record('kudos', row.id, 'create', {
      toUserId: { before: null, after: row.to_id },
      principle: { before: null, after: principle.slug },
    });
    return presentKudos(row, principle);
  });
}

/** Kudos, newest first, optionally to or from one person. Kudos are public within the company. */
export async function listKudos(
  deps: Deps,
  actor: Actor | null,
  query: KudosListQuery,
): Promise<Page<Kudos>> {
  authorize(actor, 'loop:read');
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = deps.store.db
    .selectFrom('kudos')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after.id);
  if (query.toUserId) q = q.where('to_id', '=', query.toUserId);
  if (query.fromUserId) q = q.where('from_id', '=', query.fromUserId);
  const rows = await q.execute();
  const principles = new Map(
    (await deps.store.db.selectFrom('principles').selectAll().execute()).map((p) => [p.id, p]),
  );
  return toPage(
    rows,
    limit,
    (r) => ({ key: r.id, id: r.id }),
    (r) => presentKudos(r, principles.get(r.principle_id)),
  );
}

/** One kudos (the URL evidence links point at). */
export async function getKudos(deps: Deps, actor: Actor | null, id: string): Promise<Kudos> {
  authorize(actor, 'loop:read');
  const row = await deps.store.db.selectFrom('kudos').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('kudos', id);
  const principle = await deps.store.db
    .selectFrom('principles')
    .selectAll()
    .where('id', '=', row.principle_id)
    .executeTakeFirst();
  return presentKudos(row, principle);
}
