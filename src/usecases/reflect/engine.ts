/**
 * The server's pattern engine: the fitted built-in model, the optional embeddings endpoint, and the
 * live PatternIndex of linked (non-dismissed) feedback. Built from the database at load and then
 * reconciled item by item: `syncFeedback`/`syncPatterns` re-read the links of what changed and
 * adjust the index, so replaying an event twice is harmless.
 */
import { type PatternIndex, PatternSuggester, TextModel } from '../../patterns/index.ts';
import type { FeedbackVectorsTable } from '../../store/schema-reflect.ts';
import type { Db } from '../context.ts';
import { unlinkedInbox } from './discovery.ts';
import { type EmbeddingsSettings, fetchEmbeddings } from './embeddings-client.ts';
import {
  decodeVector,
  encodeVector,
  readStoredModel,
  readVectorRows,
  storeModel,
  writeVectorRows,
} from './vector-store.ts';

/** Share of the squared norm given to the endpoint's vector when combined with the built-in one. */
const EXTERNAL_WEIGHT = 0.5;
/** The built-in model is fitted on at most this many (most recent) texts. */
const FIT_TEXTS = 8000;

/** The word models learn from at most this many unlinked items (the most recent; see PatternSuggester). */
const UNLINKED_ITEMS = 5000;

/** Counters that tests and operators read (restart must not refit or re-embed). */
export interface EngineCounters {
  fits: number;
  builtinEmbedded: number;
  externalEmbedded: number;
  vectorsLoaded: number;
}

/** An item with its combined vector. */
export interface EmbeddedItem {
  id: string;
  text: string;
  vector: Float32Array;
}

/** See module comment. */
export class ReflectEngine {
  readonly counters: EngineCounters = { fits: 0, builtinEmbedded: 0, externalEmbedded: 0, vectorsLoaded: 0 };
  /** The vector index with each pattern's word model (see patterns/suggester.ts). */
  readonly suggester: PatternSuggester;
  warning: string | null = null;
  /** feedback id → patterns it is an example of; pattern id → its examples. */
  private readonly linksOf = new Map<string, Set<string>>();
  private readonly members = new Map<string, Set<string>>();

  private constructor(
    readonly model: TextModel,
    private readonly embeddings: EmbeddingsSettings | null,
    private externalDims: number | null,
    private readonly warn: (message: string) => void,
  ) {
    this.suggester = new PatternSuggester({ model, dims: model.dims + (externalDims ?? 0) });
  }

  /** The vector index (sizes, metric learning). */
  get index(): PatternIndex {
    return this.suggester.index;
  }

  /** Loads (or fits and stores, the first time) the model, probes the endpoint, indexes every link. */
  static async load(
    db: Db,
    options: { embeddings?: EmbeddingsSettings | null; warn: (message: string) => void; now: () => string },
  ): Promise<ReflectEngine> {
    let model = await readStoredModel(db);
    let fitted = false;
    if (!model) {
      const corpus = await ReflectEngine.corpusSize(db);
      model = await storeModel(db, TextModel.fit(await ReflectEngine.fitTexts(db)), options.now(), corpus);
      fitted = true;
    }
    let externalDims: number | null = null;
    let warning: string | null = null;
    if (options.embeddings) {
      try {
        externalDims = (await fetchEmbeddings(options.embeddings, ['productOS embeddings probe']))[0].length;
      } catch (error) {
        warning = `embeddings endpoint unusable (${(error as Error).message}); using the built-in representation only`;
        options.warn(warning);
      }
    }
    const engine = new ReflectEngine(model, options.embeddings ?? null, externalDims, options.warn);
    engine.warning = warning;
    if (fitted) engine.counters.fits++;
    await engine.indexAllLinks(db, options.now);
    if (engine.index.exampleCount >= 500) engine.index.learnMetric();
    return engine;
  }

  /** The corpus size: the next refit is due when it has doubled since the stored model's fit. */
  static async corpusSize(db: Db): Promise<number> {
    const count = await db
      .selectFrom('feedback')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(count.n);
  }

  /** What a fit learns from: the most recent {@link FIT_TEXTS} feedback texts. */
  static async fitTexts(db: Db): Promise<string[]> {
    const rows = await db
      .selectFrom('feedback')
      .select('text')
      .orderBy('id', 'desc')
      .limit(FIT_TEXTS)
      .execute();
    return rows.map((r) => r.text);
  }

  /** 'builtin' or 'builtin+embeddings' (the endpoint answered at load). */
  get representation(): string {
    return this.externalDims ? 'builtin+embeddings' : 'builtin';
  }

  /** Pattern ids an item is currently an example of. */
  patternsOf(feedbackId: string): ReadonlySet<string> {
    return this.linksOf.get(feedbackId) ?? new Set();
  }

  /**
   * Combined vectors of items, from storage when current, else computed and stored. An endpoint
   * failure leaves the endpoint part empty (retried next time) and warns once per failure run.
   */
  async embedItems(db: Db, ids: string[], now: () => string): Promise<EmbeddedItem[]> {
    const out: EmbeddedItem[] = [];
    for (let i = 0; i < ids.length; i += 2000) {
      const part = ids.slice(i, i + 2000);
      const texts = new Map<string, string>();
      for (let j = 0; j < part.length; j += 500) {
        const rows = await db
          .selectFrom('feedback')
          .select(['id', 'text'])
          .where('id', 'in', part.slice(j, j + 500))
          .execute();
        for (const r of rows) texts.set(r.id, r.text);
      }
      const stored = await readVectorRows(db, [...texts.keys()]);
      const writes: FeedbackVectorsTable[] = [];
      const needExternal: string[] = [];
      const builtin = new Map<string, Float32Array>();
      const external = new Map<string, Float32Array | null>();
      for (const [id, text] of texts) {
        const row = stored.get(id);
        const current = row && row.model_version === this.model.version;
        if (current) this.counters.vectorsLoaded++;
        else this.counters.builtinEmbedded++;
        builtin.set(id, current ? decodeVector(row.builtin) : this.model.embed(text));
        const ext =
          row?.external && row.external_model === this.embeddings?.model ? decodeVector(row.external) : null;
        if (this.externalDims && ext?.length !== this.externalDims) needExternal.push(id);
        else external.set(id, ext);
        if (!current) writes.push(this.vectorRow(id, builtin.get(id)!, ext, now()));
      }
      if (needExternal.length > 0 && this.embeddings) {
        try {
          const vectors = await fetchEmbeddings(
            this.embeddings,
            needExternal.map((id) => texts.get(id)!),
          );
          this.counters.externalEmbedded += vectors.length;
          needExternal.forEach((id, k) => {
            const v = vectors[k].length === this.externalDims ? vectors[k] : null;
            external.set(id, v);
            writes.push(this.vectorRow(id, builtin.get(id)!, v, now()));
          });
          this.warning = null;
        } catch (error) {
          if (!this.warning)
            this.warn(
              `embeddings endpoint failed (${(error as Error).message}); built-in vectors only until it answers`,
            );
          this.warning = `embeddings endpoint failed: ${(error as Error).message}`;
        }
      }
      await writeVectorRows(db, dedupeRows(writes));
      for (const [id, text] of texts) {
        out.push({ id, text, vector: this.combine(builtin.get(id)!, external.get(id) ?? null) });
      }
    }
    return out;
  }

  /**
   * Lets the patterns' word models learn from the unlinked inbox (semi-supervised; measured +4.5
   * top-1 on CLINC150 val). Runs outside the engine's job queue and yields to the event loop, so
   * requests and index updates go on meanwhile. Returns how many items count.
   */
  async learnFromUnlinked(db: Db, now: () => string): Promise<number> {
    if (this.index.patternCount === 0) return 0;
    const inbox = await unlinkedInbox(db, undefined, UNLINKED_ITEMS);
    const items = await this.embedItems(
      db,
      inbox.map((i) => i.id),
      now,
    );
    return this.suggester.learnFromUnlinkedAsync(items);
  }

  /** Re-reads the links of these feedback items and brings the index in step. */
  async syncFeedback(db: Db, feedbackIds: string[], now: () => string): Promise<void> {
    for (let i = 0; i < feedbackIds.length; i += 500) {
      const part = feedbackIds.slice(i, i + 500);
      const desired = new Map<string, Set<string>>(part.map((id) => [id, new Set<string>()]));
      for (const r of await this.linkQuery(db).where('pattern_feedback.feedback_id', 'in', part).execute()) {
        desired.get(r.feedback_id)?.add(r.pattern_id);
      }
      await this.reconcile(db, desired, 'feedback', now);
    }
  }

  /** Re-reads the links of these patterns (merged or deleted ones have none) and adjusts the index. */
  async syncPatterns(db: Db, patternIds: string[], now: () => string): Promise<void> {
    const desired = new Map<string, Set<string>>(patternIds.map((id) => [id, new Set<string>()]));
    for (let i = 0; i < patternIds.length; i += 500) {
      const rows = await this.linkQuery(db)
        .where('pattern_feedback.pattern_id', 'in', patternIds.slice(i, i + 500))
        .execute();
      for (const r of rows) desired.get(r.pattern_id)?.add(r.feedback_id);
    }
    await this.reconcile(db, desired, 'pattern', now);
  }

  /** Re-embeds items whose text changed and refreshes their examples. */
  async refreshItems(db: Db, feedbackIds: string[], now: () => string): Promise<void> {
    const linked = feedbackIds.filter((id) => (this.linksOf.get(id)?.size ?? 0) > 0);
    for (const item of await this.embedItems(db, linked, now)) {
      for (const p of this.linksOf.get(item.id) ?? [])
        this.suggester.addExample(p, item.id, item.vector, item.text);
    }
  }

  private linkQuery(db: Db) {
    return db
      .selectFrom('pattern_feedback')
      .innerJoin('feedback', 'feedback.id', 'pattern_feedback.feedback_id')
      .innerJoin('patterns', 'patterns.id', 'pattern_feedback.pattern_id')
      .select(['pattern_feedback.pattern_id', 'pattern_feedback.feedback_id'])
      .where('feedback.status', '<>', 'dismissed')
      .where('patterns.merged_into_id', 'is', null);
  }

  /** `desired` maps keys (feedback or pattern ids, per `by`) to what they should be linked with. */
  private async reconcile(
    db: Db,
    desired: Map<string, Set<string>>,
    by: 'feedback' | 'pattern',
    now: () => string,
  ) {
    const toAdd: Array<[string, string]> = [];
    for (const [key, want] of desired) {
      const have = (by === 'feedback' ? this.linksOf : this.members).get(key) ?? new Set<string>();
      for (const other of [...have]) {
        if (!want.has(other)) by === 'feedback' ? this.unlink(other, key) : this.unlink(key, other);
      }
      for (const other of want)
        if (!have.has(other)) toAdd.push(by === 'feedback' ? [other, key] : [key, other]);
      if (by === 'pattern' && want.size === 0) this.suggester.removePattern(key);
    }
    if (toAdd.length === 0) return;
    const items = new Map(
      (await this.embedItems(db, [...new Set(toAdd.map(([, f]) => f))], now)).map((e) => [e.id, e]),
    );
    for (const [patternId, feedbackId] of toAdd) {
      const item = items.get(feedbackId);
      if (item) this.link(patternId, item);
    }
  }

  private async indexAllLinks(db: Db, now: () => string): Promise<void> {
    let after = '';
    for (;;) {
      const rows = await this.linkQuery(db)
        .where('pattern_feedback.feedback_id', '>', after)
        .orderBy('pattern_feedback.feedback_id')
        .limit(2000)
        .execute();
      if (rows.length === 0) return;
      after = rows[rows.length - 1].feedback_id;
      // Finish the last feedback id of the page in full, so paging by feedback id loses no link.
      const rest = await this.linkQuery(db).where('pattern_feedback.feedback_id', '=', after).execute();
      const all = [...rows.filter((r) => r.feedback_id !== after), ...rest];
      const items = new Map(
        (await this.embedItems(db, [...new Set(all.map((r) => r.feedback_id))], now)).map((e) => [e.id, e]),
      );
      for (const r of all) {
        const item = items.get(r.feedback_id);
        if (item) this.link(r.pattern_id, item);
      }
    }
  }

  private link(patternId: string, item: EmbeddedItem): void {
    this.suggester.addExample(patternId, item.id, item.vector, item.text);
    addTo(this.linksOf, item.id, patternId);
    addTo(this.members, patternId, item.id);
  }

  private unlink(patternId: string, feedbackId: string): void {
    this.suggester.removeExample(patternId, feedbackId);
    this.linksOf.get(feedbackId)?.delete(patternId);
    this.members.get(patternId)?.delete(feedbackId);
    if (this.members.get(patternId)?.size === 0) {
      this.members.delete(patternId);
      this.suggester.removePattern(patternId);
    }
  }

  private combine(builtin: Float32Array, external: Float32Array | null): Float32Array {
    if (!this.externalDims) return builtin;
    const b = builtin.length;
    const out = new Float32Array(b + this.externalDims);
    const wb = Math.sqrt(1 - EXTERNAL_WEIGHT);
    for (let i = 0; i < b; i++) out[i] = builtin[i] * wb;
    if (external && external.length === this.externalDims) {
      let n = 0;
      for (let i = 0; i < external.length; i++) n += external[i] * external[i];
      const we = n > 0 ? Math.sqrt(EXTERNAL_WEIGHT / n) : 0;
      for (let i = 0; i < external.length; i++) out[b + i] = external[i] * we;
    }
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i] * out[i];
    if (s > 0) for (let i = 0; i < out.length; i++) out[i] /= Math.sqrt(s);
    return out;
  }

  private vectorRow(
    id: string,
    builtin: Float32Array,
    external: Float32Array | null,
    now: string,
  ): FeedbackVectorsTable {
    return {
      feedback_id: id,
      model_version: this.model.version,
      builtin: encodeVector(builtin),
      external_model: external ? (this.embeddings?.model ?? null) : null,
      external: external ? encodeVector(external) : null,
      updated_at: now,
    };
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function dedupeRows(rows: FeedbackVectorsTable[]): FeedbackVectorsTable[] {
  return [...new Map(rows.map((r) => [r.feedback_id, r])).values()];
}
