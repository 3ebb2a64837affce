/**
 * Scale benchmark of the pattern engine on synthetic feedback (there is no real corpus of 1M items):
 * texts are generated from a pseudo-word vocabulary with a seeded PRNG — each pattern has its own key
 * words inside a shared topic, plus common filler words. Measures suggestion latency with the
 * partitioned index vs brute force over every pattern, discovery time and peak RSS on 100k items,
 * and the memory of the live index.
 */
import { discoverPatterns } from '../src/patterns/discover.ts';
import { PatternIndex } from '../src/patterns/pattern-index.ts';
import { createRng, type Rng } from '../src/patterns/prng.ts';
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

interface Generator {
  text(pattern: number): string;
  patternOfItem(): number;
}

function generator(patterns: number, rng: Rng): Generator {
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

/** Runs the benchmark and returns a markdown section. 'quick' = 100k items / 2k patterns. */
export async function benchPatterns(opts: { scale: 'full' | 'quick' }): Promise<string> {
  const full = opts.scale === 'full';
  const items = full ? 1_000_000 : 100_000;
  const patterns = full ? 20_000 : 2_000;
  const discoveryItems = full ? 100_000 : 20_000;
  const rng = createRng(2024);
  const gen = generator(patterns, rng);
  const lines: string[] = [
    `### Pattern engine benchmark (${opts.scale}: ${items.toLocaleString('en')} linked items, ${patterns.toLocaleString('en')} patterns, discovery of ${discoveryItems.toLocaleString('en')} items)`,
    '',
    'Brute force = the same scoring (centroid cosine + example re-rank of the shortlist) over every pattern.',
    '',
  ];

  // Discovery first, so the process peak RSS reflects discovery rather than the large index.
  const discTexts = Array.from({ length: discoveryItems }, () => gen.text(gen.patternOfItem()));
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

  const tFit = performance.now();
  const model = TextModel.fit(Array.from({ length: 20000 }, () => gen.text(gen.patternOfItem())));
  const fitSeconds = (performance.now() - tFit) / 1000;
  const index = new PatternIndex({ model });
  const heapBefore = process.memoryUsage();
  const tBuild = performance.now();
  for (let p = 0; p < patterns; p++) index.addExample(`p${p}`, `seed-${p}`, gen.text(p));
  for (let i = patterns; i < items; i++) {
    const p = gen.patternOfItem();
    index.addExample(`p${p}`, `i${i}`, gen.text(p));
  }
  index.rebuildPartition();
  const buildSeconds = (performance.now() - tBuild) / 1000;
  const heapAfter = process.memoryUsage();
  const indexBytes =
    heapAfter.heapUsed + heapAfter.arrayBuffers - (heapBefore.heapUsed + heapBefore.arrayBuffers);

  const truth: number[] = [];
  const queries = Array.from({ length: 300 }, () => {
    const p = gen.patternOfItem();
    truth.push(p);
    return model.embed(gen.text(p));
  });
  let rightFast = 0;
  let rightBrute = 0;
  const fast: number[] = [];
  const brute: number[] = [];
  let agreeTop1 = 0;
  let agreeTop3 = 0;
  for (const q of queries) {
    let t = performance.now();
    const a = index.suggest(q, { limit: 3 });
    fast.push(performance.now() - t);
    t = performance.now();
    const b = index.suggest(q, { limit: 3, exhaustive: true });
    brute.push(performance.now() - t);
    if (a.suggestions[0]?.patternId === b.suggestions[0]?.patternId) agreeTop1++;
    const want = `p${truth[brute.length - 1]}`;
    if (a.suggestions[0]?.patternId === want) rightFast++;
    if (b.suggestions[0]?.patternId === want) rightBrute++;
    const bs = new Set(b.suggestions.map((s) => s.patternId));
    agreeTop3 += a.suggestions.filter((s) => bs.has(s.patternId)).length / Math.max(1, bs.size);
  }
  const ratio = percentile(brute, 0.5) / percentile(fast, 0.5);
  const ratio99 = percentile(brute, 0.99) / percentile(fast, 0.99);
  lines.push(
    `- index: ${items.toLocaleString('en')} linked items in ${patterns.toLocaleString('en')} patterns, ` +
      `built in ${buildSeconds.toFixed(0)} s (embedding included; model fit ${fitSeconds.toFixed(1)} s, ${model.dims} dims)`,
    `- suggestion latency (300 queries): partitioned p50 ${percentile(fast, 0.5).toFixed(2)} ms / p99 ${percentile(fast, 0.99).toFixed(2)} ms; ` +
      `brute force p50 ${percentile(brute, 0.5).toFixed(2)} ms / p99 ${percentile(brute, 0.99).toFixed(2)} ms; speed-up ×${ratio.toFixed(1)} at p50, ×${ratio99.toFixed(1)} at p99`,
    `- agreement with brute force: top-1 ${((agreeTop1 / queries.length) * 100).toFixed(1)}%, top-3 overlap ${((agreeTop3 / queries.length) * 100).toFixed(1)}%; ` +
      `top-1 = the pattern that generated the query: partitioned ${((rightFast / queries.length) * 100).toFixed(1)}%, brute force ${((rightBrute / queries.length) * 100).toFixed(1)}% ` +
      '(synthetic patterns share key words, so many queries are near-ties between patterns)',
    `- live index memory: ${mb(indexBytes)} measured (heap + array buffers), ${mb(index.approximateBytes())} estimated; ` +
      `≈ ${mb((indexBytes / items) * 1_000_000)} per 1M linked items`,
  );
  return lines.join('\n');
}
