import { type Actor, authorize } from '../domain/authorization.ts';
import type { CreateDeployInput, Deploy, DeployListQuery, UpdateDeployInput } from '../domain/deploy.ts';
import { AppError, conflict, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { IMPROVEMENT_TRANSITIONS, type ImprovementStatus } from '../domain/lifecycles.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../store/pagination.ts';
import type { DeploysTable } from '../store/schema.ts';
import { type Db, type Deps, diff, inTransaction, isUniqueViolation } from './context.ts';
import { enqueueDeployNotifications } from './loop/notifications.ts';
import { assertProductExists } from './products.ts';

export function presentDeploy(row: DeploysTable, improvementIds: string[]): Deploy {
  return {
    id: row.id,
    productId: row.product_id,
    version: row.version,
    deployedAt: row.deployed_at,
    notes: row.notes,
    improvementIds,
    createdAt: row.created_at,
  };
}

async function improvementIdsFor(db: Db, deployIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(deployIds.map((id) => [id, []]));
  if (deployIds.length === 0) return map;
  const rows = await db
    .selectFrom('deploy_improvements')
    .selectAll()
    .where('deploy_id', 'in', deployIds)
    .orderBy('improvement_id')
    .execute();
  for (const r of rows) map.get(r.deploy_id)?.push(r.improvement_id);
  return map;
}

async function findDeployRow(db: Db, id: string): Promise<DeploysTable> {
  const row = await db.selectFrom('deploys').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('deploy', id);
  return row;
}

const versionTaken = (version: string) =>
  conflict(`version ${version} of this product was deployed already`, { version: 'already deployed' });

/**
 * Records what shipped. The improvements it carried move to `deployed`; one that cannot (it was
 * never decided, or it was abandoned) makes the whole deploy a conflict that names it.
 */
export async function createDeploy(
  deps: Deps,
  actor: Actor | null,
  input: CreateDeployInput,
): Promise<Deploy> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    await assertProductExists(tx.db, input.productId);
    const dup = await tx.db
      .selectFrom('deploys')
      .select('id')
      .where('product_id', '=', input.productId)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (dup) throw versionTaken(input.version);
    const improvementIds = [...new Set(input.improvementIds ?? [])];
    const improvements = improvementIds.length
      ? await tx.db
          .selectFrom('improvements')
          .select(['id', 'status'])
          .where('id', 'in', improvementIds)
          .execute()
      : [];
    const missing = improvementIds.filter((id) => !improvements.some((i) => i.id === id));
    if (missing.length > 0) {
      throw new AppError('invalid', `improvementIds: no improvement with id ${missing[0]}`, {
        improvementIds: `no improvement with id ${missing[0]}`,
      });
    }
    const stuck = improvements.filter(
      (i) =>
        i.status !== 'deployed' &&
        !IMPROVEMENT_TRANSITIONS[i.status as ImprovementStatus].includes('deployed'),
    );
    if (stuck.length > 0) {
      const list = stuck.map((i) => `${i.id} (${i.status})`).join(', ');
      throw conflict(
        `only improvements that are building can ship; not: ${list}`,
        { improvementIds: 'not ready to deploy' },
        { improvements: stuck },
      );
    }
    const row: DeploysTable = {
      id: newId(),
      product_id: input.productId,
      version: input.version,
      deployed_at: input.deployedAt ? new Date(input.deployedAt).toISOString() : tx.now,
      notes: input.notes ?? '',
      created_by: tx.actor.userId,
      created_at: tx.now,
    };
    try {
      await tx.db.insertInto('deploys').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw versionTaken(input.version);
      throw error;
    }
    if (improvementIds.length > 0) {
      await tx.db
        .insertInto('deploy_improvements')
        .values(improvementIds.map((improvementId) => ({ deploy_id: row.id, improvement_id: improvementId })))
        .execute();
      for (const imp of improvements.filter((i) => i.status !== 'deployed')) {
        await tx.db
          .updateTable('improvements')
          .set({ status: 'deployed', updated_at: tx.now })
          .where('id', '=', imp.id)
          .execute();
        await tx.record('improvement', imp.id, 'update', {
          status: { before: imp.status, after: 'deployed' },
        });
      }
    }
    // Close the loop in the same transaction: the people who asked are queued to hear it shipped.
    await enqueueDeployNotifications(tx, deps.loop.settings, row.id);
    const deploy = presentDeploy(row, improvementIds.sort());
    await tx.record('deploy', row.id, 'create', diff(null, deploy));
    return deploy;
  });
}

export async function getDeploy(deps: Deps, actor: Actor | null, id: string): Promise<Deploy> {
  authorize(actor, 'loop:read');
  const row = await findDeployRow(deps.store.db, id);
  return presentDeploy(row, (await improvementIdsFor(deps.store.db, [id])).get(id) ?? []);
}

export async function listDeploys(
  deps: Deps,
  actor: Actor | null,
  query: DeployListQuery,
): Promise<Page<Deploy>> {
  authorize(actor, 'loop:read');
  const db = deps.store.db;
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = db
    .selectFrom('deploys')
    .selectAll()
    .orderBy('deployed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('deployed_at', '<', after.key),
        eb.and([eb('deployed_at', '=', after.key), eb('id', '<', after.id)]),
      ]),
    );
  if (query.productId) q = q.where('product_id', '=', query.productId);
  const rows = await q.execute();
  const imps = await improvementIdsFor(
    db,
    rows.map((r) => r.id),
  );
  return toPage(
    rows,
    limit,
    (r) => ({ key: r.deployed_at, id: r.id }),
    (r) => presentDeploy(r, imps.get(r.id) ?? []),
  );
}

export async function updateDeploy(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: UpdateDeployInput,
): Promise<Deploy> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const before = await findDeployRow(tx.db, id);
    const imps = (await improvementIdsFor(tx.db, [id])).get(id) ?? [];
    const patch: Partial<DeploysTable> = {};
    if (input.notes !== undefined) patch.notes = input.notes;
    if (input.deployedAt !== undefined) patch.deployed_at = new Date(input.deployedAt).toISOString();
    if (Object.keys(patch).length > 0)
      await tx.db.updateTable('deploys').set(patch).where('id', '=', id).execute();
    const after = presentDeploy({ ...before, ...patch }, imps);
    await tx.record('deploy', id, 'update', diff(presentDeploy(before, imps), after));
    return after;
  });
}

export async function deleteDeploy(deps: Deps, actor: Actor | null, id: string): Promise<void> {
  authorize(actor, 'loop:delete');
  await inTransaction(deps, actor, async (tx) => {
    const before = await findDeployRow(tx.db, id);
    const imps = (await improvementIdsFor(tx.db, [id])).get(id) ?? [];
    await tx.db.deleteFrom('deploys').where('id', '=', id).execute();
    await tx.record('deploy', id, 'delete', diff(presentDeploy(before, imps), null));
  });
}
