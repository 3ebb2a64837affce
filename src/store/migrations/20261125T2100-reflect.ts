import type { Kysely } from 'kysely';

/**
 * Reflect: the pattern engine's stored state, so a restart (or a second app process) rebuilds the
 * live index without refitting or re-embedding.
 * - `reflect_models`: the fitted built-in representation (TextModel.serialize, base64 text so one
 *   column type works on both dialects), one row per kind with its version.
 * - `feedback_vectors`: per feedback item, the built-in vector of a model version and, when an
 *   embeddings endpoint is configured, that endpoint's vector and model name (float32, base64).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reflect_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('documents', 'integer', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('fitted_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('feedback_vectors')
    .addColumn('feedback_id', 'text', (c) => c.primaryKey().references('feedback.id').onDelete('cascade'))
    .addColumn('model_version', 'integer', (c) => c.notNull())
    .addColumn('builtin', 'text', (c) => c.notNull())
    .addColumn('external_model', 'text')
    .addColumn('external', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only: write a new one instead of reverting');
}
