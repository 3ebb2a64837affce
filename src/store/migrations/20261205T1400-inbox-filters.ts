import { type Kysely, sql } from 'kysely';

/**
 * Inbox filters served from indexes, and the exchange rates ARR is compared with.
 * - `currency_settings` (one row) names the base currency; `currency_rates` holds, for every other
 *   currency, the value of one unit of it in the base currency. Both are set by admins.
 * - feedback gets copies of what its filters need, kept in step by the application in the same
 *   transaction as the change they follow: `segment` and `arr_band` (from the contact's account,
 *   the band in the base currency) and `has_suggestion` (the pattern engine has a suggestion above
 *   its calibrated threshold for the item; written by the engine when it scores the item).
 * - one index per filter, (filter, status, received_at, id): the inbox always names a status, and
 *   walks the index newest first, so a page costs the same at 1M items as at 1k.
 * Existing rows are backfilled with USD as the base currency and no rates.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('currency_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('base_currency', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text')
    .execute();
  await db
    .insertInto('currency_settings')
    .values({ id: 1, base_currency: 'USD', updated_at: null })
    .execute();
  await db.schema
    .createTable('currency_rates')
    .addColumn('currency', 'text', (c) => c.primaryKey())
    .addColumn('rate', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('feedback').addColumn('segment', 'text').execute();
  await db.schema.alterTable('feedback').addColumn('arr_band', 'text').execute();
  await db.schema
    .alterTable('feedback')
    .addColumn('has_suggestion', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // Bands in USD major units: under 10k, 10k-50k, 50k-250k, 250k-1M, over 1M (src/domain/currency.ts).
  await sql`
    UPDATE feedback SET
      segment = (SELECT a.segment FROM contacts c JOIN accounts a ON a.id = c.account_id
                 WHERE c.id = feedback.contact_id),
      arr_band = (SELECT CASE
                    WHEN a.arr IS NULL OR a.currency <> 'USD' THEN NULL
                    WHEN a.arr < 1000000 THEN 'under_10k'
                    WHEN a.arr < 5000000 THEN '10k_50k'
                    WHEN a.arr < 25000000 THEN '50k_250k'
                    WHEN a.arr < 100000000 THEN '250k_1m'
                    ELSE 'over_1m' END
                  FROM contacts c JOIN accounts a ON a.id = c.account_id
                  WHERE c.id = feedback.contact_id)
    WHERE contact_id IS NOT NULL`.execute(db);

  for (const column of ['channel', 'segment', 'arr_band', 'has_suggestion']) {
    await db.schema
      .createIndex(`feedback_${column}_inbox_idx`)
      .on('feedback')
      .columns([column, 'status', 'received_at', 'id'])
      .execute();
  }
  // A contact's other feedback, newest first, whatever its status.
  await db.schema
    .createIndex('feedback_contact_received_idx')
    .on('feedback')
    .columns(['contact_id', 'received_at', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only: write a new one instead of reverting');
}
