import { type Actor, authorize } from '../../domain/authorization.ts';
import type { Principle, ReplacePrinciplesInput } from '../../domain/builder.ts';
import { AppError, conflict } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { PrinciplesTable } from '../../store/schema.ts';
import { type Db, type Deps, inTransaction } from '../context.ts';

function presentPrinciple(row: PrinciplesTable): Principle {
  return { id: row.id, slug: row.slug, name: row.name, description: row.description };
}

/** The principles, in their order (the 14 of the seed until an admin changes them). */
export async function listPrinciples(deps: Deps, actor: Actor | null): Promise<Principle[]> {
  authorize(actor, 'loop:read');
  const rows = await deps.store.db.selectFrom('principles').selectAll().orderBy('position').execute();
  return rows.map(presentPrinciple);
}

/** Finds principles by id or slug; an unknown one is an `invalid` naming the field and the known slugs. */
export async function resolvePrinciples(db: Db, refs: string[], field: string): Promise<PrinciplesTable[]> {
  const all = await db.selectFrom('principles').selectAll().orderBy('position').execute();
  const found: PrinciplesTable[] = [];
  for (const ref of refs) {
    const row = all.find((p) => p.id === ref || p.slug === ref);
    if (!row) {
      const known = all.map((p) => p.slug).join(', ');
      throw new AppError('invalid', `${field}: no principle ${ref} (known: ${known})`, {
        [field]: `no principle ${ref}`,
      });
    }
    if (!found.includes(row)) found.push(row);
  }
  return found;
}

/**
 * Replaces the whole list (admins). A principle keeps its id when the input carries it, or when
 * its slug is unchanged, so kudos and reflections keep pointing at it; dropping one that kudos
 * or reflections still use is a conflict.
 */
export async function replacePrinciples(
  deps: Deps,
  actor: Actor | null,
  input: ReplacePrinciplesInput,
): Promise<Principle[]> {
  authorize(actor, 'settings:manage');
  return inTransaction(deps, actor, async (tx) => {
    const current = await tx.db.selectFrom('principles').selectAll().execute();
    const slugs = input.principles.map((p) => p.slug);
    const dup = slugs.find((s, i) => slugs.indexOf(s) !== i);
    if (dup)
      throw new AppError('invalid', `principles: slug ${dup} appears twice`, {
        principles: `slug ${dup} appears twice`,
      });
    const wanted = input.principles.map((p, position) => {
      const keep =
        p.id !== undefined ? current.find((c) => c.id === p.id) : current.find((c) => c.slug === p.slug);
      if (p.id !== undefined && !keep)
        throw new AppError('invalid', `principles.${position}.id: no principle with id ${p.id}`, {
          [`principles.${position}.id`]: `no principle with id ${p.id}`,
        });
      return {
        id: keep?.id ?? newId(),
        slug: p.slug,
        name: p.name,
        description: p.description ?? keep?.description ?? '',
        position,
      };
    });
    const dropped = current.filter((c) => !wanted.some((w) => w.id === c.id));
    await assertUnused(tx.db, dropped);
    if (dropped.length > 0)
      await tx.db
        .deleteFrom('principles')
        .where(
          'id',
          'in',
          dropped.map((d) => d.id),
        )
        .execute();
    // Move every kept slug aside first, so swapping two slugs does not trip the unique index.
    for (const c of current.filter((c) => !dropped.includes(c)))
      await tx.db
        .updateTable('principles')
        .set({ slug: `~${c.id}` })
        .where('id', '=', c.id)
        .execute();
    for (const w of wanted) {
      if (current.some((c) => c.id === w.id))
        await tx.db.updateTable('principles').set(w).where('id', '=', w.id).execute();
      else await tx.db.insertInto('principles').values(w).execute();
    }
    await tx.record('principles', 'all', 'update', {
      principles: { before: current.map((c) => c.slug), after: wanted.map((w) => w.slug) },
    });
    return wanted.map(presentPrinciple);
  });
}

async function assertUnused(db: Db, dropped: PrinciplesTable[]): Promise<void> {
  if (dropped.length === 0) return;
  const ids = dropped.map((d) => d.id);
  const kudos = await db
    .selectFrom('kudos')
    .select('principle_id')
    .where('principle_id', 'in', ids)
    .execute();
  const used: PrinciplesTable[] = [];
  for (const d of dropped) {
    const reflection = await db
      .selectFrom('reflections')
      .select('id')
      .where('principles_json', 'like', `%"${d.id}"%`)
      .executeTakeFirst();
    if (reflection || kudos.some((k) => k.principle_id === d.id)) used.push(d);
  }
  if (used.length > 0)
    throw conflict(
      `principles still referred to by kudos or reflections: ${used.map((u) => u.slug).join(', ')}`,
      {
        principles: 'keep these, or rename them in place',
      },
    );
}
