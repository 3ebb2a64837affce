import type { DialectName } from './database.ts';
import type { SearchIndex } from './search-index.ts';
import { PostgresSearchIndex } from './search-postgres.ts';
import { SqliteSearchIndex } from './search-sqlite.ts';

const indexes: Record<DialectName, SearchIndex> = {
  sqlite: new SqliteSearchIndex(),
  postgres: new PostgresSearchIndex(),
};

/** The full-text index of a dialect (stateless: one per dialect serves every store). */
export function searchIndexFor(dialect: DialectName): SearchIndex {
  return indexes[dialect];
}
