import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';
import {
  docRange,
  type SearchDocument,
  type SearchIndex,
  type SearchTerms,
  type SearchType,
} from './search-index.ts';

/** Rows per statement: documents travel as one JSON parameter, so only memory bounds this. */
const CHUNK = 500;

/** The FTS5 query for the terms: every word quoted (they hold only letters and digits), all required. */
export function fts5Query(terms: SearchTerms): string {
  return terms.words
    .map((word, i) => (terms.prefixLast && i === terms.words.length - 1 ? `"${word}"*` : `"${word}"`))
    .join(' ');
}

/**
 * SQLite FTS5 without a copy of the text (`content=''`, `contentless_delete=1`): the rowid is the
 * document number. Writers are serialised by SQLite, so the next number of a type is its maximum + 1.
 */
export class SqliteSearchIndex implements SearchIndex {
  async upsert(db: Kysely<Database>, documents: SearchDocument[]): Promise<void> {
    const byType = new Map<SearchType, SearchDocument[]>();
    for (const d of documents) byType.set(d.type, [...(byType.get(d.type) ?? []), d]);
    for (const [type, list] of byType) {
      for (let i = 0; i < list.length; i += CHUNK) await this.upsertChunk(db, type, list.slice(i, i + CHUNK));
    }
  }

  private async upsertChunk(db: Kysely<Database>, type: SearchType, list: SearchDocument[]): Promise<void> {
    const existing = new Map(
      (
        await db
          .selectFrom('search_documents')
          .select(['doc', 'item_id'])
          .where('item_type', '=', type)
          .where(
            'item_id',
            'in',
            list.map((d) => d.id),
          )
          .execute()
      ).map((r) => [r.item_id, Number(r.doc)]),
    );
    if (existing.size > 0)
      await sql`DELETE FROM search_fts WHERE rowid IN (${sql.join([...existing.values()])})`.execute(db);
    const fresh = list.filter((d) => !existing.has(d.id));
    if (fresh.length > 0) {
      const { first, last } = docRange(type);
      const max = await db
        .selectFrom('search_documents')
        .select((eb) => eb.fn.max('doc').as('max'))
        .where('doc', '>=', first)
        .where('doc', '<=', last)
        .executeTakeFirst();
      let next = max?.max === null || max?.max === undefined ? first + 1 : Number(max.max) + 1;
      for (const d of fresh) existing.set(d.id, next++);
      await db
        .insertInto('search_documents')
        .values(fresh.map((d) => ({ doc: existing.get(d.id) as number, item_type: type, item_id: d.id })))
        .execute();
    }
    const rows = JSON.stringify(list.map((d) => [existing.get(d.id), d.title, d.body]));
    await sql`INSERT INTO search_fts (rowid, title, body)
      SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(${rows})`.execute(db);
  }

  async remove(db: Kysely<Database>, type: SearchType, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const docs = (
        await db
          .selectFrom('search_documents')
          .select('doc')
          .where('item_type', '=', type)
          .where('item_id', 'in', ids.slice(i, i + CHUNK))
          .execute()
      ).map((r) => Number(r.doc));
      if (docs.length === 0) continue;
      await sql`DELETE FROM search_fts WHERE rowid IN (${sql.join(docs)})`.execute(db);
      await db.deleteFrom('search_documents').where('doc', 'in', docs).execute();
    }
  }

  private matchQuery(type: SearchType, terms: SearchTerms, limit: number) {
    const { first, last } = docRange(type);
    // FTS5 walks its lists in rowid order: newest first and stop at `limit`, whatever the matches.
    return sql<{ item_id: string }>`SELECT d.item_id FROM search_fts
      JOIN search_documents d ON d.doc = search_fts.rowid
      WHERE search_fts MATCH ${fts5Query(terms)} AND search_fts.rowid BETWEEN ${first} AND ${last}
      ORDER BY search_fts.rowid DESC LIMIT ${limit}`;
  }

  async newestMatches(
    db: Kysely<Database>,
    type: SearchType,
    terms: SearchTerms,
    limit: number,
  ): Promise<string[]> {
    if (terms.words.length === 0) return [];
    return (await this.matchQuery(type, terms, limit).execute(db)).rows.map((r) => r.item_id);
  }

  async explainNewestMatches(
    db: Kysely<Database>,
    type: SearchType,
    terms: SearchTerms,
    limit: number,
  ): Promise<string> {
    const query = this.matchQuery(type, terms, limit).compile(db);
    const rows = await db.executeQuery<{ detail: string }>({
      ...query,
      sql: `EXPLAIN QUERY PLAN ${query.sql}`,
    });
    return rows.rows.map((r) => r.detail).join('\n');
  }
}
