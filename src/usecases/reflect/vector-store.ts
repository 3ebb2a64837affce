/**
 * Stored state of the pattern engine: the fitted built-in model and each feedback item's vectors,
 * as base64 text (one column type on both dialects). Writes are upserts, so several app processes
 * embedding the same new item end with the same row.
 */
import { TextModel, vectorFromBuffer, vectorToBuffer } from '../../patterns/index.ts';
import type { FeedbackVectorsTable } from '../../store/schema-reflect.ts';
import type { Db } from '../context.ts';

/** Id of the built-in model's row. */
const BUILTIN = 'builtin';

/** Encodes a vector for a text column. */
export const encodeVector = (v: Float32Array): string => vectorToBuffer(v).toString('base64');
/** Decodes {@link encodeVector}. */
export const decodeVector = (s: string): Float32Array => vectorFromBuffer(Buffer.from(s, 'base64'));

/** The stored built-in model, or null before the first fit. */
export async function readStoredModel(db: Db): Promise<TextModel | null> {
  const row = await db.selectFrom('reflect_models').selectAll().where('id', '=', BUILTIN).executeTakeFirst();
  return row ? TextModel.deserialize(Buffer.from(row.model, 'base64')) : null;
}

/** Version, corpus size and time of the stored built-in model, or null before the first fit. */
export async function readStoredModelInfo(
  db: Db,
): Promise<{ version: number; documents: number; fittedAt: string } | null> {
  const row = await db
    .selectFrom('reflect_models')
    .select(['version', 'documents', 'fitted_at'])
    .where('id', '=', BUILTIN)
    .executeTakeFirst();
  return row
    ? { version: Number(row.version), documents: Number(row.documents), fittedAt: row.fitted_at }
    : null;
}

/**
 * Replaces the stored model with a refitted one, only if the stored one is still `expectedVersion`
 * (another process may have refitted first). `documents` is the corpus size it was fitted at, which
 * decides when the next refit is due. Returns whether this model was stored.
 */
export async function replaceModel(
  db: Db,
  model: TextModel,
  expectedVersion: number,
  documents: number,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('reflect_models')
    .set({
      version: model.version,
      documents,
      model: model.serialize().toString('base64'),
      fitted_at: now,
    })
    .where('id', '=', BUILTIN)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Stores a freshly fitted model unless another process stored one first; returns the model that
 * is stored afterwards, so every process uses the same one. `documents` is the corpus size it was fitted at.
 */
export async function storeModel(
  db: Db,
  model: TextModel,
  now: string,
  documents: number,
): Promise<TextModel> {
  await db
    .insertInto('reflect_models')
    .values({
      id: BUILTIN,
      version: model.version,
      documents,
      model: model.serialize().toString('base64'),
      fitted_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return (await readStoredModel(db)) ?? model;
}

/** Stored vector rows of the given items (missing ones are absent). */
export async function readVectorRows(
  db: Db,
  feedbackIds: string[],
): Promise<Map<string, FeedbackVectorsTable>> {
  const out = new Map<string, FeedbackVectorsTable>();
  for (let i = 0; i < feedbackIds.length; i += 500) {
    const rows = await db
      .selectFrom('feedback_vectors')
      .selectAll()
      .where('feedback_id', 'in', feedbackIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.feedback_id, r);
  }
  return out;
}

/** Upserts vector rows; rows of items deleted meanwhile are skipped. */
export async function writeVectorRows(db: Db, rows: FeedbackVectorsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    const part = rows.slice(i, i + 100);
    const upsert = (values: FeedbackVectorsTable[]) =>
      db
        .insertInto('feedback_vectors')
        .values(values)
        .onConflict((oc) =>
          oc.column('feedback_id').doUpdateSet((eb) => ({
            model_version: eb.ref('excluded.model_version'),
            builtin: eb.ref('excluded.builtin'),
            external_model: eb.ref('excluded.external_model'),
            external: eb.ref('excluded.external'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    try {
      await upsert(part);
    } catch {
      // Most likely an item deleted after it was read (foreign key): store the others one by one.
      for (const row of part) await upsert([row]).catch(() => undefined);
    }
  }
}

/** Forgets stored vectors (after a text edit), so they are recomputed. */
export async function deleteVectorRows(db: Db, feedbackIds: string[]): Promise<void> {
  if (feedbackIds.length > 0)
    await db.deleteFrom('feedback_vectors').where('feedback_id', 'in', feedbackIds).execute();
}
