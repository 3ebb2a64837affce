/**
 * Ingest benchmark: single-item POST /api/v1/feedback and {items} batches, each compared with a
 * bare Fastify route doing one prepared better-sqlite3 INSERT into the same table shape, measured
 * in the same run on temporary SQLite files. Returns a markdown section for docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { createDeps } from '../src/deps.ts';
import { type Actor, SYSTEM_ACTOR } from '../src/domain/authorization.ts';
import { feedbackTextKey } from '../src/domain/feedback.ts';
import { newId } from '../src/domain/ids.ts';
import { buildApp } from '../src/http/app.ts';
import { openStore } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { createToken } from '../src/usecases/auth.ts';
import type { Deps } from '../src/usecases/context.ts';
import { createUser } from '../src/usecases/users.ts';

export interface IngestBenchOptions {
  /**
   * Sequential single-item requests, for both the app and the bare route. 10,000 by default: a
   * checkpoint stall (tens of ms, every few hundred writes) is a large share of a smaller sample,
   * which made 2,000 requests swing between 0.34× and 0.56× from run to run.
   */
  singleRequests?: number;
  batchItems?: number;
  batchSize?: number;
}

interface Rate {
  count: number;
  seconds: number;
  perSecond: number;
}

async function timed(count: number, run: (i: number) => Promise<void>): Promise<Rate> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await run(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { count, seconds, perSecond: count / seconds };
}

/** The baseline: Fastify plus one prepared INSERT per request, nothing else. */
async function bareApp(path: string): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const store = openStore(`sqlite:${path}`);
  await migrateToLatest(store.db);
  await store.close();
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const insert = sqlite.prepare(
    `INSERT INTO feedback (id, text, product_id, surface, channel, external_id, source_url, contact_id, received_at, status,
       dismiss_reason, text_key, duplicate_of_id, created_at, updated_at, moderation)
     VALUES (?, ?, NULL, NULL, 'api', ?, NULL, NULL, ?, 'new', NULL, ?, NULL, ?, ?, NULL)`,
  );
  const app = Fastify({ logger: false });
  app.post('/bare', async (request, reply) => {
    const body = request.body as { text: string; source: { externalId: string } };
    const now = new Date().toISOString();
    const id = newId();
    insert.run(id, body.text, body.source.externalId, now, feedbackTextKey(body.text), now, now);
    return reply.code(201).send({ id });
  });
  await app.ready();
  const close = async () => {
    await app.close();
    sqlite.close();
  };
  return { app, close };
}

async function productosApp(
  path: string,
): Promise<{ app: FastifyInstance; token: string; deps: Deps; close: () => Promise<void> }> {
  const store = openStore(`sqlite:${path}`);
  await migrateToLatest(store.db);
  const deps: Deps = createDeps({ store });
  const user = await createUser(deps, SYSTEM_ACTOR, {
    email: 'bench@example.test',
    name: 'Bench',
    role: 'builder',
    password: 'bench password 1',
  });
  const actor: Actor = { kind: 'user', userId: user.id, role: 'builder', name: user.name };
  const { token } = await createToken(deps, actor, { name: 'bench' });
  const app = await buildApp(deps, { publicUrl: 'http://127.0.0.1:3000', logger: false });
  await app.ready();
  const close = async () => {
    await app.close();
    await store.close();
  };
  return { app, token, deps, close };
}

const singleItem = (i: number, prefix: string) => ({
  text: `Exports time out after ${i % 97} minutes on large projects`,
  source: { channel: 'api', externalId: `${prefix}-${i}` },
});
const batchItem = (i: number) => ({
  text: `Batch item ${i}: the dashboard is slow when there are ${i % 211} devices`,
  receivedAt: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString(),
  source: { channel: 'api', externalId: `batch-${i}` },
  contact: { email: `user${i % 500}@customer${i % 40}.test`, account: `Customer ${i % 40}` },
});

/** Runs the benchmark and returns its markdown section. */
export async function benchIngest(options: IngestBenchOptions = {}): Promise<string> {
  const singles = options.singleRequests ?? 10_000;
  const batchItems = options.batchItems ?? 20_000;
  const batchSize = options.batchSize ?? 1_000;
  const dir = mkdtempSync(join(tmpdir(), 'productos-bench-'));
  const bare = await bareApp(join(dir, 'bare.db'));
  const full = await productosApp(join(dir, 'productos.db'));
  try {
    const headers = { authorization: `Bearer ${full.token}`, 'content-type': 'application/json' };
    const postBare = async (i: number, prefix: string) => {
      const res = await bare.app.inject({
        method: 'POST',
        url: '/bare',
        headers: { 'content-type': 'application/json' },
        payload: singleItem(i, prefix),
      });
      if (res.statusCode !== 201) throw new Error(`bare route answered ${res.statusCode}`);
    };
    const postOne = async (i: number, prefix: string) => {
      const res = await full.app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        headers,
        payload: singleItem(i, prefix),
      });
      if (res.statusCode !== 201)
        throw new Error(`POST /api/v1/feedback answered ${res.statusCode}: ${res.body}`);
    };
    // Warm up both (JIT, statement caches) before measuring.
    await timed(300, (i) => postBare(i, 'warm'));
    await timed(300, (i) => postOne(i, 'warm'));
    // Interleaved rounds, so both see the same machine load (shared CI boxes drift a lot).
    let bareSeconds = 0;
    let singleSeconds = 0;
    const roundRatios: number[] = [];
    const round = 500;
    for (let done = 0; done < singles; done += round) {
      const n = Math.min(round, singles - done);
      const bareRound = (await timed(n, (i) => postBare(done + i, 'bare'))).seconds;
      const singleRound = (await timed(n, (i) => postOne(done + i, 'single'))).seconds;
      bareSeconds += bareRound;
      singleSeconds += singleRound;
      roundRatios.push(bareRound / singleRound);
    }
    roundRatios.sort((a, b) => a - b);
    const bareRate = { perSecond: singles / bareSeconds };
    const singleRate = { perSecond: singles / singleSeconds };
    const batchRate = await timed(Math.ceil(batchItems / batchSize), async (b) => {
      const items = Array.from({ length: Math.min(batchSize, batchItems - b * batchSize) }, (_, k) =>
        batchItem(b * batchSize + k),
      );
      const res = await full.app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        headers,
        payload: { items },
      });
      if (res.statusCode !== 200 || res.json().created !== items.length)
        throw new Error(`batch answered ${res.statusCode}`);
    });
    const itemsPerSecond = batchItems / batchRate.seconds;
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    const singleRatio = singleRate.perSecond / bareRate.perSecond;
    const batchRatio = itemsPerSecond / bareRate.perSecond;
    return [
      '## Ingest',
      '',
      `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, SQLite (WAL, synchronous=NORMAL) on a temporary file, requests through \`app.inject\` one after another. The baseline is a bare Fastify route doing one prepared better-sqlite3 INSERT into the same \`feedback\` table per request; baseline and single-item requests run in interleaved rounds of 500 so both see the same machine load; the ratio of the rounds ranged from ${roundRatios[0].toFixed(2)}× to ${roundRatios[roundRatios.length - 1].toFixed(2)}× (median ${roundRatios[roundRatios.length >> 1].toFixed(2)}×).`,
      '',
      '| path | work | throughput | vs bare route | goal |',
      '|---|---|---|---|---|',
      `| bare Fastify route + 1 INSERT | ${fmt(singles)} requests | ${fmt(bareRate.perSecond)} req/s | 1.00× | — |`,
      `| \`POST /api/v1/feedback\`, one item (auth, validation, idempotency lookup, history event) | ${fmt(singles)} requests | ${fmt(singleRate.perSecond)} req/s | ${singleRatio.toFixed(2)}× | ≥ 0.5× ${singleRatio >= 0.5 ? '✓' : '✗'} |`,
      `| \`POST /api/v1/feedback\` \`{items}\`, ${fmt(batchSize)} per batch, with contacts and accounts | ${fmt(batchItems)} items | ${fmt(itemsPerSecond)} items/s | ${batchRatio.toFixed(2)}× | ≥ 10,000 items/s ${itemsPerSecond >= 10_000 ? '✓' : '✗'} |`,
      '',
    ].join('\n');
  } finally {
    await full.close();
    await bare.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
