import type { Deps } from '../context.ts';

/** Impact is re-measured at most this often by the worker (reads measure on demand anyway). */
const MEASURE_EVERY_MS = 15 * 60_000;

/**
 * The server's background worker: every few seconds it delivers due outbox messages, and every
 * quarter of an hour it re-measures deployed improvements (so patterns resolve, recur and
 * improvements verify without anyone opening them). One pass at a time; returns `stop`.
 */
export function startLoopWorker(deps: Deps): () => Promise<void> {
  const interval = deps.loop.settings.workerIntervalMs ?? 5_000;
  let running: Promise<void> | null = null;
  let lastMeasured = 0;
  const pass = async () => {
    try {
      await deps.loop.deliverDue(deps.clock());
      if (Date.now() - lastMeasured >= MEASURE_EVERY_MS) {
        lastMeasured = Date.now();
        await deps.loop.measureAll(deps.clock());
      }
    } catch (error) {
      process.emitWarning(`loop worker: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const timer = setInterval(() => {
    if (!running) running = pass().finally(() => (running = null));
  }, interval);
  timer.unref();
  return async () => {
    clearInterval(timer);
    if (running) await running;
    deps.loop.close();
  };
}
