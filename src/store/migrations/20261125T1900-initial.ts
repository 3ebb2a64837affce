import type { Kysely } from 'kysely';

/**
 * The loop's core tables. Written against Kysely<any> so it stays frozen in time while the
 * application's types move on. Column types are chosen to mean the same on SQLite and PostgreSQL.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ts = 'text';
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('disabled_at', ts)
    .execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('csrf_token', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_used_at', ts)
    .addColumn('expires_at', ts)
    .addColumn('revoked_at', ts)
    .execute();
  await db.schema.createIndex('tokens_user_idx').on('tokens').column('user_id').execute();

  await db.schema
    .createTable('setup_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('used_at', ts)
    .execute();

  await db.schema
    .createTable('login_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_attempts_email_idx')
    .on('login_attempts')
    .columns(['email', 'at'])
    .execute();
  await db.schema.createIndex('login_attempts_ip_idx').on('login_attempts').columns(['ip', 'at']).execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('problem', 'text', (c) => c.notNull())
    .addColumn('users_json', 'text', (c) => c.notNull())
    .addColumn('boundary_in_json', 'text', (c) => c.notNull())
    .addColumn('boundary_out_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('arr', 'bigint')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('segment', 'text')
    .addColumn('plan', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('name', 'text')
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contacts_account_idx').on('contacts').column('account_id').execute();

  await db.schema
    .createTable('feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.references('products.id').onDelete('set null'))
    .addColumn('surface', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('source_url', 'text')
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('received_at', ts, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('dismiss_reason', 'text')
    .addColumn('text_key', 'text', (c) => c.notNull())
    .addColumn('duplicate_of_id', 'text', (c) => c.references('feedback.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('feedback_source_unique', ['channel', 'external_id'])
    .execute();
  await db.schema
    .createIndex('feedback_status_idx')
    .on('feedback')
    .columns(['status', 'received_at'])
    .execute();
  await db.schema
    .createIndex('feedback_product_idx')
    .on('feedback')
    .columns(['product_id', 'received_at'])
    .execute();
  await db.schema
    .createIndex('feedback_contact_idx')
    .on('feedback')
    .columns(['contact_id', 'text_key'])
    .execute();

  await db.schema
    .createTable('patterns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.references('products.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('merged_into_id', 'text', (c) => c.references('patterns.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('patterns_product_idx')
    .on('patterns')
    .columns(['product_id', 'status'])
    .execute();

  await db.schema
    .createTable('pattern_feedback')
    .addColumn('pattern_id', 'text', (c) => c.notNull().references('patterns.id').onDelete('cascade'))
    .addColumn('feedback_id', 'text', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addColumn('linked_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('linked_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('pattern_feedback_pk', ['pattern_id', 'feedback_id'])
    .execute();
  await db.schema
    .createIndex('pattern_feedback_feedback_idx')
    .on('pattern_feedback')
    .column('feedback_id')
    .execute();

  await db.schema
    .createTable('improvements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('proposal', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.references('products.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('effort', 'double precision')
    .addColumn('risk', 'text')
    .addColumn('confidence', 'double precision')
    .addColumn('decision_option_id', 'text')
    .addColumn('decision_rationale', 'text')
    .addColumn('prediction_pattern_id', 'text', (c) => c.references('patterns.id').onDelete('set null'))
    .addColumn('prediction_change_pct', 'double precision')
    .addColumn('prediction_within_days', 'integer')
    .addColumn('decided_at', ts)
    .addColumn('decided_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('improvements_product_idx')
    .on('improvements')
    .columns(['product_id', 'status'])
    .execute();

  await db.schema
    .createTable('improvement_patterns')
    .addColumn('improvement_id', 'text', (c) => c.notNull().references('improvements.id').onDelete('cascade'))
    .addColumn('pattern_id', 'text', (c) => c.notNull().references('patterns.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('improvement_patterns_pk', ['improvement_id', 'pattern_id'])
    .execute();
  await db.schema
    .createIndex('improvement_patterns_pattern_idx')
    .on('improvement_patterns')
    .column('pattern_id')
    .execute();

  await db.schema
    .createTable('improvement_options')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('improvement_id', 'text', (c) => c.notNull().references('improvements.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('improvement_options_improvement_idx')
    .on('improvement_options')
    .column('improvement_id')
    .execute();

  await db.schema
    .createTable('option_votes')
    .addColumn('option_id', 'text', (c) =>
      c.notNull().references('improvement_options.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('option_votes_pk', ['option_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('implementation_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('improvement_id', 'text', (c) => c.notNull().references('improvements.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('implementation_links_unique', ['improvement_id', 'url'])
    .execute();
  await db.schema
    .createIndex('implementation_links_url_idx')
    .on('implementation_links')
    .column('url')
    .execute();

  await db.schema
    .createTable('deploys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('deployed_at', ts, (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('deploys_version_unique', ['product_id', 'version'])
    .execute();

  await db.schema
    .createTable('deploy_improvements')
    .addColumn('deploy_id', 'text', (c) => c.notNull().references('deploys.id').onDelete('cascade'))
    .addColumn('improvement_id', 'text', (c) => c.notNull().references('improvements.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('deploy_improvements_pk', ['deploy_id', 'improvement_id'])
    .execute();
  await db.schema
    .createIndex('deploy_improvements_improvement_idx')
    .on('deploy_improvements')
    .column('improvement_id')
    .execute();

  await db.schema
    .createTable('comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('comments_item_idx')
    .on('comments')
    .columns(['item_type', 'item_id', 'id'])
    .execute();

  await db.schema
    .createTable('principles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('reflections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('principles_json', 'text', (c) => c.notNull())
    .addColumn('links_json', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reflections_author_idx').on('reflections').column('author_id').execute();

  await db.schema
    .createTable('kudos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('from_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('to_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('principle_id', 'text', (c) => c.notNull().references('principles.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kudos_to_idx').on('kudos').column('to_id').execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('changes_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('events_item_idx')
    .on('events')
    .columns(['item_type', 'item_id', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only: write a new one instead of reverting');
}
