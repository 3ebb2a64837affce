/** Tables of the product map and the builders' growth: surfaces, dependencies, alternatives, levels. */

/** A named way another product combines with this one (an API, a CLI, a library, a UI, events). */
export interface ProductSurfacesTable {
  id: string;
  product_id: string;
  name: string;
  kind: string;
  spec_url: string | null;
  version: string | null;
  status: string;
  position: number;
}

/** `product_id` depends on the product that owns `surface_id`, through that surface. */
export interface ProductDependenciesTable {
  product_id: string;
  surface_id: string;
  position: number;
}

/** Something that addresses the same problem: another product here, or an external one (name + url). */
export interface ProductAlternativesTable {
  id: string;
  product_id: string;
  alternative_product_id: string | null;
  name: string | null;
  url: string | null;
  note: string;
  position: number;
}

export interface LevelsTable {
  id: string;
  name: string;
  rank: number;
  description: string;
}

/** One criterion of a level: a metric of the closed set (src/domain/level-rubric.ts) and its minimum. */
export interface LevelCriteriaTable {
  level_id: string;
  metric: string;
  min: number;
  position: number;
}

export interface BuilderTables {
  product_surfaces: ProductSurfacesTable;
  product_dependencies: ProductDependenciesTable;
  product_alternatives: ProductAlternativesTable;
  levels: LevelsTable;
  level_criteria: LevelCriteriaTable;
}
