import type { Kysely } from 'kysely';

/**
 * Close the loop: a durable outbox (email and signed webhooks) with its delivery log, outbound
 * webhook subscriptions, contacts' unsubscribe tokens, and the latest impact measurements.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbound_webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events_json', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('headers_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_attempt_at', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('webhook_id', 'text', (c) => c.references('outbound_webhooks.id').onDelete('cascade'))
    .addColumn('deploy_id', 'text', (c) => c.references('deploys.id').onDelete('set null'))
    .addColumn('first_feedback_at', 'text')
    .execute();
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema
    .createIndex('outbox_webhook_idx')
    .on('outbox')
    .columns(['webhook_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('outbox_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('outbox_id', 'text', (c) => c.notNull().references('outbox.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('outbox_attempts_outbox_idx')
    .on('outbox_attempts')
    .column('outbox_id')
    .execute();

  await db.schema
    .createTable('contact_subscriptions')
    .addColumn('contact_id', 'text', (c) => c.primaryKey().references('contacts.id').onDelete('cascade'))
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('unsubscribed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('impact_measurements')
    .addColumn('improvement_id', 'text', (c) => c.notNull().references('improvements.id').onDelete('cascade'))
    .addColumn('pattern_id', 'text', (c) => c.notNull().references('patterns.id').onDelete('cascade'))
    .addColumn('deploy_id', 'text', (c) => c.notNull().references('deploys.id').onDelete('cascade'))
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('result_json', 'text', (c) => c.notNull())
    .addColumn('fixed_at', 'text')
    .addColumn('recurring_at', 'text')
    .addPrimaryKeyConstraint('impact_measurements_pk', ['improvement_id', 'pattern_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only: write a new one instead of reverting');
}
