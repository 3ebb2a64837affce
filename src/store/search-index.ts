import type { Kysely } from 'kysely';
import { SEARCH_TYPES, type SearchTerms, type SearchType } from '../domain/search.ts';
import type { Database } from './schema.ts';

export { SEARCH_TYPES, type SearchTerms, type SearchType };

/**
 * Full-text search behind one interface: SQLite FTS5 and PostgreSQL tsvector + GIN (see
 * migrations/20261205T1410-search.ts for the layout). The index finds which items match; ranking,
 * snippets and visibility are the use-case's (src/usecases/search.ts), so both databases rank alike.
 */

/** The code of each kind of item: it places the kind's documents in their own range. */
const TYPE_CODES: Record<SearchType, number> = {
  feedback: 1,
  pattern: 2,
  improvement: 3,
  product: 4,
  account: 5,
  contact: 6,
  user: 7,
};
const TYPE_SPAN = 2 ** 40;

/** First and last document number of a type's range. */
export function docRange(type: SearchType): { first: number; last: number } {
  const first = TYPE_CODES[type] * TYPE_SPAN;
  return { first, last: first + TYPE_SPAN - 1 };
}

/** What one item contributes to the index: a title and a body (both plain text). */
export interface SearchDocument {
  type: SearchType;
  id: string;
  title: string;
  body: string;
}

/** The store's side of search. Writes take the caller's transaction; nothing here commits. */
export interface SearchIndex {
  /** Adds or replaces these items' documents (an item keeps its document number when replaced). */
  upsert(db: Kysely<Database>, documents: SearchDocument[]): Promise<void>;
  /** Removes these items' documents, if any. */
  remove(db: Kysely<Database>, type: SearchType, ids: string[]): Promise<void>;
  /**
   * Ids of up to `limit` items of `type` matching every word, most recently indexed first. The cost
   * grows with `limit`, not with how many items match.
   */
  newestMatches(db: Kysely<Database>, type: SearchType, terms: SearchTerms, limit: number): Promise<string[]>;
  /** The database's plan for `newestMatches`, as text (the plan tests read it). */
  explainNewestMatches(
    db: Kysely<Database>,
    type: SearchType,
    terms: SearchTerms,
    limit: number,
  ): Promise<string>;
}

/** Document numbers per bucket on PostgreSQL (2^14): see the search migration. */
export const BUCKET_SIZE = 16_384;
