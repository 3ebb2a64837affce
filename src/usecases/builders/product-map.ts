import { sql } from 'kysely';
import { type Actor, authorize } from '../../domain/authorization.ts';
import type { ProductStatus } from '../../domain/lifecycles.ts';
import { findCycles, type Surface } from '../../domain/product-map.ts';
import { type Db, type Deps, toCount } from '../context.ts';
import { loadMapParts } from './product-parts.ts';

/** Money as the API shows it: minor units in one currency. */
export interface Money {
  currency: string;
  amount: number;
}

/** How well one product's loop is doing. */
export interface ProductHealth {
  /** patterns not resolved (and not merged away) */
  openPatterns: number;
  /** the summed ARR of the distinct accounts behind the open patterns' feedback, per currency */
  arrAtStake: Money[];
  deployedImprovements: number;
  verifiedImprovements: number;
  /** verified / (deployed + verified); null before anything shipped */
  verifiedRate: number | null;
}

export interface ProductMap {
  products: Array<{
    id: string;
    slug: string;
    name: string;
    problem: string;
    status: ProductStatus;
    surfaces: Surface[];
    health: ProductHealth;
  }>;
  edges: Array<{ from: string; to: string; surface: string }>;
  alternatives: Array<{
    productId: string;
    alternativeProductId: string | null;
    name: string;
    url: string | null;
    note: string;
  }>;
  cycles: Array<{ productIds: string[]; slugs: string[] }>;
}

const emptyHealth = (): ProductHealth => ({
  openPatterns: 0,
  arrAtStake: [],
  deployedImprovements: 0,
  verifiedImprovements: 0,
  verifiedRate: null,
});

/** Per-product loop health for every product in four grouped queries (the same SQL on both dialects). */
export async function loadProductHealth(db: Db): Promise<Map<string, ProductHealth>> {
  const health = new Map<string, ProductHealth>();
  const of = (id: string) => {
    const h = health.get(id) ?? emptyHealth();
    health.set(id, h);
    return h;
  };
  const open = await db
    .selectFrom('patterns')
    .select((eb) => ['product_id', eb.fn.countAll().as('n')])
    .where('product_id', 'is not', null)
    .where('status', '!=', 'resolved')
    .where('merged_into_id', 'is', null)
    .groupBy('product_id')
    .execute();
  for (const r of open) if (r.product_id) of(r.product_id).openPatterns = toCount(r.n);

  const accounts = db
    .selectFrom('patterns as p')
    .innerJoin('pattern_feedback as pf', 'pf.pattern_id', 'p.id')
    .innerJoin('feedback as f', 'f.id', 'pf.feedback_id')
    .innerJoin('contacts as c', 'c.id', 'f.contact_id')
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .select(['p.product_id', 'a.id as account_id', 'a.arr', 'a.currency'])
    .distinct()
    .where('p.product_id', 'is not', null)
    .where('p.status', '!=', 'resolved')
    .where('p.merged_into_id', 'is', null)
    .where('a.arr', 'is not', null)
    .as('acc');
  const arr = await db
    .selectFrom(accounts)
    .select(['acc.product_id', 'acc.currency', sql<number | string>`sum(acc.arr)`.as('total')])
    .groupBy(['acc.product_id', 'acc.currency'])
    .orderBy('acc.currency')
    .execute();
  for (const r of arr)
    if (r.product_id) of(r.product_id).arrAtStake.push({ currency: r.currency, amount: toCount(r.total) });

  const shipped = await db
    .selectFrom('improvements')
    .select((eb) => ['product_id', 'status', eb.fn.countAll().as('n')])
    .where('product_id', 'is not', null)
    .where('status', 'in', ['deployed', 'verified'])
    .groupBy(['product_id', 'status'])
    .execute();
  for (const r of shipped) {
    if (!r.product_id) continue;
    const h = of(r.product_id);
    if (r.status === 'verified') h.verifiedImprovements = toCount(r.n);
    else h.deployedImprovements = toCount(r.n);
  }
  for (const h of health.values()) {
    const total = h.deployedImprovements + h.verifiedImprovements;
    h.verifiedRate = total === 0 ? null : Math.round((h.verifiedImprovements / total) * 1000) / 1000;
  }
  return health;
}

/**
 * The product map: every product with its surfaces and loop health, the dependency edges (each
 * through a named surface), the alternatives, and the dependency cycles (allowed, but reported).
 */
export async function getProductMap(deps: Deps, actor: Actor | null): Promise<ProductMap> {
  authorize(actor, 'loop:read');
  const db = deps.store.db;
  const rows = await db
    .selectFrom('products')
    .select(['id', 'slug', 'name', 'problem', 'status'])
    .orderBy('slug')
    .execute();
  const parts = await loadMapParts(
    db,
    rows.map((r) => r.id),
  );
  const health = await loadProductHealth(db);
  const edges: ProductMap['edges'] = [];
  for (const [from, p] of parts)
    for (const d of p.dependsOn) edges.push({ from, to: d.productId, surface: d.surface });
  const alternatives = await db
    .selectFrom('product_alternatives')
    .selectAll()
    .orderBy('product_id')
    .orderBy('position')
    .execute();
  const slugOf = new Map(rows.map((r) => [r.id, r.slug]));
  const nameOf = new Map(rows.map((r) => [r.id, r.name]));
  return {
    products: rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      problem: r.problem,
      status: r.status as ProductStatus,
      surfaces: parts.get(r.id)?.surfaces ?? [],
      health: health.get(r.id) ?? emptyHealth(),
    })),
    edges,
    alternatives: alternatives.map((a) => ({
      productId: a.product_id,
      alternativeProductId: a.alternative_product_id,
      name: (a.alternative_product_id ? nameOf.get(a.alternative_product_id) : a.name) ?? '',
      url: a.url,
      note: a.note,
    })),
    cycles: findCycles(edges).map((ids) => ({
      productIds: ids,
      slugs: ids.map((id) => slugOf.get(id) ?? id),
    })),
  };
}
