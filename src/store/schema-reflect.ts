/** Tables of the pattern engine (Reflect): stored vectors, suggestions, discovery runs. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the Reflect work
export interface ReflectTables {}
