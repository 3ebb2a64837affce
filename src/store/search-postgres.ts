import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';
import {
  BUCKET_SIZE,
  docRange,
  type SearchDocument,
  type SearchIndex,
  type SearchTerms,
  type SearchType,
} from './search-index.ts';

const CHUNK = 500;

/** The to_tsquery text for the terms: words (letters and digits only) joined by &, the last as a prefix. */
export function tsQueryText(terms: SearchTerms): string {
  return terms.words
    .map((word, i) => (terms.prefixLast && i === terms.words.length - 1 ? `${word}:*` : word))
    .join(' & ');
}

/** The bucket lexeme of a document number, as tsquery text (see the search migration). */
const bucketQuery = (bucket: number) => `'b ${bucket}'`;

/**
 * PostgreSQL: a tsvector per document with a GIN index, numbered from one sequence per type.
 * A GIN index cannot return matches newest first, so `newestMatches` intersects the words with one
 * bucket of documents at a time (a lexeme every document of the bucket holds), newest bucket first,
 * and stops as soon as it has enough: a common word reads the rows of a bucket or two, a rare one
 * probes every bucket in the index alone.
 */
export class PostgresSearchIndex implements SearchIndex {
  async upsert(db: Kysely<Database>, documents: SearchDocument[]): Promise<void> {
    const byType = new Map<SearchType, SearchDocument[]>();
    for (const d of documents) byType.set(d.type, [...(byType.get(d.type) ?? []), d]);
    for (const [type, list] of byType) {
      const { first } = docRange(type);
      const sequence = `search_doc_${type}_seq`;
      for (let i = 0; i < list.length; i += CHUNK) {
        const rows = JSON.stringify(
          list.slice(i, i + CHUNK).map((d) => ({ id: d.id, text: `${d.title} ${d.body}` })),
        );
        // A replaced document keeps its number (and so its bucket); a new one takes the next.
        await sql`INSERT INTO search_documents (doc, item_type, item_id, tsv)
          SELECT n.doc, ${type}, n.id,
            to_tsvector('english', n.text) || array_to_tsvector(ARRAY['b ' || (n.doc >> 14)])
          FROM (SELECT ${sql.lit(first)}::bigint + nextval(${sequence}) AS doc, v.id, v.text
                FROM jsonb_to_recordset(${rows}::jsonb) AS v(id text, text text)) n
          ON CONFLICT (item_type, item_id) DO UPDATE SET tsv =
            ts_delete(EXCLUDED.tsv, ARRAY['b ' || (EXCLUDED.doc >> 14)])
            || array_to_tsvector(ARRAY['b ' || (search_documents.doc >> 14)])`.execute(db);
      }
    }
  }

  async remove(db: Kysely<Database>, type: SearchType, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await db
        .deleteFrom('search_documents')
        .where('item_type', '=', type)
        .where('item_id', 'in', ids.slice(i, i + CHUNK))
        .execute();
    }
  }

  /** Bucket lexemes of a type, newest first; none while it has no documents. */
  private async buckets(db: Kysely<Database>, type: SearchType): Promise<string[]> {
    const { first, last } = docRange(type);
    const row = await db
      .selectFrom('search_documents')
      .select((eb) => eb.fn.max('doc').as('max'))
      .where('doc', '>=', first)
      .where('doc', '<=', last)
      .executeTakeFirst();
    if (row?.max === null || row?.max === undefined) return [];
    const out: string[] = [];
    for (let b = Math.floor(Number(row.max) / BUCKET_SIZE); b >= Math.floor(first / BUCKET_SIZE); b--)
      out.push(bucketQuery(b));
    return out;
  }

  private matchQuery(terms: SearchTerms, buckets: string[], limit: number) {
    // `doc + 0` keeps the planner off the primary key: within a bucket the GIN bitmap is the cheap
    // path. The outer LIMIT stops the walk over buckets once enough rows came back. An empty tsquery
    // (only stop words) would match a whole bucket, hence numnode.
    return sql<{ item_id: string }>`SELECT m.item_id
      FROM to_tsquery('english', ${tsQueryText(terms)}) AS q,
           unnest(${buckets}::text[]) WITH ORDINALITY AS g(lexeme, n),
           LATERAL (SELECT d.item_id FROM search_documents d
                    WHERE d.tsv @@ (q && g.lexeme::tsquery)
                    ORDER BY d.doc + 0 DESC LIMIT ${limit}) m
      WHERE numnode(q) > 0
      LIMIT ${limit}`;
  }

  async newestMatches(
    db: Kysely<Database>,
    type: SearchType,
    terms: SearchTerms,
    limit: number,
  ): Promise<string[]> {
    if (terms.words.length === 0) return [];
    const buckets = await this.buckets(db, type);
    if (buckets.length === 0) return [];
    return (await this.matchQuery(terms, buckets, limit).execute(db)).rows.map((r) => r.item_id);
  }

  async explainNewestMatches(
    db: Kysely<Database>,
    type: SearchType,
    terms: SearchTerms,
    limit: number,
  ): Promise<string> {
    const query = this.matchQuery(terms, await this.buckets(db, type), limit).compile(db);
    const rows = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: `EXPLAIN ${query.sql}` });
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  }
}
