/**
 * Search benchmark: the top 20 of GET /api/v1/search (the use-case, without HTTP), the inbox's ?q=
 * and each inbox filter, on a database of `items` feedback items, on SQLite and (when
 * BENCH_POSTGRES_URL names a server) PostgreSQL. The baseline, measured in the same run, is what the
 * inbox's ?q= did before: a LIKE scan of the feedback text.
 *
 * Texts are pairs of real utterances (CLINC150 and HWU64 training sets, ../shared/data), so words
 * are as common or rare as in real messages. Rows are written straight into the tables (and the
 * search index through its own interface), 5,000 per transaction: seeding through the API would
 * measure ingestion, not search.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createDeps, settleDeps } from '../src/deps.ts';
import { type Actor, SYSTEM_ACTOR } from '../src/domain/authorization.ts';
import { feedbackTextKey } from '../src/domain/feedback.ts';
import { newId } from '../src/domain/ids.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import type { FeedbackTable } from '../src/store/schema.ts';
import { searchIndexFor } from '../src/store/search-dialects.ts';
import { listFeedback } from '../src/usecases/feedback.ts';
import { search } from '../src/usecases/search.ts';

export interface SearchBenchOptions {
  items?: number;
  /** Timed queries per kind. */
  queries?: number;
  /** Where the PostgreSQL run creates (and drops) its database; unset: SQLite only. */
  postgresUrl?: string | null;
}

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data');

function utterances(): string[] {
  const out: string[] = [];
  for (const file of ['clinc150/train.csv', 'hwu64/train.csv']) {
    for (const line of readFileSync(join(DATA, file), 'utf8').split('\n').slice(1)) {
      const text = line
        .replace(/,[^,]*$/, '')
        .replace(/"/g, '')
        .trim();
      if (text) out.push(text);
    }
  }
  return out;
}

const CHANNELS = ['email', 'portal', 'github', 'api', 'support'];
const SEGMENTS = ['Enterprise', 'Mid-market', 'SMB', null];
const BANDS = ['under_10k', '10k_50k', '50k_250k', '250k_1m', 'over_1m', null];

async function seed(store: Store, items: number, texts: string[], log: (m: string) => void): Promise<void> {
  const index = searchIndexFor(store.dialect);
  const start = Date.parse('2025-01-01T00:00:00Z');
  const step = (Date.parse('2026-11-01T00:00:00Z') - start) / items;
  for (let done = 0; done < items; ) {
    const n = Math.min(5_000, items - done);
    const rows: FeedbackTable[] = [];
    for (let i = 0; i < n; i++) {
      const k = done + i;
      const text = `${texts[(k * 7919) % texts.length]}. ${texts[(k * 104_729 + 13) % texts.length]}`;
      const at = new Date(start + k * step).toISOString();
      rows.push({
        id: newId(start + k * step),
        text,
        product_id: null,
        surface: null,
        channel: CHANNELS[k % CHANNELS.length],
        external_id: null,
        source_url: null,
        contact_id: null,
        received_at: at,
        // Triage keeps up: all but the newest 5% are linked or dismissed.
        status: k > items * 0.95 ? 'new' : k % 7 === 0 ? 'dismissed' : 'linked',
        dismiss_reason: null,
        text_key: feedbackTextKey(text),
        duplicate_of_id: null,
        created_at: at,
        updated_at: at,
        moderation: null,
        segment: SEGMENTS[k % SEGMENTS.length],
        arr_band: BANDS[(k * 31) % BANDS.length],
        has_suggestion: k % 3 === 0 ? 1 : 0,
      });
    }
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto('feedback')
          .values(rows.slice(i, i + 500))
          .execute();
      await index.upsert(
        trx,
        rows.map((r) => ({ type: 'feedback', id: r.id, title: '', body: r.text })),
      );
    });
    done += n;
    if (done % 100_000 === 0) log(`  seeded ${done.toLocaleString('en')} items`);
  }
  if (store.dialect === 'postgres') await sql`VACUUM ANALYZE`.execute(store.db);
}

/** Query words drawn from the corpus by frequency rank: common, middling and rare words, pairs and prefixes. */
function queryMix(texts: string[], count: number): string[] {
  const freq = new Map<string, number>();
  for (const t of texts)
    for (const w of new Set(t.toLowerCase().match(/[a-z]{3,}/g) ?? [])) freq.set(w, (freq.get(w) ?? 0) + 1);
  const ranked = [...freq].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const pick = (from: number, to: number, i: number) =>
    ranked[from + ((i * 2_654_435_761) % Math.max(1, to - from))];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    switch (i % 5) {
      case 0:
        out.push(pick(0, 50, i));
        break;
      case 1:
        out.push(pick(50, 500, i));
        break;
      case 2:
        out.push(pick(500, 3_000, i));
        break;
      case 3:
        out.push(`${pick(0, 200, i)} ${pick(0, 200, i + 7)}`);
        break;
      default:
        out.push(pick(0, 300, i).slice(0, 4));
    }
  }
  return out;
}

interface Timing {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}

async function time(runs: Array<() => Promise<unknown>>): Promise<Timing> {
  const ms: number[] = [];
  for (const run of runs) {
    const t0 = process.hrtime.bigint();
    await run();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), n: ms.length };
}

const fmt = (t: Timing) => `${t.p50.toFixed(1)} / ${t.p95.toFixed(1)} / **${t.p99.toFixed(1)}** ms (${t.n})`;

async function benchOne(
  store: Store,
  items: number,
  queries: number,
  texts: string[],
  log: (m: string) => void,
) {
  await migrateToLatest(store.db);
  const t0 = Date.now();
  await seed(store, items, texts, log);
  const seedSeconds = (Date.now() - t0) / 1000;
  const deps = createDeps({ store });
  const actor: Actor = SYSTEM_ACTOR;
  const mix = queryMix(texts, queries);
  // Warm the caches with a pass that is not timed.
  for (const q of mix.slice(0, 50)) await search(deps, actor, { q, limit: 20 });
  const rows: Array<[string, Timing]> = [];
  rows.push([
    'search, top 20 (`GET /api/v1/search?q=`)',
    await time(mix.map((q) => () => search(deps, actor, { q, limit: 20 }))),
  ]);
  rows.push([
    'search, feedback only, top 20',
    await time(mix.map((q) => () => search(deps, actor, { q, limit: 20, types: ['feedback'] }))),
  ]);
  rows.push([
    'inbox `?status=new&q=`, first page of 50',
    await time(mix.map((q) => () => listFeedback(deps, actor, { status: 'new', q, limit: 50 }))),
  ]);
  const filters: Array<[string, Parameters<typeof listFeedback>[2]]> = [
    ['inbox `channel=portal`', { status: 'new', channel: 'portal' }],
    ['inbox `segment=SMB`', { status: 'new', segment: 'SMB' }],
    ['inbox `arrBand=over_1m`', { status: 'new', arrBand: 'over_1m' }],
    ['inbox `hasSuggestion=true`', { status: 'new', hasSuggestion: 'true' }],
    [
      'inbox received in one month',
      { status: 'new', receivedFrom: '2026-09-01T00:00:00Z', receivedTo: '2026-10-01T00:00:00Z' },
    ],
  ];
  for (const [label, query] of filters) {
    rows.push([
      `${label}, first page of 50`,
      await time(Array.from({ length: 50 }, () => () => listFeedback(deps, actor, { ...query, limit: 50 }))),
    ]);
  }
  // The baseline: the LIKE scan the inbox's q used before (five words, it takes seconds at 1M).
  const like = await time(
    mix
      .slice(0, 5)
      .map(
        (q) => () =>
          store.db
            .selectFrom('feedback')
            .select('id')
            .where('status', '=', 'new')
            .where('text', 'like', `%${q}%`)
            .orderBy('received_at', 'desc')
            .limit(50)
            .execute(),
      ),
  );
  await settleDeps(deps);
  return { rows, like, seedSeconds };
}

/** Runs the benchmark and returns its markdown section. */
export async function benchSearch(options: SearchBenchOptions = {}): Promise<string> {
  const items = options.items ?? 1_000_000;
  const queries = options.queries ?? 500;
  const texts = utterances();
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const lines = [
    '## Search and inbox filters',
    '',
    `${items.toLocaleString('en')} feedback items (pairs of CLINC150/HWU64 utterances; 5% untriaged), ${queries} queries per row drawn by word frequency (common, middling, rare, two common words, 4-letter prefixes). p50 / p95 / p99 (runs). Budget: top 20 of search p99 < 50 ms at 1M on both databases.`,
    '',
  ];
  const dir = mkdtempSync(join(tmpdir(), 'productos-bench-search-'));
  const targets: Array<{ name: string; open: () => Promise<{ store: Store; drop: () => Promise<void> }> }> = [
    {
      name: 'SQLite',
      open: async () => ({
        store: openStore(`sqlite:${join(dir, 'search.db')}`),
        drop: async () => undefined,
      }),
    },
  ];
  if (options.postgresUrl) {
    const adminUrl = options.postgresUrl;
    targets.push({
      name: 'PostgreSQL',
      open: async () => {
        const name = `productos_bench_${Date.now()}`;
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const url = new URL(adminUrl);
        url.pathname = `/${name}`;
        const store = openStore(url.toString());
        return {
          store,
          drop: async () => {
            const again = new pg.Client({ connectionString: adminUrl });
            await again.connect();
            await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            await again.end();
          },
        };
      },
    });
  }
  try {
    for (const target of targets) {
      log(`bench search: ${target.name}, seeding ${items.toLocaleString('en')} items…`);
      const { store, drop } = await target.open();
      try {
        const { rows, like, seedSeconds } = await benchOne(store, items, queries, texts, log);
        const searchP50 = rows[0][1].p50;
        lines.push(
          `### ${target.name} (seeded in ${seedSeconds.toFixed(0)} s)`,
          '',
          '| query | p50 / p95 / p99 |',
          '|---|---|',
        );
        for (const [label, t] of rows) lines.push(`| ${label} | ${fmt(t)} |`);
        lines.push(`| baseline: the former \`LIKE\` scan of ?q= | ${fmt(like)} |`, '');
        lines.push(
          `Search p50 is ×${(like.p50 / searchP50).toFixed(0)} faster than the LIKE scan it replaces.`,
          '',
        );
      } finally {
        await store.close();
        await drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines.join('\n');
}
