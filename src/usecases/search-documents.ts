import type { SearchDocument, SearchType } from '../store/search-index.ts';
import type { Db } from './context.ts';

/**
 * What each kind of item puts in the search index, and what a search result shows of it. The
 * index's backfill (migrations/20261205T1410-search.ts) builds the same title and body in SQL.
 */
export interface SearchSource {
  id: string;
  title: string;
  body: string;
  /** Shown beside a result: the item's status (feedback, patterns, improvements, products) or role. */
  status: string | null;
  productId: string | null;
  /** When the item was received (feedback) or last changed (everything else). */
  at: string;
  /** False for items kept out of search: rejected portal spam, patterns merged into another. */
  indexed: boolean;
}

/** "ana@acme.test" → "ana acme test": PostgreSQL's parser keeps an address as one word. */
const spacedEmail = (email: string) => email.replace(/[@.]/g, ' ');

const CHUNK = 500;

async function loadChunked<T>(ids: string[], load: (part: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await load(ids.slice(i, i + CHUNK))));
  return out;
}

/** Loads the searchable text of items of one type; items that no longer exist are absent. */
export async function loadSearchSources(db: Db, type: SearchType, ids: string[]): Promise<SearchSource[]> {
  if (ids.length === 0) return [];
  return loadChunked(ids, async (part): Promise<SearchSource[]> => {
    switch (type) {
      case 'feedback':
        return (
          await db
            .selectFrom('feedback')
            .select(['id', 'text', 'status', 'product_id', 'received_at', 'moderation'])
            .where('id', 'in', part)
            .execute()
        ).map((r) => ({
          id: r.id,
          title: '',
          body: r.text,
          status: r.status,
          productId: r.product_id,
          at: r.received_at,
          indexed: r.moderation !== 'rejected',
        }));
      case 'pattern':
        return (
          await db
            .selectFrom('patterns')
            .select(['id', 'title', 'description', 'status', 'product_id', 'updated_at', 'merged_into_id'])
            .where('id', 'in', part)
            .execute()
        ).map((r) => ({
          id: r.id,
          title: r.title,
          body: r.description,
          status: r.status,
          productId: r.product_id,
          at: r.updated_at,
          indexed: r.merged_into_id === null,
        }));
      case 'improvement':
        return (
          await db
            .selectFrom('improvements')
            .select(['id', 'title', 'proposal', 'status', 'product_id', 'updated_at'])
            .where('id', 'in', part)
            .execute()
        ).map((r) => ({
          id: r.id,
          title: r.title,
          body: r.proposal,
          status: r.status,
          productId: r.product_id,
          at: r.updated_at,
          indexed: true,
        }));
      case 'product':
        return (
          await db
            .selectFrom('products')
            .select(['id', 'name', 'slug', 'problem', 'status', 'updated_at'])
            .where('id', 'in', part)
            .execute()
        ).map((r) => ({
          id: r.id,
          title: r.name,
          body: `${r.slug} ${r.problem}`,
          status: r.status,
          productId: r.id,
          at: r.updated_at,
          indexed: true,
        }));
      case 'account':
        return (
          await db
            .selectFrom('accounts')
            .select(['id', 'name', 'segment', 'plan', 'updated_at'])
            .where('id', 'in', part)
            .execute()
        ).map((r) => ({
          id: r.id,
          title: r.name,
          body: `${r.segment ?? ''} ${r.plan ?? ''}`,
          status: null,
          productId: null,
          at: r.updated_at,
          indexed: true,
        }));
      case 'contact':
        return (
          await db
            .selectFrom('contacts')
            .select(['id', 'name', 'email', 'updated_at'])
            .where('id', 'in', part)
            .execute()
        ).map((r) => ({
          id: r.id,
          title: r.name ?? '',
          body: r.email ?? '',
          status: null,
          productId: null,
          at: r.updated_at,
          indexed: true,
        }));
      case 'user':
        return (
          await db
            .selectFrom('users')
            .select(['id', 'name', 'email', 'role', 'updated_at'])
            .where('id', 'in', part)
            .execute()
        ).map((r) => ({
          id: r.id,
          title: r.name,
          body: r.email,
          status: r.role,
          productId: null,
          at: r.updated_at,
          indexed: true,
        }));
    }
  });
}

/** The document an indexed source contributes (a person's body is their email address). */
export function documentOf(type: SearchType, source: SearchSource): SearchDocument {
  const body = type === 'contact' || type === 'user' ? spacedEmail(source.body) : source.body;
  return { type, id: source.id, title: source.title, body };
}
