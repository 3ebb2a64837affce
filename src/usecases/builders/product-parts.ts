import { AppError, conflict } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import {
  type AlternativeInput,
  type DependencyInput,
  EMPTY_MAP_PARTS,
  type ProductMapParts,
  type SurfaceInput,
  type SurfaceKind,
  type SurfaceStatus,
} from '../../domain/product-map.ts';
import type { Db, Tx } from '../context.ts';

/** The map parts of many products at once (three queries, whatever the number of products). */
export async function loadMapParts(db: Db, productIds: string[]): Promise<Map<string, ProductMapParts>> {
  const map = new Map<string, ProductMapParts>(
    productIds.map((id) => [id, { surfaces: [], dependsOn: [], alternatives: [] }]),
  );
  if (productIds.length === 0) return map;
  const surfaces = await db
    .selectFrom('product_surfaces')
    .selectAll()
    .where('product_id', 'in', productIds)
    .orderBy('product_id')
    .orderBy('position')
    .execute();
  for (const s of surfaces)
    map.get(s.product_id)?.surfaces.push({
      name: s.name,
      kind: s.kind as SurfaceKind,
      specUrl: s.spec_url,
      version: s.version,
      status: s.status as SurfaceStatus,
    });
  const deps = await db
    .selectFrom('product_dependencies as d')
    .innerJoin('product_surfaces as s', 's.id', 'd.surface_id')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .select(['d.product_id', 'p.id as target_id', 'p.slug', 's.name', 'd.position'])
    .where('d.product_id', 'in', productIds)
    .orderBy('d.product_id')
    .orderBy('d.position')
    .execute();
  for (const d of deps)
    map.get(d.product_id)?.dependsOn.push({ productId: d.target_id, productSlug: d.slug, surface: d.name });
  const alternatives = await db
    .selectFrom('product_alternatives as a')
    .leftJoin('products as p', 'p.id', 'a.alternative_product_id')
    .select([
      'a.product_id',
      'a.alternative_product_id',
      'a.name',
      'a.url',
      'a.note',
      'p.name as product_name',
    ])
    .where('a.product_id', 'in', productIds)
    .orderBy('a.product_id')
    .orderBy('a.position')
    .execute();
  for (const a of alternatives)
    map.get(a.product_id)?.alternatives.push({
      productId: a.alternative_product_id,
      name: a.product_name ?? a.name ?? '',
      url: a.url,
      note: a.note,
    });
  return map;
}

export async function loadProductParts(db: Db, productId: string): Promise<ProductMapParts> {
  return (await loadMapParts(db, [productId])).get(productId) ?? EMPTY_MAP_PARTS;
}

const invalid = (field: string, message: string) =>
  new AppError('invalid', `${field}: ${message}`, { [field]: message });

async function resolveProduct(
  db: Db,
  idOrSlug: string,
  field: string,
): Promise<{ id: string; slug: string }> {
  const row = await db
    .selectFrom('products')
    .select(['id', 'slug'])
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .executeTakeFirst();
  if (!row) throw invalid(field, `no product with id or slug ${idOrSlug}`);
  return row;
}

/** Replaces a product's surfaces; removing one that other products depend on is a conflict naming them. */
async function saveSurfaces(tx: Tx, productId: string, surfaces: SurfaceInput[]): Promise<void> {
  const names = surfaces.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw invalid('surfaces', `the surface name ${dup} appears twice`);
  const current = await tx.db
    .selectFrom('product_surfaces')
    .selectAll()
    .where('product_id', '=', productId)
    .execute();
  const removed = current.filter((c) => !names.includes(c.name));
  if (removed.length > 0) {
    const dependants = await tx.db
      .selectFrom('product_dependencies as d')
      .innerJoin('products as p', 'p.id', 'd.product_id')
      .innerJoin('product_surfaces as s', 's.id', 'd.surface_id')
      .select(['p.id', 'p.slug', 's.name'])
      .where(
        'd.surface_id',
        'in',
        removed.map((r) => r.id),
      )
      .where('d.product_id', '!=', productId)
      .orderBy('p.slug')
      .execute();
    if (dependants.length > 0) {
      const list = dependants.map((d) => `${d.slug} (through ${d.name})`).join(', ');
      throw conflict(
        `cannot remove a surface other products depend on: ${list}`,
        { surfaces: `still used by ${list}` },
        {
          dependants: dependants.map((d) => ({ productId: d.id, productSlug: d.slug, surface: d.name })),
        },
      );
    }
    await tx.db
      .deleteFrom('product_surfaces')
      .where(
        'id',
        'in',
        removed.map((r) => r.id),
      )
      .execute();
  }
  for (const [position, s] of surfaces.entries()) {
    const values = {
      kind: s.kind,
      spec_url: s.specUrl ?? null,
      version: s.version ?? null,
      status: s.status ?? 'active',
      position,
    };
    const existing = current.find((c) => c.name === s.name);
    if (existing)
      await tx.db.updateTable('product_surfaces').set(values).where('id', '=', existing.id).execute();
    else
      await tx.db
        .insertInto('product_surfaces')
        .values({ id: newId(), product_id: productId, name: s.name, ...values })
        .execute();
  }
}

async function saveDependencies(tx: Tx, productId: string, deps: DependencyInput[]): Promise<void> {
  const surfaceIds: string[] = [];
  for (const [i, dep] of deps.entries()) {
    const target = await resolveProduct(tx.db, dep.productId, `dependsOn.${i}.productId`);
    if (target.id === productId)
      throw invalid(`dependsOn.${i}.productId`, 'a product does not depend on itself');
    const surfaces = await tx.db
      .selectFrom('product_surfaces')
      .select(['id', 'name'])
      .where('product_id', '=', target.id)
      .orderBy('position')
      .execute();
    const surface = surfaces.find((s) => s.name === dep.surface);
    if (!surface) {
      const known = surfaces.map((s) => s.name).join(', ') || 'none';
      throw invalid(
        `dependsOn.${i}.surface`,
        `product ${target.slug} has no surface named ${dep.surface} (it has: ${known})`,
      );
    }
    if (!surfaceIds.includes(surface.id)) surfaceIds.push(surface.id);
  }
  await tx.db.deleteFrom('product_dependencies').where('product_id', '=', productId).execute();
  if (surfaceIds.length > 0)
    await tx.db
      .insertInto('product_dependencies')
      .values(
        surfaceIds.map((surfaceId, position) => ({ product_id: productId, surface_id: surfaceId, position })),
      )
      .execute();
}

async function saveAlternatives(tx: Tx, productId: string, alternatives: AlternativeInput[]): Promise<void> {
  const rows = [];
  for (const [i, alt] of alternatives.entries()) {
    let alternativeId: string | null = null;
    if (alt.productId !== undefined) {
      alternativeId = (await resolveProduct(tx.db, alt.productId, `alternatives.${i}.productId`)).id;
      if (alternativeId === productId)
        throw invalid(`alternatives.${i}.productId`, 'a product is not an alternative to itself');
    }
    rows.push({
      id: newId(),
      product_id: productId,
      alternative_product_id: alternativeId,
      name: alternativeId ? null : (alt.name ?? null),
      url: alt.url ?? null,
      note: alt.note ?? '',
      position: i,
    });
  }
  await tx.db.deleteFrom('product_alternatives').where('product_id', '=', productId).execute();
  if (rows.length > 0) await tx.db.insertInto('product_alternatives').values(rows).execute();
}

/** Saves whichever of the three lists the input carries (replace semantics), in the caller's transaction. */
export async function saveMapParts(
  tx: Tx,
  productId: string,
  input: { surfaces?: SurfaceInput[]; dependsOn?: DependencyInput[]; alternatives?: AlternativeInput[] },
): Promise<void> {
  if (input.surfaces !== undefined) await saveSurfaces(tx, productId, input.surfaces);
  if (input.dependsOn !== undefined) await saveDependencies(tx, productId, input.dependsOn);
  if (input.alternatives !== undefined) await saveAlternatives(tx, productId, input.alternatives);
}

/**
 * Checks that `surface` names one of the product's surfaces, for patterns and improvements that
 * point at a product and one of its surfaces. Without a product, a surface means nothing: refused.
 */
export async function assertSurfaceOf(
  db: Db,
  productId: string | null | undefined,
  surface: string | null | undefined,
): Promise<void> {
  if (surface === null || surface === undefined) return;
  if (!productId) throw invalid('surface', 'a surface needs a productId');
  const row = await db
    .selectFrom('product_surfaces')
    .select('id')
    .where('product_id', '=', productId)
    .where('name', '=', surface)
    .executeTakeFirst();
  if (!row) throw invalid('surface', `the product has no surface named ${surface}`);
}

/**
 * The `surface` part of a PATCH to a pattern or improvement, checked against the product it ends up
 * with. Moving an item to another product without naming a surface clears the old one.
 */
export async function surfacePatch(
  db: Db,
  before: { product_id: string | null; surface?: string | null },
  input: { productId?: string | null; surface?: string | null },
): Promise<{ surface?: string | null }> {
  const productId = input.productId !== undefined ? input.productId : before.product_id;
  if (input.surface !== undefined) {
    await assertSurfaceOf(db, productId, input.surface);
    return { surface: input.surface };
  }
  if (input.productId !== undefined && input.productId !== before.product_id && before.surface)
    return { surface: null };
  return {};
}
