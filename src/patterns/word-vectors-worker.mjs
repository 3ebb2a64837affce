// Worker entry of prepareWordVectors (word-vectors.ts): converts the word-vector package's JSON into
// the binary cache off the main thread. Registers the TypeScript loader itself, like fit-worker.mjs.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { convertWordVectors } = await import('./word-vectors.ts');
try {
  convertWordVectors(workerData.json, workerData.cache);
} catch (error) {
  // A read-only installation: the temporary folder, as wordVectors() would choose.
  if (!['EACCES', 'EROFS', 'EPERM'].includes(error.code)) throw error;
  convertWordVectors(workerData.json, workerData.fallback);
}
