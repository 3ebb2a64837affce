import { type Actor, authorize } from '../../domain/authorization.ts';
import type {
  CreateReflectionInput,
  LoopStep,
  Reflection,
  ReflectionListQuery,
  UpdateReflectionInput,
  Visibility,
  WorkItemLinkInput,
} from '../../domain/builder.ts';
import { forbidden, notFound } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { renderMarkdown } from '../../domain/markdown.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../../store/pagination.ts';
import type { PrinciplesTable, ReflectionsTable } from '../../store/schema.ts';
import { type Db, type Deps, inTransaction } from '../context.ts';
import { resolvePrinciples } from './principles.ts';
import { assertWorkItemsExist, presentLink } from './work-items.ts';

function presentReflection(row: ReflectionsTable, principles: Map<string, PrinciplesTable>): Reflection {
  const ids = JSON.parse(row.principles_json) as string[];
  return {
    id: row.id,
    authorId: row.author_id,
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    step: row.step as LoopStep,
    principles: ids.flatMap((id) => {
      const p = principles.get(id);
      return p ? [{ id: p.id, slug: p.slug, name: p.name }] : [];
    }),
    links: (JSON.parse(row.links_json) as WorkItemLinkInput[]).map(presentLink),
    visibility: row.visibility as Visibility,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function principleMap(db: Db): Promise<Map<string, PrinciplesTable>> {
  const rows = await db.selectFrom('principles').selectAll().execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Only its author sees a private reflection — admins included: a journal is personal. */
function visibleTo(row: ReflectionsTable, actor: Actor): boolean {
  return row.visibility === 'team' || row.author_id === actor.userId;
}

/** A reflection the actor may see; one they may not is reported as not existing. */
async function findVisible(db: Db, actor: Actor, id: string): Promise<ReflectionsTable> {
  const row = await db.selectFrom('reflections').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !visibleTo(row, actor)) throw notFound('reflection', id);
  return row;
}

/** Journal entries need a person behind them: the CLI acts as one with `--as EMAIL`. */
function authorOf(actor: Actor): string {
  if (!actor.userId) throw forbidden('reflections belong to a person: act as a user (CLI: --as EMAIL)');
  return actor.userId;
}

export async function createReflection(
  deps: Deps,
  actor: Actor | null,
  input: CreateReflectionInput,
): Promise<Reflection> {
  authorize(actor, 'loop:write');
  const authorId = authorOf(actor);
  return inTransaction(deps, actor, async (tx) => {
    const principles = await resolvePrinciples(tx.db, input.principles ?? [], 'principles');
    const links = input.links ?? [];
    await assertWorkItemsExist(tx.db, links, 'links');
    const row: ReflectionsTable = {
      id: newId(),
      author_id: authorId,
      body: input.body,
      step: input.step,
      principles_json: JSON.stringify(principles.map((p) => p.id)),
      links_json: JSON.stringify(links.map((l) => ({ type: l.type, id: l.id }))),
      visibility: input.visibility ?? 'private',
      created_at: tx.now,
      updated_at: tx.now,
    };
    await tx.db.insertInto('reflections').values(row).execute();
    // The history keeps that an entry exists, never what a private one says.
    await tx.record('reflection', row.id, 'create', {
      step: { before: null, after: row.step },
      visibility: { before: null, after: row.visibility },
    });
    return presentReflection(row, await principleMap(tx.db));
  });
}

export async function getReflection(deps: Deps, actor: Actor | null, id: string): Promise<Reflection> {
  authorize(actor, 'loop:read');
  const row = await findVisible(deps.store.db, actor, id);
  return presentReflection(row, await principleMap(deps.store.db));
}

/** Team reflections plus the caller's own private ones, newest first. */
export async function listReflections(
  deps: Deps,
  actor: Actor | null,
  query: ReflectionListQuery,
): Promise<Page<Reflection>> {
  authorize(actor, 'loop:read');
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = deps.store.db
    .selectFrom('reflections')
    .selectAll()
    .where((eb) => eb.or([eb('visibility', '=', 'team'), eb('author_id', '=', actor.userId ?? '')]))
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after.id);
  if (query.authorId) q = q.where('author_id', '=', query.authorId);
  if (query.step) q = q.where('step', '=', query.step);
  const rows = await q.execute();
  const principles = await principleMap(deps.store.db);
  return toPage(
    rows,
    limit,
    (r) => ({ key: r.id, id: r.id }),
    (r) => presentReflection(r, principles),
  );
}

async function findOwn(db: Db, actor: Actor, id: string): Promise<ReflectionsTable> {
  const row = await findVisible(db, actor, id);
  if (row.author_id !== actor.userId) throw forbidden('only its author can change a reflection');
  return row;
}

export async function updateReflection(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: UpdateReflectionInput,
): Promise<Reflection> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const before = await findOwn(tx.db, actor, id);
    const patch: Partial<ReflectionsTable> = { updated_at: tx.now };
    if (input.body !== undefined) patch.body = input.body;
    if (input.step !== undefined) patch.step = input.step;
    if (input.visibility !== undefined) patch.visibility = input.visibility;
    if (input.principles !== undefined)
      patch.principles_json = JSON.stringify(
        (await resolvePrinciples(tx.db, input.principles, 'principles')).map((p) => p.id),
      );
    if (input.links !== undefined) {
      await assertWorkItemsExist(tx.db, input.links, 'links');
      patch.links_json = JSON.stringify(input.links.map((l) => ({ type: l.type, id: l.id })));
    }
    await tx.db.updateTable('reflections').set(patch).where('id', '=', id).execute();
    const after = { ...before, ...patch };
    await tx.record('reflection', id, 'update', {
      step: { before: before.step, after: after.step },
      visibility: { before: before.visibility, after: after.visibility },
    });
    return presentReflection(after, await principleMap(tx.db));
  });
}

export async function deleteReflection(deps: Deps, actor: Actor | null, id: string): Promise<void> {
  authorize(actor, 'loop:write');
  await inTransaction(deps, actor, async (tx) => {
    const row = await findOwn(tx.db, actor, id);
    await tx.db.deleteFrom('reflections').where('id', '=', id).execute();
    // Its visibility, so live updates tell only those who could see it (never the body).
    await tx.record('reflection', id, 'delete', { visibility: { before: row.visibility, after: null } });
  });
}
