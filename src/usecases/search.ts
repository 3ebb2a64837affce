import { type Actor, authorize } from '../domain/authorization.ts';
import { AppError } from '../domain/errors.ts';
import {
  averageLengths,
  highlight,
  parseSearchTerms,
  rankScores,
  SEARCH_TYPES,
  type SearchQuery,
  type SearchResult,
  type SearchTerms,
  type SearchType,
  termMatchers,
  WordForms,
} from '../domain/search.ts';
import type { Page } from '../store/pagination.ts';
import { searchIndexFor } from '../store/search-dialects.ts';
import type { Db, Deps } from './context.ts';
import { loadSearchSources, type SearchSource } from './search-documents.ts';

/**
 * How many of each type's newest matches are ranked. The index reads this many rows at most, so a
 * word found in 300,000 items costs what one found in 200 does; the price is that relevance is
 * judged among a common word's most recent 200 matches (what a triage screen wants anyway).
 */
export const RANK_WINDOW = 200;
const DEFAULT_LIMIT = 20;
/** The title of a result is shown whole up to this length. */
const TITLE_LENGTH = 120;

const offsetCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^o:(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw new AppError('invalid', 'cursor is not one this server issued', { cursor: 'unknown cursor' });
  return Number(match[1]);
}

interface Candidate {
  type: SearchType;
  source: SearchSource;
  /** Position among its type's matches, newest first: breaks ties in favour of the newer. */
  recency: number;
}

/** The newest matches of one type, loaded (items the index still held but that left search are dropped). */
async function candidatesOf(db: Db, dialect: Deps['store']['dialect'], type: SearchType, terms: SearchTerms) {
  const ids = await searchIndexFor(dialect).newestMatches(db, type, terms, RANK_WINDOW);
  const order = new Map(ids.map((id, i) => [id, i]));
  const sources = await loadSearchSources(db, type, ids);
  return sources
    .filter((s) => s.indexed)
    .map((source): Candidate => ({ type, source, recency: order.get(source.id) ?? 0 }));
}

/**
 * Finds feedback, patterns, improvements, products, accounts and people by words, ranked by BM25F
 * over each item's title and body (see domain/search.ts), with highlighted segments instead of
 * markup. Everything a signed-in user may read is searchable by them; reflections are not searched.
 */
export async function search(
  deps: Deps,
  actor: Actor | null,
  query: SearchQuery,
): Promise<Page<SearchResult>> {
  authorize(actor, 'loop:read');
  const terms = parseSearchTerms(query.q);
  const limit = query.limit ?? DEFAULT_LIMIT;
  const offset = offsetOf(query.cursor);
  if (terms.words.length === 0) return { items: [], nextCursor: null };
  const matchers = termMatchers(terms);
  const forms = new WordForms();
  const ranked: Array<Candidate & { score: number }> = [];
  for (const type of query.types ?? SEARCH_TYPES) {
    const candidates = await candidatesOf(deps.store.db, deps.store.dialect, type, terms);
    const inputs = candidates.map((c) => ({ title: c.source.title, body: c.source.body }));
    const scores = rankScores(inputs, matchers, averageLengths(inputs), forms);
    for (const [i, c] of candidates.entries()) ranked.push({ ...c, score: scores[i] });
  }
  ranked.sort(
    (a, b) =>
      b.score - a.score ||
      a.recency - b.recency ||
      SEARCH_TYPES.indexOf(a.type) - SEARCH_TYPES.indexOf(b.type) ||
      (a.source.id < b.source.id ? 1 : -1),
  );
  const page = ranked.slice(offset, offset + limit);
  return {
    items: page.map((c) => ({
      type: c.type,
      id: c.source.id,
      score: c.score,
      title: highlight(c.source.title, matchers, TITLE_LENGTH, forms),
      snippet: highlight(c.source.body, matchers, undefined, forms),
      status: c.source.status,
      productId: c.source.productId,
      at: c.source.at,
    })),
    nextCursor: offset + limit < ranked.length ? offsetCursor(offset + limit) : null,
  };
}
