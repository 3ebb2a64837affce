// Worker entry of prepareWordVectors (word-vectors.ts): converts the word-vector package's JSON into
// the binary cache off the main thread. Registers the TypeScript loader itself, like fit-worker.mjs.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { convertWithFallback } = await import('./word-vectors.ts');
convertWithFallback(workerData);
