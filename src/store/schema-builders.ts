/** Tables of the product map and the builders' growth: surfaces, dependencies, alternatives, levels. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the products-and-builders work
export interface BuilderTables {}
