// Worker entry of fitInWorker (background-fit.ts): registers the TypeScript loader itself, so it
// works however the parent process was started (node --import tsx, or the productos bin).
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { fitSerialized } = await import('./background-fit.ts');
const bytes = fitSerialized(workerData.texts, workerData.options, workerData.version);
parentPort.postMessage(bytes, [bytes.buffer]);
