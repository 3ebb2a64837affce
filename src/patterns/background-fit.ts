/**
 * Fitting a TextModel takes seconds to tens of seconds (randomized SVD over thousands of texts), too
 * long to block a server's event loop. `fitInWorker` fits in a worker thread and hands back the
 * model; the caller keeps serving with its current model meanwhile.
 */
import { Worker } from 'node:worker_threads';
import { TextModel, type TextModelOptions } from './text-model.ts';

/** Fits and serialises (runs inside the worker; also usable in-process). */
export function fitSerialized(texts: string[], options: TextModelOptions, version: number): Uint8Array {
  const model = TextModel.fit(texts, options);
  model.version = version;
  // A copy with its own ArrayBuffer: small Buffers share Node's pool, which must not be transferred.
  return new Uint8Array(model.serialize());
}

/** Fits a model on `texts` in a worker thread; the result carries `version`. Aborting stops the worker. */
export function fitInWorker(
  texts: string[],
  version: number,
  options: TextModelOptions = {},
  signal?: AbortSignal,
): Promise<TextModel> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('model fit cancelled'));
      return;
    }
    const worker = new Worker(new URL('./fit-worker.mjs', import.meta.url), {
      workerData: { texts, options, version },
    });
    let settled = false;
    signal?.addEventListener(
      'abort',
      () => {
        if (settled) return;
        settled = true;
        reject(new Error('model fit cancelled'));
        void worker.terminate();
      },
      { once: true },
    );
    worker.once('message', (bytes: Uint8Array) => {
      if (settled) return;
      settled = true;
      try {
        resolve(TextModel.deserialize(bytes));
      } catch (error) {
        reject(error);
      }
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`model fit worker exited with code ${code}`));
    });
  });
}
