/**
 * The pattern engine's live, in-memory state for one app process: loaded from the database on
 * first use (or at start by `startBackground`), then kept in step by the commit subscriber (this
 * process's writes) and by polling the events table (other processes' writes on a shared
 * PostgreSQL). All engine work runs one job at a time, in commit order. The built-in model is
 * refitted in a worker thread each time the corpus doubles (`refreshModel`); the new index is built
 * beside the live one and swapped in, so suggestions never wait for a fit.
 */
import { fitInWorker, prepareWordVectors } from '../../patterns/index.ts';
import type { Store } from '../../store/database.ts';
import type { RecordedEvent } from '../context.ts';
import type { EmbeddingsSettings } from './embeddings-client.ts';
import { ReflectEngine } from './engine.ts';
import { FLAG_ON_COMMIT_MAX, flagInbox, flagSuggestions } from './suggestion-flags.ts';
import { deleteVectorRows, readStoredModelInfo, replaceModel } from './vector-store.ts';

/**
 * A refit is due once the corpus holds at least this many texts and twice as many as the stored model
 * was fitted on. A fresh install fits on an empty corpus (only the lexical block carries signal), so
 * the first refit comes with the first few dozen items; after that refits are logarithmically rare.
 */
export const MIN_REFIT_CORPUS = 50;

/** The word models re-learn from the unlinked inbox at most this often (when something was written). */
const LEARN_INTERVAL_MS = 10 * 60_000;

/** What {@link ReflectServices.refreshModel} did. */
export interface ModelRefresh {
  action: 'none' | 'refitted' | 'reloaded';
  /** Corpus size the stored model was fitted at, and the current corpus size. */
  fittedOn: number;
  corpus: number;
  modelVersion: number;
  /** Unlinked items the patterns' word models learned from in this refresh (null: nothing changed). */
  learnedFromUnlinked: number | null;
}

/** Options of {@link createReflectServices}. */
export interface ReflectOptions {
  embeddings?: EmbeddingsSettings | null;
  /** Where warnings go (a misconfigured endpoint); stderr by default. */
  warn?: (message: string) => void;
}

/** The pattern engine's live state (see module comment). */
export interface ReflectServices {
  /** True once the engine has loaded. */
  ready: boolean;
  /** The loaded engine, loading it first if needed; resolves after queued sync work is done. */
  engine(): Promise<ReflectEngine>;
  /** Runs work on the engine after everything queued before it (serialised). */
  run<T>(work: (engine: ReflectEngine) => Promise<T>): Promise<T>;
  /** Commit subscriber: brings the index in step with what a transaction changed. */
  onCommit(events: RecordedEvent[]): void;
  /** Applies writes of other processes found in the events table since the last poll. */
  pollEvents(): Promise<void>;
  /**
   * Keeps the built-in model fitted to the corpus: refits it in a worker thread when the corpus has
   * doubled since the last fit (or when `force`), or adopts a model another process stored; then
   * builds a new index under it while the current one keeps answering, replays the writes made
   * meanwhile, and swaps. Then the patterns' word models learn from the unlinked inbox (at once on
   * a new engine or when forced, else at most every 10 minutes after writes). One refresh at a time;
   * a concurrent call gets the running one's answer.
   */
  refreshModel(options?: { force?: boolean }): Promise<ModelRefresh>;
  /** True while a refresh is running. */
  refreshing: boolean;
  /** Cancels a running refresh (its worker is stopped) and waits for it to end. */
  stopRefresh(): Promise<void>;
  /** Resolves when queued work is done. */
  settled(): Promise<void>;
}

/** What changed, from a transaction's events. */
function touched(events: readonly { itemType: string; itemId: string; action: string; changes: object }[]) {
  const feedback = new Set<string>();
  const texts = new Set<string>();
  const patterns = new Set<string>();
  for (const e of events) {
    if (e.itemType === 'feedback') {
      feedback.add(e.itemId);
      if (e.action === 'update' && 'text' in e.changes) texts.add(e.itemId);
    } else if (e.itemType === 'pattern') patterns.add(e.itemId);
  }
  return { feedback: [...feedback], texts: [...texts], patterns: [...patterns] };
}

/** Creates the (not yet loaded) services of one process. */
export function createReflectServices(store: Store, options: ReflectOptions = {}): ReflectServices {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`productOS reflect: ${message}\n`));
  const now = () => new Date().toISOString();
  let queue: Promise<unknown> = Promise.resolve();
  let loading: Promise<ReflectEngine> | null = null;
  let loaded: ReflectEngine | null = null;
  let lastEventId = '';

  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  const apply = async (engine: ReflectEngine, changes: ReturnType<typeof touched>) => {
    const db = store.db;
    if (changes.texts.length > 0) {
      await deleteVectorRows(db, changes.texts);
      await engine.refreshItems(db, changes.texts, now);
    }
    if (changes.feedback.length > 0) await engine.syncFeedback(db, changes.feedback, now);
    if (changes.patterns.length > 0) await engine.syncPatterns(db, changes.patterns, now);
  };

  const latestEventId = async (): Promise<string> =>
    (await store.db.selectFrom('events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst())
      ?.id ?? '';

  /** Applies events after `after` to `engine`; returns the last event id applied. Run inside the queue. */
  const replay = async (engine: ReflectEngine, after: string): Promise<string> => {
    let cursor = after;
    for (;;) {
      const rows = await store.db
        .selectFrom('events')
        .select(['id', 'item_type', 'item_id', 'action', 'changes_json'])
        .where('id', '>', cursor)
        .where('item_type', 'in', ['feedback', 'pattern'])
        .orderBy('id')
        .limit(5000)
        .execute();
      if (rows.length === 0) return cursor;
      cursor = rows[rows.length - 1].id;
      const events = rows.map((r) => ({
        itemType: r.item_type,
        itemId: r.item_id,
        action: r.action,
        changes: JSON.parse(r.changes_json) as object,
      }));
      await apply(engine, touched(events));
      if (rows.length < 5000) return cursor;
    }
  };

  /** Builds an engine on the stored model beside the live one, then swaps it in (see refreshModel). */
  const rebuild = async (): Promise<ReflectEngine> => {
    const since = await latestEventId();
    const fresh = await ReflectEngine.load(store.db, { embeddings: options.embeddings, warn, now });
    return enqueue(async () => {
      const last = await replay(fresh, since);
      if (last > lastEventId) lastEventId = last;
      loaded = fresh;
      loading = Promise.resolve(fresh);
      return fresh;
    });
  };

  /** Event cursor when the word models last learned from the unlinked inbox, and on which engine. */
  let learnedAt: { engine: ReflectEngine; eventId: string; at: number } | null = null;
  const learnUnlinked = async (force: boolean): Promise<number | null> => {
    const engine = loaded;
    if (!engine) return null;
    const eventId = await latestEventId();
    // A new engine learns at once; after that, at most every LEARN_INTERVAL_MS and only after writes.
    const fresh = learnedAt?.engine !== engine;
    const changed = learnedAt?.eventId !== eventId;
    const waited = Date.now() - (learnedAt?.at ?? 0) >= LEARN_INTERVAL_MS;
    if (!fresh && !force && !(changed && waited)) return null;
    const count = await engine.learnFromUnlinked(store.db, now);
    learnedAt = { engine, eventId, at: Date.now() };
    // What the engine suggests for the inbox moved with what it learned: refresh the inbox's flags.
    await enqueue(() => flagInbox(engine, store.db, now));
    return count;
  };

  let running: Promise<ModelRefresh> | null = null;
  let abort: AbortController | null = null;
  const refresh = async (force: boolean): Promise<ModelRefresh> => {
    const result = await refreshModelOnly(force);
    return { ...result, learnedFromUnlinked: await learnUnlinked(force) };
  };

  const refreshModelOnly = async (force: boolean): Promise<Omit<ModelRefresh, 'learnedFromUnlinked'>> => {
    const current = await services.engine();
    const info = await readStoredModelInfo(store.db);
    const corpus = await ReflectEngine.corpusSize(store.db);
    const fittedOn = info?.documents ?? 0;
    if (info && info.version !== current.model.version) {
      const fresh = await rebuild();
      return { action: 'reloaded', fittedOn, corpus, modelVersion: fresh.model.version };
    }
    const due = corpus >= MIN_REFIT_CORPUS && corpus >= 2 * fittedOn;
    if (!info || corpus === 0 || !(due || force))
      return { action: 'none', fittedOn, corpus, modelVersion: current.model.version };
    abort = new AbortController();
    // The texts are read only now that a fit is due (the check itself runs every minute).
    const model = await fitInWorker(
      await ReflectEngine.fitTexts(store.db),
      info.version + 1,
      {},
      abort.signal,
    );
    const stored = await replaceModel(store.db, model, info.version, corpus, now());
    const fresh = await rebuild();
    return {
      action: stored ? 'refitted' : 'reloaded',
      fittedOn: stored ? corpus : ((await readStoredModelInfo(store.db))?.documents ?? fittedOn),
      corpus,
      modelVersion: fresh.model.version,
    };
  };

  const services: ReflectServices = {
    ready: false,
    refreshing: false,
    refreshModel(opts = {}) {
      if (!running) {
        services.refreshing = true;
        running = refresh(opts.force ?? false).finally(() => {
          running = null;
          abort = null;
          services.refreshing = false;
        });
      }
      return running;
    },
    async stopRefresh() {
      abort?.abort();
      await running?.catch(() => undefined);
    },
    engine() {
      if (!loading) {
        loading = enqueue(async () => {
          lastEventId = await latestEventId();
          // First start of an installation: converts the shipped word vectors off the event loop.
          await prepareWordVectors();
          loaded = await ReflectEngine.load(store.db, { embeddings: options.embeddings, warn, now });
          services.ready = true;
          return loaded;
        });
      }
      return loading.then((engine) => enqueue(async () => engine));
    },
    run(work) {
      return services.engine().then((engine) => enqueue(() => work(engine)));
    },
    onCommit(events) {
      // Before the first load there is nothing to keep in step: loading reads the database.
      if (!loaded) return;
      const changes = touched(events);
      // The engine is looked up when the job runs: a model refresh may swap it in between.
      enqueue(() => apply(loaded!, changes)).catch((error: Error) =>
        warn(`index update failed: ${error.message}`),
      );
      const worded = events
        .filter(
          (e) =>
            e.itemType === 'feedback' &&
            (e.action === 'create' || (e.action === 'update' && 'text' in e.changes)),
        )
        .map((e) => e.itemId);
      if (worded.length > 0 && worded.length <= FLAG_ON_COMMIT_MAX)
        enqueue(() => flagSuggestions(loaded!, store.db, worded, now)).catch((error: Error) =>
          warn(`suggestion flags failed: ${error.message}`),
        );
    },
    async pollEvents() {
      if (!loaded) return;
      await enqueue(async () => {
        lastEventId = await replay(loaded!, lastEventId);
      });
    },
    settled() {
      return enqueue(async () => undefined);
    },
  };
  return services;
}
