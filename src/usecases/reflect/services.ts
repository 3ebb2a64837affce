/**
 * The pattern engine's live, in-memory state for one app process: loaded from the database on
 * first use (or at start by `startBackground`), then kept in step by the commit subscriber (this
 * process's writes) and by polling the events table (other processes' writes on a shared
 * PostgreSQL). All engine work runs one job at a time, in commit order.
 */
import type { Store } from '../../store/database.ts';
import type { RecordedEvent } from '../context.ts';
import type { EmbeddingsSettings } from './embeddings-client.ts';
import { ReflectEngine } from './engine.ts';
import { deleteVectorRows } from './vector-store.ts';

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

  const services: ReflectServices = {
    ready: false,
    engine() {
      if (!loading) {
        loading = enqueue(async () => {
          const last = await store.db
            .selectFrom('events')
            .select('id')
            .orderBy('id', 'desc')
            .limit(1)
            .executeTakeFirst();
          lastEventId = last?.id ?? '';
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
      const engine = loaded;
      const changes = touched(events);
      enqueue(() => apply(engine, changes)).catch((error: Error) =>
        warn(`index update failed: ${error.message}`),
      );
    },
    async pollEvents() {
      if (!loaded) return;
      const engine = loaded;
      await enqueue(async () => {
        for (;;) {
          const rows = await store.db
            .selectFrom('events')
            .select(['id', 'item_type', 'item_id', 'action', 'changes_json'])
            .where('id', '>', lastEventId)
            .where('item_type', 'in', ['feedback', 'pattern'])
            .orderBy('id')
            .limit(5000)
            .execute();
          if (rows.length === 0) return;
          lastEventId = rows[rows.length - 1].id;
          const events = rows.map((r) => ({
            itemType: r.item_type,
            itemId: r.item_id,
            action: r.action,
            changes: JSON.parse(r.changes_json) as object,
          }));
          await apply(engine, touched(events));
          if (rows.length < 5000) return;
        }
      });
    },
    settled() {
      return enqueue(async () => undefined);
    },
  };
  return services;
}
