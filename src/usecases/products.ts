import { type Actor, authorize } from '../domain/authorization.ts';
import type { ListQuery } from '../domain/common.ts';
import { slugify } from '../domain/common.ts';
import { conflict, missingReference, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { assertTransition, PRODUCT_TRANSITIONS, type ProductStatus } from '../domain/lifecycles.ts';
import type { CreateProductInput, Product, UpdateProductInput } from '../domain/product.ts';
import { EMPTY_MAP_PARTS, type ProductMapParts } from '../domain/product-map.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../store/pagination.ts';
import type { ProductsTable } from '../store/schema.ts';
import { loadMapParts, loadProductParts, saveMapParts } from './builders/product-parts.ts';
import { type Db, type Deps, diff, inTransaction, isUniqueViolation, toCount } from './context.ts';

export function presentProduct(row: ProductsTable, parts: ProductMapParts = EMPTY_MAP_PARTS): Product {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    problem: row.problem,
    users: JSON.parse(row.users_json),
    boundary: { in: JSON.parse(row.boundary_in_json), out: JSON.parse(row.boundary_out_json) },
    status: row.status as ProductStatus,
    repository: row.repository,
    portalEnabled: row.portal_enabled === 1,
    ...parts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Finds a product by id or slug. */
export async function findProductRow(db: Db, idOrSlug: string): Promise<ProductsTable> {
  const row = await db
    .selectFrom('products')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .executeTakeFirst();
  if (!row) throw notFound('product', idOrSlug);
  return row;
}

/** Checks that an optional product reference names a product; `field` says which input field it was. */
export async function assertProductExists(
  db: Db,
  id: string | null | undefined,
  field = 'productId',
): Promise<void> {
  if (id === null || id === undefined) return;
  const row = await db.selectFrom('products').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw missingReference(field, 'product', id);
}

const slugTaken = (slug: string) => conflict(`a product with slug ${slug} exists`, { slug: 'already taken' });

/** One repository maps to one product, so a GitHub event never has to guess. */
async function assertRepositoryFree(db: Db, repository: string | null, productId: string): Promise<void> {
  if (!repository) return;
  const other = await db
    .selectFrom('products')
    .select('slug')
    .where('repository', '=', repository)
    .where('id', '!=', productId)
    .executeTakeFirst();
  if (other)
    throw conflict(`repository ${repository} is mapped to product ${other.slug}`, {
      repository: 'already mapped to another product',
    });
}

export async function createProduct(
  deps: Deps,
  actor: Actor | null,
  input: CreateProductInput,
): Promise<Product> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const row: ProductsTable = {
      id: newId(),
      slug: input.slug ?? slugify(input.name),
      name: input.name,
      problem: input.problem,
      users_json: JSON.stringify(input.users ?? []),
      boundary_in_json: JSON.stringify(input.boundary?.in ?? []),
      boundary_out_json: JSON.stringify(input.boundary?.out ?? []),
      status: 'active',
      created_at: tx.now,
      updated_at: tx.now,
      portal_enabled: input.portalEnabled ? 1 : 0,
      repository: input.repository ? input.repository.toLowerCase() : null,
    };
    await assertRepositoryFree(tx.db, row.repository, row.id);
    try {
      await tx.db.insertInto('products').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw slugTaken(row.slug);
      throw error;
    }
    await saveMapParts(tx, row.id, input);
    const product = presentProduct(row, await loadProductParts(tx.db, row.id));
    await tx.record('product', row.id, 'create', diff(null, product));
    return product;
  });
}

export async function getProduct(deps: Deps, actor: Actor | null, idOrSlug: string): Promise<Product> {
  authorize(actor, 'loop:read');
  const row = await findProductRow(deps.store.db, idOrSlug);
  return presentProduct(row, await loadProductParts(deps.store.db, row.id));
}

export async function listProducts(
  deps: Deps,
  actor: Actor | null,
  query: ListQuery & { status?: ProductStatus },
): Promise<Page<Product>> {
  authorize(actor, 'loop:read');
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = deps.store.db
    .selectFrom('products')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after.id);
  if (query.status) q = q.where('status', '=', query.status);
  const rows = await q.execute();
  const parts = await loadMapParts(
    deps.store.db,
    rows.slice(0, limit).map((r) => r.id),
  );
  return toPage(
    rows,
    limit,
    (r) => ({ key: r.id, id: r.id }),
    (r) => presentProduct(r, parts.get(r.id)),
  );
}

export async function updateProduct(
  deps: Deps,
  actor: Actor | null,
  idOrSlug: string,
  input: UpdateProductInput,
): Promise<Product> {
  authorize(actor, 'loop:write');
  return inTransaction(deps, actor, async (tx) => {
    const before = await findProductRow(tx.db, idOrSlug);
    const partsBefore = await loadProductParts(tx.db, before.id);
    if (input.status)
      assertTransition('product', PRODUCT_TRANSITIONS, before.status as ProductStatus, input.status);
    const patch: Partial<ProductsTable> = { updated_at: tx.now };
    if (input.name !== undefined) patch.name = input.name;
    if (input.slug !== undefined) patch.slug = input.slug;
    if (input.problem !== undefined) patch.problem = input.problem;
    if (input.users !== undefined) patch.users_json = JSON.stringify(input.users);
    if (input.boundary !== undefined) {
      patch.boundary_in_json = JSON.stringify(input.boundary.in);
      patch.boundary_out_json = JSON.stringify(input.boundary.out);
    }
    if (input.status !== undefined) patch.status = input.status;
    if (input.portalEnabled !== undefined) patch.portal_enabled = input.portalEnabled ? 1 : 0;
    if (input.repository !== undefined) {
      patch.repository = input.repository ? input.repository.toLowerCase() : null;
      await assertRepositoryFree(tx.db, patch.repository, before.id);
    }
    try {
      await tx.db.updateTable('products').set(patch).where('id', '=', before.id).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw slugTaken(input.slug ?? '');
      throw error;
    }
    await saveMapParts(tx, before.id, input);
    const after = presentProduct({ ...before, ...patch }, await loadProductParts(tx.db, before.id));
    await tx.record('product', before.id, 'update', diff(presentProduct(before, partsBefore), after));
    return after;
  });
}

/**
 * Deletes a product that nothing refers to yet. A product with feedback, patterns, improvements or
 * deploys is history worth keeping: retire it instead (status: retired).
 */
export async function deleteProduct(deps: Deps, actor: Actor | null, idOrSlug: string): Promise<void> {
  authorize(actor, 'loop:delete');
  await inTransaction(deps, actor, async (tx) => {
    const row = await findProductRow(tx.db, idOrSlug);
    const uses: Record<string, number> = {};
    const dependants = await tx.db
      .selectFrom('product_dependencies as d')
      .innerJoin('product_surfaces as s', 's.id', 'd.surface_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('s.product_id', '=', row.id)
      .where('d.product_id', '!=', row.id)
      .executeTakeFirst();
    if (toCount(dependants?.n) > 0) uses.dependants = toCount(dependants?.n);
    for (const table of ['feedback', 'patterns', 'improvements', 'deploys'] as const) {
      const r = await tx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('product_id', '=', row.id)
        .executeTakeFirst();
      const n = toCount(r?.n);
      if (n > 0) uses[table] = n;
    }
    if (Object.keys(uses).length > 0) {
      const list = Object.entries(uses)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ');
      throw conflict(
        `product ${row.slug} is referenced by ${list}; retire it instead (PATCH status: retired)`,
        undefined,
        { references: uses },
      );
    }
    await tx.db.deleteFrom('products').where('id', '=', row.id).execute();
    await tx.record('product', row.id, 'delete', diff(presentProduct(row), null));
  });
}
