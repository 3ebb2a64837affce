/**
 * Scale benchmark of the pattern engine on synthetic feedback (there is no real corpus of 1M items):
 * texts are generated from a pseudo-word vocabulary with a seeded PRNG — each pattern has its own key
 * words inside a shared topic, plus common filler words. Measures suggestion latency with the
 * partitioned index vs brute force over every pattern, discovery time and peak RSS on 100k items,
 * and the memory of the live index.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { discoverPatterns } from '../src/patterns/discover.ts';
import type { PatternIndex, SuggestResult } from '../src/patterns/pattern-index.ts';
import { createRng, type Rng } from '../src/patterns/prng.ts';
import { PatternSuggester } from '../src/patterns/suggester.ts';
import { TextModel } from '../src/patterns/text-model.ts';

const SYLLABLES = 'ka lo mi ne su ra te vo pi da ge fu ho ji bu no sa ti re ma ku le zo wa'.split(' ');

function vocabulary(size: number, rng: Rng): string[] {
  const seen = new Set<string>();
  while (seen.size < size) {
    const len = 2 + rng.int(2);
    let w = '';
    for (let i = 0; i < len; i++) w += SYLLABLES[rng.int(SYLLABLES.length)];
    seen.add(w);
  }
  return [...seen];
}

/** Synthetic feedback source: `text(p)` writes one item of pattern `p`. */
export interface Generator {
  text(pattern: number): string;
  patternOfItem(): number;
}

export function generator(patterns: number, rng: Rng): Generator {
  const vocab = vocabulary(12000, rng);
  const filler = vocab.slice(0, 300);
  const topics = Math.max(1, Math.round(patterns / 40));
  const topicWords = Array.from({ length: topics }, () =>
    Array.from({ length: 6 }, () => vocab[300 + rng.int(4000)]),
  );
  const keys = Array.from({ length: patterns }, () =>
    Array.from({ length: 4 }, () => vocab[4300 + rng.int(7700)]),
  );
  const topicOf = Array.from({ length: patterns }, () => rng.int(topics));
  return {
    text(p: number): string {
      const words: string[] = [];
      const n = 6 + rng.int(7);
      for (let i = 0; i < n; i++) {
        const r = rng.next();
        if (r < 0.35) words.push(keys[p][rng.int(4)]);
        else if (r < 0.55) words.push(topicWords[topicOf[p]][rng.int(6)]);
        else words.push(filler[Math.floor(filler.length * rng.next() ** 2)]);
      }
      return words.join(' ');
    },
    // Skewed sizes, as in real products: a few patterns collect most of the feedback.
    patternOfItem: () => Math.floor(patterns * rng.next() ** 1.5),
  };
}

function percentile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Timed queries per comparison, after WARMUP untimed ones (JIT, caches) on both paths. */
const QUERIES = 500;
/** Fewer for the full brute force, which re-scores every pattern's examples (~1M int8 rows) per query. */
const FULL_BRUTE_QUERIES = 200;
const WARMUP = 20;

// A full GC before each memory reading, so the index's size is not mixed with garbage.
let gc: (() => void) | null = null;
try {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as () => void;
} catch {
  gc = null;
}
const gcAvailable = gc !== null;
async function heapNow(): Promise<number> {
  // Two collections with a pause: array buffers' backing stores are released after their owners.
  for (let i = 0; i < 2; i++) {
    gc?.();
    await sleep(100);
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

interface Comparison {
  fast50: number;
  fast99: number;
  brute50: number;
  brute99: number;
  agreeTop1: number;
  agreeTop3: number;
  rightFast: number;
  rightBrute: number;
  scanned: number;
  coarse: number;
  exact: number;
}

/**
 * Times `suggest` (fast path) against `suggest({ exhaustive: true })` (brute force: the same scoring
 * over every centroid row of the same flat array) on the same queries. The order alternates per query
 * and each timed call starts after a 1 ms pause: on a busy machine, a short call made right after a
 * 40 ms one is the likeliest to be preempted by the scheduler, which would otherwise bias the tail
 * against whichever path runs second.
 */
async function compareWithBruteForce(
  index: PatternIndex,
  queries: Float32Array[],
  truth: string[],
  suggest: (i: number, exhaustive: boolean) => SuggestResult,
): Promise<Comparison> {
  const fast: number[] = [];
  const brute: number[] = [];
  let agreeTop1 = 0;
  let agreeTop3 = 0;
  let rightFast = 0;
  let rightBrute = 0;
  const timed = (fn: () => SuggestResult, out: number[] | null): SuggestResult => {
    const t = performance.now();
    const r = fn();
    out?.push(performance.now() - t);
    return r;
  };
  const work = { scanned: 0, coarse: 0, exact: 0 };
  for (let i = 0; i < queries.length; i++) {
    const measured = i >= WARMUP;
    const runFast = (): SuggestResult => timed(() => suggest(i, false), measured ? fast : null);
    const runBrute = (): SuggestResult => timed(() => suggest(i, true), measured ? brute : null);
    let a: SuggestResult;
    let b: SuggestResult;
    await sleep(1);
    if (i % 2 === 0) {
      a = runFast();
      const stats = index.lastSearchStats();
      work.scanned += stats.scanned;
      work.coarse += stats.coarse;
      work.exact += stats.exact;
      await sleep(1);
      b = runBrute();
    } else {
      b = runBrute();
      await sleep(1);
      a = runFast();
      const stats = index.lastSearchStats();
      work.scanned += stats.scanned;
      work.coarse += stats.coarse;
      work.exact += stats.exact;
    }
    if (!measured) continue;
    if (a.suggestions[0]?.patternId === b.suggestions[0]?.patternId) agreeTop1++;
    if (a.suggestions[0]?.patternId === truth[i]) rightFast++;
    if (b.suggestions[0]?.patternId === truth[i]) rightBrute++;
    const bs = new Set(b.suggestions.map((s) => s.patternId));
    agreeTop3 += a.suggestions.filter((s) => bs.has(s.patternId)).length / Math.max(1, bs.size);
  }
  const n = fast.length;
  return {
    fast50: percentile(fast, 0.5),
    fast99: percentile(fast, 0.99),
    brute50: percentile(brute, 0.5),
    brute99: percentile(brute, 0.99),
    agreeTop1: agreeTop1 / n,
    agreeTop3: agreeTop3 / n,
    rightFast: rightFast / n,
    rightBrute: rightBrute / n,
    scanned: Math.round(work.scanned / queries.length),
    coarse: Math.round(work.coarse / queries.length),
    exact: Math.round(work.exact / queries.length),
  };
}

/**
 * Runs the benchmark and returns a markdown section. 'quick' = 100k items / 2k patterns.
 * `suggestOnly` skips the two discovery runs (the index and queries are unchanged).
 */
export async function benchPatterns(opts: {
  scale: 'full' | 'quick';
  suggestOnly?: boolean;
}): Promise<string> {
  const full = opts.scale === 'full';
  const items = full ? 1_000_000 : 100_000;
  const patterns = full ? 20_000 : 2_000;
  const discoveryItems = full ? 100_000 : 20_000;
  const rng = createRng(2024);
  const gen = generator(patterns, rng);
  const lines: string[] = [
    `### Pattern engine benchmark (${opts.scale}: ${items.toLocaleString('en')} linked items, ${patterns.toLocaleString('en')} patterns, discovery of ${discoveryItems.toLocaleString('en')} items)`,
    '',
    'Brute force = the same scoring (centroid cosine + example re-rank of the shortlist) with every centroid scored exactly, ' +
      'a scan of the same flat Float32Array of centroids the fast path re-scores from. Fast path = two-stage product-quantised ' +
      'codes of the centroids (src/patterns/centroid-pq-index.ts), exact re-scoring of the best few (60 for 3 answers), same re-rank. ' +
      '"Index alone" asks PatternIndex for 3 answers; "the server\'s path" is what `GET /api/v1/feedback/:id/suggestions` runs ' +
      '(PatternSuggester: a 20-pattern shortlist from the index, re-ordered by the word models), brute force there being the same with an exhaustive shortlist. "Full brute force" scores every pattern the way the server scores its shortlist: centroid, examples and word model.',
    '',
  ];

  // Discovery first, so the process peak RSS reflects discovery rather than the large index.
  const discTexts = Array.from({ length: discoveryItems }, () => gen.text(gen.patternOfItem()));
  // (Generated even when skipped, so the index below is the same either way.)
  if (!opts.suggestOnly) {
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const clusters = discoverPatterns(
      discTexts.map((text, i) => ({ id: String(i), text })),
      { k: 'auto', seed: 1 },
    );
    const discSeconds = (performance.now() - t0) / 1000;
    const peakRss = process.resourceUsage().maxRSS * 1024;
    lines.push(
      `- discovery of ${discoveryItems.toLocaleString('en')} unlinked items, cold (model fit + embedding included, k auto → ${clusters.length}): ` +
        `${discSeconds.toFixed(1)} s, peak RSS ${mb(peakRss)} (RSS before ${mb(rssBefore)})`,
    );
    // As the server runs it: model fitted earlier, vectors read from storage (feedback_vectors).
    const discModel = TextModel.fit(discTexts.slice(0, 20000));
    const discVectors = discTexts.map((t) => discModel.embed(t));
    const tWarm = performance.now();
    const warm = discoverPatterns(
      discTexts.map((text, i) => ({ id: String(i), text })),
      { k: 'auto', seed: 1, model: discModel, vectors: discVectors },
    );
    const warmSeconds = (performance.now() - tWarm) / 1000;
    lines.push(
      `- discovery of the same items with stored vectors (the server's path; k auto → ${warm.length}): ` +
        `${warmSeconds.toFixed(1)} s, peak RSS so far ${mb(process.resourceUsage().maxRSS * 1024)}`,
    );
    discVectors.length = 0;
  }

  const tFit = performance.now();
  const model = TextModel.fit(Array.from({ length: 20000 }, () => gen.text(gen.patternOfItem())));
  const fitSeconds = (performance.now() - tFit) / 1000;
  // What the server keeps in memory: the vector index plus each pattern's word model.
  const suggester = new PatternSuggester({ model });
  const index = suggester.index;
  const link = (p: number, itemId: string, text: string) =>
    suggester.addExample(`p${p}`, itemId, model.embed(text), text);
  const heapBefore = await heapNow();
  const tBuild = performance.now();
  for (let p = 0; p < patterns; p++) link(p, `seed-${p}`, gen.text(p));
  for (let i = patterns; i < items; i++) {
    const p = gen.patternOfItem();
    link(p, `i${i}`, gen.text(p));
  }
  const tTrain = performance.now();
  index.rebuildPartition();
  const trainSeconds = (performance.now() - tTrain) / 1000;
  const buildSeconds = (performance.now() - tBuild) / 1000;
  const liveBytes = (await heapNow()) - heapBefore;
  const indexEstimate = index.approximateBytes();
  lines.push(
    `- index: ${items.toLocaleString('en')} linked items in ${patterns.toLocaleString('en')} patterns, ` +
      `built in ${buildSeconds.toFixed(0)} s (embedding and word models included; model fit ${fitSeconds.toFixed(1)} s, ${model.dims} dims; ` +
      `centroid codebooks trained + every centroid encoded in ${trainSeconds.toFixed(1)} s)`,
    `- live memory (what the server holds: vector index + word models): ${mb(liveBytes)} measured (heap + array buffers after a full GC${gcAvailable ? '' : ' — GC not available, includes garbage'}); ` +
      `≈ ${mb((liveBytes / items) * 1_000_000)} per 1M linked items (${Math.round(liveBytes / items)} bytes per link). ` +
      `Of that, the vector index ≈ ${mb(indexEstimate)} (${Math.round(indexEstimate / items)} bytes per link, ${model.dims} of them the int8 vector), the word models the rest`,
  );

  const queryTexts: string[] = [];
  const truth: string[] = [];
  for (let i = 0; i < QUERIES + WARMUP; i++) {
    const p = gen.patternOfItem();
    truth.push(`p${p}`);
    queryTexts.push(gen.text(p));
  }
  const queries = queryTexts.map((t) => model.embed(t));
  // The index holds the suggester's view of each vector (its word-block weight), so it is asked with it.
  const indexQueries = queries.map((q, i) => suggester.vectorFor(q, queryTexts[i]));
  /**
   * 'index': PatternIndex.suggest, 3 answers. 'server': what the API runs (shortlist of 20, word
   * models), brute force scanning every centroid exactly. 'server-full': the same fast path, brute
   * force scoring every pattern the way the shortlist is scored (centroid, examples, word model).
   */
  const compare = async (
    label: string,
    count: number,
    path: 'index' | 'server' | 'server-full',
  ): Promise<void> => {
    const r = await compareWithBruteForce(
      index,
      queries.slice(0, count + WARMUP),
      truth.slice(0, count + WARMUP),
      path === 'index'
        ? (i, exhaustive) => index.suggest(indexQueries[i], { limit: 3, exhaustive })
        : (i, exhaustive) =>
            suggester.suggest(queries[i], queryTexts[i], {
              limit: 3,
              exhaustive,
              shortlist: path === 'server-full' && exhaustive ? index.patternCount : undefined,
            }),
    );
    lines.push(
      `- suggestion, ${label} (${count} queries): fast p50 ${r.fast50.toFixed(2)} ms / p99 ${r.fast99.toFixed(2)} ms; ` +
        `brute force p50 ${r.brute50.toFixed(2)} ms / p99 ${r.brute99.toFixed(2)} ms; ` +
        `**speed-up ×${(r.brute50 / r.fast50).toFixed(1)} at p50, ×${(r.brute99 / r.fast99).toFixed(1)} at p99**`,
      `  - same answers: top-1 agreement with brute force ${pct(r.agreeTop1)}, top-3 overlap ${pct(r.agreeTop3)}; ` +
        `top-1 = the pattern that generated the query: fast ${pct(r.rightFast)}, brute force ${pct(r.rightBrute)}; ` +
        `work per query: ${r.scanned} centroids scanned through 32-byte codes, ${r.coarse} through the residual codes, ${r.exact} scored exactly`,
    );
  };
  await compare('index alone, plain cosine (no metric learned yet)', QUERIES, 'index');
  const tMetric = performance.now();
  index.learnMetric();
  const metricSeconds = (performance.now() - tMetric) / 1000;
  await compare(
    `index alone, learned metric (learnMetric ${metricSeconds.toFixed(1)} s incl. re-encoding)`,
    QUERIES,
    'index',
  );
  await compare(
    "the server's path (learned metric; the index shortlists 20 patterns, their word models re-order them)",
    QUERIES,
    'server',
  );
  await compare(
    "the server's path against full brute force (every pattern scored by its centroid, its examples and its word model)",
    FULL_BRUTE_QUERIES,
    'server-full',
  );

  // Incremental maintenance: links, unlinks, merges and deletions after the codes were trained.
  // Nothing is rebuilt; each changed centroid is re-encoded on the spot.
  const added = full ? 20_000 : 5_000;
  const addLinks = Array.from({ length: added }, () => {
    const p = gen.patternOfItem();
    const text = gen.text(p);
    return [p, model.embed(text), text] as const;
  });
  const tAdd = performance.now();
  addLinks.forEach(([p, v, text], i) => {
    suggester.addExample(`p${p}`, `late-${i}`, v, text);
  });
  const addMicros = ((performance.now() - tAdd) * 1000) / added;
  const tRemove = performance.now();
  let removed = 0;
  for (let i = 0; i < added; i += 2)
    if (suggester.removeExample(`p${addLinks[i][0]}`, `late-${i}`)) removed++;
  const removeMicros = ((performance.now() - tRemove) * 1000) / Math.max(1, removed);
  for (let i = 0; i < 50; i++)
    suggester.mergePatterns(`p${patterns - 1 - 2 * i}`, `p${patterns - 2 - 2 * i}`);
  for (let i = 0; i < 50; i++) suggester.removePattern(`p${patterns - 200 - i}`);
  lines.push(
    `- incremental after training: ${added.toLocaleString('en')} links added (${addMicros.toFixed(0)} µs each incl. re-encoding the centroid and the word model, ` +
      `vectors given), ${removed.toLocaleString('en')} removed (${removeMicros.toFixed(0)} µs each), 50 merges, 50 pattern deletions; no rebuild:`,
  );
  await compare('index alone, after those changes', Math.min(QUERIES, 200), 'index');
  await compare("the server's path, after those changes", Math.min(QUERIES, 200), 'server');
  return lines.join('\n');
}
