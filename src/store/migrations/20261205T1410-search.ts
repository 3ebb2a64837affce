import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Full-text search over feedback, patterns, improvements, products, accounts, contacts and users.
 *
 * `search_documents` gives every indexed item a document number `doc`: type code × 2^40 plus a
 * counter that grows with each new document, so one type's documents are one contiguous range and,
 * within it, newer documents have larger numbers. Searches read a type's newest matches first.
 * - SQLite: an FTS5 table without a copy of the text (`content=''`, rowid = doc; the text stays in
 *   its own table), porter stemming, diacritics removed, prefix indexes for 2 and 3 characters.
 * - PostgreSQL: a `tsv` column (english configuration) with a GIN index. Each document also holds
 *   one bucket lexeme, 'b <doc >> 14>', which no text can produce (it contains a space): a query
 *   intersects its words with one bucket of 16,384 documents at a time, newest first, inside the
 *   index, so a common word reads only the rows of the newest buckets instead of every match.
 *   One sequence per type numbers the documents.
 * The index is written by the application in the same transaction as each change (see
 * src/usecases/search-indexer.ts); the text each type contributes is defined there and, as of this
 * migration, below for the backfill.
 */
const TYPES = [
  {
    type: 'feedback',
    code: 1,
    table: 'feedback',
    title: sql`''`,
    body: sql`text`,
    where: sql`moderation IS NULL OR moderation <> 'rejected'`,
  },
  {
    type: 'pattern',
    code: 2,
    table: 'patterns',
    title: sql`title`,
    body: sql`description`,
    where: sql`merged_into_id IS NULL`,
  },
  {
    type: 'improvement',
    code: 3,
    table: 'improvements',
    title: sql`title`,
    body: sql`proposal`,
    where: null,
  },
  {
    type: 'product',
    code: 4,
    table: 'products',
    title: sql`name`,
    body: sql`slug || ' ' || problem`,
    where: null,
  },
  {
    type: 'account',
    code: 5,
    table: 'accounts',
    title: sql`name`,
    body: sql`coalesce(segment, '') || ' ' || coalesce(plan, '')`,
    where: null,
  },
  {
    type: 'contact',
    code: 6,
    table: 'contacts',
    title: sql`coalesce(name, '')`,
    body: sql`replace(replace(coalesce(email, ''), '@', ' '), '.', ' ')`,
    where: null,
  },
  {
    type: 'user',
    code: 7,
    table: 'users',
    title: sql`name`,
    body: sql`replace(replace(email, '@', ' '), '.', ' ')`,
    where: null,
  },
] as const;

const TYPE_SPAN = 2 ** 40;

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) await upSqlite(db);
  else await upPostgres(db);
}

async function upSqlite(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE search_documents (
    doc INTEGER PRIMARY KEY, item_type TEXT NOT NULL, item_id TEXT NOT NULL)`.execute(db);
  await sql`CREATE UNIQUE INDEX search_documents_item_idx ON search_documents (item_type, item_id)`.execute(
    db,
  );
  await sql`CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')`.execute(db);
  for (const t of TYPES) {
    const base = t.code * TYPE_SPAN;
    await sql`INSERT INTO search_documents (doc, item_type, item_id)
      SELECT ${sql.lit(base)} + row_number() OVER (ORDER BY id), ${t.type}, id
      FROM ${sql.table(t.table)} ${t.where ? sql`WHERE ${t.where}` : sql``}`.execute(db);
    await sql`INSERT INTO search_fts (rowid, title, body)
      SELECT d.doc, ${t.title}, ${t.body}
      FROM search_documents d JOIN ${sql.table(t.table)} ON ${sql.table(t.table)}.id = d.item_id
      WHERE d.item_type = ${t.type}`.execute(db);
  }
}

async function upPostgres(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE search_documents (
    doc bigint PRIMARY KEY, item_type text NOT NULL, item_id text NOT NULL, tsv tsvector NOT NULL)`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX search_documents_item_idx ON search_documents (item_type, item_id)`.execute(
    db,
  );
  for (const t of TYPES) {
    const base = t.code * TYPE_SPAN;
    const sequence = sql.table(`search_doc_${t.type}_seq`);
    await sql`CREATE SEQUENCE ${sequence}`.execute(db);
    await sql`INSERT INTO search_documents (doc, item_type, item_id, tsv)
      SELECT doc, ${t.type}, id,
        to_tsvector('english', title || ' ' || body) || array_to_tsvector(ARRAY['b ' || (doc >> 14)])
      FROM (SELECT ${sql.lit(base)} + nextval(${sql.lit(`search_doc_${t.type}_seq`)}) AS doc, id, title, body
            FROM (SELECT id, ${t.title} AS title, ${t.body} AS body FROM ${sql.table(t.table)}
                  ${t.where ? sql`WHERE ${t.where}` : sql``} ORDER BY id) ordered) numbered`.execute(db);
  }
  await sql`CREATE INDEX search_documents_tsv_idx ON search_documents USING gin (tsv)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only: write a new one instead of reverting');
}
