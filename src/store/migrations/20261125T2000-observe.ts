import { type Kysely, sql } from 'kysely';

/**
 * Observe channels: a product's public portal switch and GitHub repository, a moderation state on
 * feedback (null for items that need none; portal items start 'pending'), and the signed inbound
 * webhook sources. SQLite adds one column per ALTER TABLE, hence one statement per column.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('products')
    .addColumn('portal_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // "owner/name", lowercased: GitHub repository names are case-insensitive.
  await db.schema.alterTable('products').addColumn('repository', 'text').execute();
  await db.schema
    .createIndex('products_repository_unique')
    .on('products')
    .column('repository')
    .unique()
    .execute();

  await db.schema.alterTable('feedback').addColumn('moderation', 'text').execute();
  // Partial: only portal items are moderated, so the index costs ordinary inserts nothing.
  await db.schema
    .createIndex('feedback_moderation_idx')
    .on('feedback')
    .columns(['moderation', 'received_at'])
    .where(sql.ref('moderation'), 'is not', null)
    .execute();

  await db.schema
    .createTable('inbound_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // Kept as given: verifying an HMAC needs the secret itself, not a hash of it.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('mapping_json', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.references('products.id').onDelete('set null'))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Hits against rate limits kept in the database, so every app process sharing it counts the same.
  await db.schema
    .createTable('rate_limit_hits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rate_limit_hits_key_idx')
    .on('rate_limit_hits')
    .columns(['scope', 'key', 'at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only: write a new one instead of reverting');
}
