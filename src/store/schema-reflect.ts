/** Tables of the pattern engine (Reflect): the fitted representation and stored vectors. */
export interface ReflectTables {
  reflect_models: ReflectModelsTable;
  feedback_vectors: FeedbackVectorsTable;
}

/** One fitted representation (id 'builtin'); `model` is TextModel.serialize() as base64. */
export interface ReflectModelsTable {
  id: string;
  version: number;
  documents: number;
  model: string;
  fitted_at: string;
}

/** Stored vectors of one feedback item (float32 little-endian, base64). */
export interface FeedbackVectorsTable {
  feedback_id: string;
  model_version: number;
  builtin: string;
  external_model: string | null;
  external: string | null;
  updated_at: string;
}
