import type { Store } from './store/database.ts';
import type { Deps } from './usecases/context.ts';
import { keepInboxColumns } from './usecases/inbox-columns.ts';
import { LiveEvents } from './usecases/live-events.ts';
import { createLoopServices, type LoopSettings } from './usecases/loop/services.ts';
import { enqueueWebhookEvents } from './usecases/loop/webhooks.ts';
import { startLoopWorker } from './usecases/loop/worker.ts';
import type { EmbeddingsSettings } from './usecases/reflect/embeddings-client.ts';
import { createReflectServices } from './usecases/reflect/services.ts';
import { indexSearchDocuments } from './usecases/search-indexer.ts';
import { VerifiedTokenCache } from './usecases/token-cache.ts';

export interface DepsOptions {
  store: Store;
  clock?: () => Date;
  settings?: Partial<LoopSettings>;
  /** The OpenAI-compatible embeddings endpoint combined with the built-in representation, if any. */
  embeddings?: EmbeddingsSettings | null;
}

/**
 * Wires the dependencies every use-case receives. The server, the CLI, benchmarks and tests all
 * build them here, so they run the same code.
 */
export function createDeps(options: DepsOptions): Deps {
  const settings: LoopSettings = { smtpUrl: null, publicUrl: 'http://127.0.0.1:3000', ...options.settings };
  const reflect = createReflectServices(options.store, { embeddings: options.embeddings });
  const tokenCache = new VerifiedTokenCache();
  const live = new LiveEvents(options.store);
  const deps: Deps = {
    store: options.store,
    clock: options.clock ?? (() => new Date()),
    subscribers: [
      // Reflect keeps its in-memory index in step after each commit.
      (events) => reflect.onCommit(events),
      // A change to a user or their tokens (revoked, disabled, new role) may change who a cached token is.
      (events) => {
        if (events.some((e) => e.itemType === 'user')) tokenCache.invalidate();
      },
      // Open live-update streams of this process.
      (events) => live.publish(events),
    ],
    beforeCommit: [
      // Outbound webhook deliveries are stored with the change that caused them, or not at all.
      async (tx, events) => void (await enqueueWebhookEvents(tx, tx.now, events)),
      // The search index and the inbox's copies of account fields follow every change, in the same transaction.
      indexSearchDocuments,
      keepInboxColumns,
      // Other processes on the same PostgreSQL learn of the commit when (and only if) it commits.
      (tx, events) => live.announce(tx, events),
    ],
    reflect,
    loop: createLoopServices(options.store, settings, () => deps),
    tokenCache,
    live,
  };
  return deps;
}

/** How often the server checks whether the pattern model is due for a refit (the corpus doubled). */
const MODEL_CHECK_MS = 60_000;

/**
 * Starts background work (index loading, model refits, outbox delivery, impact recomputation) and returns a
 * function that stops it. Tests that want deterministic timing call the work directly instead.
 */
export async function startBackground(deps: Deps): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  // Reflect: load the pattern index now (not on the first request), then follow other processes' writes.
  deps.reflect
    .engine()
    .catch((error: Error) => process.stderr.write(`productOS reflect: load failed: ${error.message}\n`));
  const poll = setInterval(() => {
    deps.reflect.pollEvents().catch(() => undefined);
  }, 2000);
  poll.unref();
  // Keep the built-in model fitted to the growing corpus (a fresh install starts with an empty fit).
  const refreshModel = () =>
    deps.reflect
      .refreshModel()
      .then((r) => {
        if (r.action !== 'none')
          process.stderr.write(
            `productOS reflect: model ${r.action} (version ${r.modelVersion}, corpus ${r.corpus} texts)\n`,
          );
      })
      .catch((error: Error) =>
        process.stderr.write(`productOS reflect: model refresh failed: ${error.message}\n`),
      );
  void deps.reflect.engine().then(refreshModel, () => undefined);
  const refit = setInterval(refreshModel, MODEL_CHECK_MS);
  refit.unref();
  stops.push(async () => {
    clearInterval(poll);
    clearInterval(refit);
    await deps.reflect.stopRefresh();
    await deps.reflect.settled();
  });
  // Loop: deliver the outbox (email, webhooks) and re-measure impact on an interval.
  stops.push(startLoopWorker(deps));
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}

/**
 * Waits for work that commits set off in the background (index updates) and
 * releases what the services hold. Call before closing the store, so nothing touches a closed pool.
 */
export async function settleDeps(deps: Deps): Promise<void> {
  await deps.live.close();
  await deps.reflect.settled();
  deps.loop.close();
}
