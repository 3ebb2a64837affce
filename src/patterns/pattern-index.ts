/**
 * PatternIndex: the live set of patterns with their linked examples, answering "which patterns does
 * this new feedback belong to?". Each pattern is summarised by the normalised sum of its example
 * vectors (centroid); the top centroid candidates are re-ranked with the nearest examples, which helps
 * patterns whose examples phrase the need in several distinct ways. Everything is incremental: a link
 * or unlink updates one sum and moves one pattern between partition cells.
 */

import { CentroidPartition } from './centroid-partition.ts';
import { isStopWord } from './cluster-labels.ts';
import { applyWhitening, learnWhitening, type WhiteningMetric } from './metric-learning.ts';
import { addDequantized, dotQuantized, type QuantizedVector, quantize } from './quantize.ts';
import { stem } from './stemmer.ts';
import type { TextModel } from './text-model.ts';
import { words } from './tokenize.ts';

/** One suggested pattern. */
export interface Suggestion {
  patternId: string;
  /** Similarity in 0..1 (cosine, clamped). */
  score: number;
  /** Query words that also occur in the pattern's examples, most informative first. */
  matchedTerms: string[];
}

/** Answer of {@link PatternIndex.suggest}. */
export interface SuggestResult {
  suggestions: Suggestion[];
  /** True when even the best pattern scores below the calibrated threshold. */
  noneFits: boolean;
}

/** Construction options. */
export interface PatternIndexOptions {
  /** Needed to accept texts (not only vectors) and to explain matches. */
  model?: TextModel;
  /** Vector length; defaults to the model's. Set it when vectors combine the model's with others. */
  dims?: number;
  /** Top score below this → noneFits. Calibrated on CLINC150 (see README). */
  noneFitsThreshold?: number;
  /** Weight of the nearest-example similarity in the final score (0 = centroid only). */
  exampleWeight?: number;
  /** Below this many patterns every centroid is scored (no partition). */
  exhaustiveBelow?: number;
  /** Cells probed per query once partitioned (0 = automatic: max(4, cells / 16), about 6% of patterns). */
  probes?: number;
  /**
   * Cells each pattern is listed in (1 = hard assignment; 2 raised top-1 agreement with brute force
   * from 64% to 77% at 20k confusable synthetic patterns, for twice the latency).
   */
  partitionReplicas?: number;
  /** Shrinkage of the learned metric toward plain cosine (1 = never learn). */
  metricShrinkage?: number;
}

/** Options of a single query. */
export interface SuggestOptions {
  limit?: number;
  /** Score every pattern (reference answers for tests and benchmarks). */
  exhaustive?: boolean;
  /** The query's text when a vector is passed, so matched terms can still be explained. */
  text?: string;
  /** Patterns never to suggest (e.g. those the item is already linked to). */
  exclude?: ReadonlySet<string>;
}

interface PatternEntry {
  sum: Float64Array;
  centroid: Float32Array;
  examples: Map<string, QuantizedVector>;
  /** Stem → number of examples containing it; stem → a surface form. */
  stems: Map<string, number>;
  surface: Map<string, string>;
  exampleStems: Map<string, string[]>;
}

/** Examples per candidate pattern compared with the query in the re-ranking step. */
const RERANK_EXAMPLES = 32;

/** Default noneFits threshold: best accuracy on CLINC150 val (in-scope) vs the first half of oos_test (bench/patterns-calibrate.ts). */
export const DEFAULT_NONE_FITS_THRESHOLD = 0.35;

/** See module comment. */
export class PatternIndex {
  readonly dims: number;
  private readonly model?: TextModel;
  private readonly options: Required<Omit<PatternIndexOptions, 'model' | 'dims'>>;
  private readonly patterns = new Map<string, PatternEntry>();
  private partition: CentroidPartition;
  private partitionBuiltAt = 0;
  private examples = 0;
  private metric: WhiteningMetric | null = null;

  constructor(options: PatternIndexOptions) {
    this.model = options.model;
    const dims = options.dims ?? options.model?.dims;
    if (!dims || dims <= 0) throw new Error('PatternIndex needs a model or positive dims');
    this.dims = dims;
    this.options = {
      noneFitsThreshold: options.noneFitsThreshold ?? DEFAULT_NONE_FITS_THRESHOLD,
      exampleWeight: options.exampleWeight ?? 0.3,
      exhaustiveBelow: options.exhaustiveBelow ?? 1000,
      probes: options.probes ?? 0,
      metricShrinkage: options.metricShrinkage ?? 0.15,
      partitionReplicas: options.partitionReplicas ?? 1,
    };
    this.partition = new CentroidPartition(dims, this.options.partitionReplicas);
  }

  /** Number of patterns. */
  get patternCount(): number {
    return this.patterns.size;
  }

  /** Number of linked examples over all patterns. */
  get exampleCount(): number {
    return this.examples;
  }

  /** Pattern ids currently held. */
  patternIds(): string[] {
    return [...this.patterns.keys()];
  }

  /**
   * Links an item to a pattern (creating the pattern if new). `input` is the item's text or its
   * stored vector; pass `text` alongside a vector so matched terms can still be explained.
   * Re-adding an existing item replaces its vector.
   */
  addExample(patternId: string, itemId: string, input: string | Float32Array, text?: string): void {
    const vector = this.toVector(input);
    const entry = this.patterns.get(patternId) ?? this.createPattern(patternId);
    if (entry.examples.has(itemId)) this.detach(entry, itemId);
    const qv = quantize(vector);
    entry.examples.set(itemId, qv);
    addDequantized(entry.sum, qv, 1);
    // Explanations need only a sample of each pattern's wording; tracking the first 64 examples
    // keeps per-item memory at 1M links down to the int8 vector.
    const stems =
      entry.exampleStems.size < 64 ? this.stemsOf(typeof input === 'string' ? input : text, entry) : [];
    if (stems.length > 0) entry.exampleStems.set(itemId, stems);
    for (const s of stems) entry.stems.set(s, (entry.stems.get(s) ?? 0) + 1);
    this.examples++;
    this.refreshCentroid(patternId, entry);
  }

  /** Unlinks an item; returns false if it was not linked. An emptied pattern stays (with no signal). */
  removeExample(patternId: string, itemId: string): boolean {
    const entry = this.patterns.get(patternId);
    if (!entry?.examples.has(itemId)) return false;
    this.detach(entry, itemId);
    this.refreshCentroid(patternId, entry);
    return true;
  }

  /** Deletes a pattern and its links. */
  removePattern(patternId: string): boolean {
    const entry = this.patterns.get(patternId);
    if (!entry) return false;
    this.examples -= entry.examples.size;
    this.patterns.delete(patternId);
    this.partition.remove(patternId);
    return true;
  }

  /** Moves every example of `fromId` into `intoId` (created if missing) and deletes `fromId`. */
  mergePatterns(fromId: string, intoId: string): void {
    if (fromId === intoId) return;
    const from = this.patterns.get(fromId);
    if (!from) return;
    const into = this.patterns.get(intoId) ?? this.createPattern(intoId);
    for (const [itemId, qv] of from.examples) {
      if (into.examples.has(itemId)) this.detach(into, itemId);
      into.examples.set(itemId, qv);
      addDequantized(into.sum, qv, 1);
      const stems = from.exampleStems.get(itemId) ?? [];
      if (stems.length > 0) into.exampleStems.set(itemId, stems);
      for (const s of stems) into.stems.set(s, (into.stems.get(s) ?? 0) + 1);
      this.examples++;
    }
    for (const [s, w] of from.surface) if (!into.surface.has(s)) into.surface.set(s, w);
    this.removePattern(fromId);
    this.refreshCentroid(intoId, into);
  }

  /** Ranks patterns for a new item. Empty text or an empty index → no suggestions, noneFits. */
  suggest(input: string | Float32Array, options: SuggestOptions = {}): SuggestResult {
    const limit = Math.max(1, Math.floor(options.limit ?? 3));
    const query = this.toVector(input);
    let qn = 0;
    for (let i = 0; i < query.length; i++) qn += query[i] * query[i];
    if (qn === 0 || this.patterns.size === 0) return { suggestions: [], noneFits: true };
    this.maybeRebuildPartition();
    const metricQuery = this.metric ? applyWhitening(this.metric, query) : query;
    const candidates =
      options.exhaustive || this.partition.size === 0
        ? this.patterns.keys()
        : this.partition.candidates(
            metricQuery,
            this.options.probes > 0 ? this.options.probes : Math.max(4, Math.ceil(this.partition.size / 16)),
          );
    const shortlist = Math.max(limit * 3, 10);
    const top: [string, number][] = [];
    for (const id of candidates) {
      if (options.exclude?.has(id)) continue;
      const c = this.patterns.get(id)!.centroid;
      let s = 0;
      for (let t = 0; t < c.length; t++) s += c[t] * metricQuery[t];
      if (top.length < shortlist || s > top[top.length - 1][1]) {
        top.push([id, s]);
        top.sort((a, b) => b[1] - a[1]);
        if (top.length > shortlist) top.pop();
      }
    }
    const w = this.options.exampleWeight;
    const rescored = top.map(([id, s]) => {
      if (w === 0) return [id, s] as [string, number];
      // Mean of the two closest examples: robust to one mislabelled link, sharper than the centroid.
      let best = Number.NEGATIVE_INFINITY;
      let second = Number.NEGATIVE_INFINITY;
      // Only the first RERANK_EXAMPLES examples: big patterns (thousands of links) would otherwise
      // dominate latency (measured: 64 → 32 changes no CLINC/HWU answer, those patterns have 10 links).
      let seen = 0;
      for (const qv of this.patterns.get(id)!.examples.values()) {
        if (seen++ >= RERANK_EXAMPLES) break;
        const e = dotQuantized(query, qv);
        if (e > best) {
          second = best;
          best = e;
        } else if (e > second) second = e;
      }
      const near = second === Number.NEGATIVE_INFINITY ? best : (best + second) / 2;
      return [id, (1 - w) * s + w * near] as [string, number];
    });
    rescored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const queryText = typeof input === 'string' ? input : options.text;
    const queryStems = queryText ? this.queryStems(queryText) : new Map<string, string>();
    const suggestions = rescored.slice(0, limit).map(([patternId, s]) => ({
      patternId,
      score: Math.max(0, Math.min(1, s)),
      matchedTerms: this.matchedTerms(queryStems, this.patterns.get(patternId)!),
    }));
    return { suggestions, noneFits: (suggestions[0]?.score ?? 0) < this.options.noneFitsThreshold };
  }

  /**
   * Learns the whitening metric from the current links (see metric-learning.ts) and re-derives every
   * centroid under it. O(N·d² + P·d²): meant for the server's periodic background refit, not per link.
   * At most `maxExamples` examples (spread over patterns) are used.
   */
  learnMetric(maxExamples = 20000): boolean {
    if (this.options.metricShrinkage >= 1) return false;
    const perPattern = Math.max(2, Math.ceil(maxExamples / Math.max(1, this.patterns.size)));
    const groups: Float64Array[][] = [];
    for (const e of this.patterns.values()) {
      const g: Float64Array[] = [];
      for (const qv of e.examples.values()) {
        if (g.length >= perPattern) break;
        const x = new Float64Array(this.dims);
        addDequantized(x, qv, 1);
        g.push(x);
      }
      groups.push(g);
    }
    this.metric = learnWhitening(groups, this.dims, this.options.metricShrinkage);
    for (const [id, e] of this.patterns) this.refreshCentroid(id, e, false);
    if (this.partition.size > 0) this.rebuildPartition();
    return this.metric !== null;
  }

  /** Forces the coarse partition to be rebuilt now (normally done lazily as the index grows). */
  rebuildPartition(seed = 1): void {
    if (this.patterns.size < this.options.exhaustiveBelow) {
      this.partition = new CentroidPartition(this.dims, this.options.partitionReplicas);
      this.partitionBuiltAt = 0;
      return;
    }
    const centroids = new Map<string, Float32Array>();
    for (const [id, e] of this.patterns) centroids.set(id, e.centroid);
    this.partition.rebuild(centroids, seed);
    this.partitionBuiltAt = this.patterns.size;
  }

  /** Rough bytes held by vectors (sums, centroids, int8 examples), for capacity planning. */
  approximateBytes(): number {
    const perPattern = this.dims * (8 + 4) + 200;
    const perExample = this.dims + 8 + 120;
    return this.patterns.size * perPattern + this.examples * perExample;
  }

  private maybeRebuildPartition(): void {
    const n = this.patterns.size;
    // Rebuild when the index has doubled since the last build: amortised O(1) per added pattern.
    if (
      n >= this.options.exhaustiveBelow &&
      (this.partitionBuiltAt === 0 || n >= this.partitionBuiltAt * 2)
    ) {
      this.rebuildPartition();
    }
  }

  private createPattern(id: string): PatternEntry {
    const entry: PatternEntry = {
      sum: new Float64Array(this.dims),
      centroid: new Float32Array(this.dims),
      examples: new Map(),
      stems: new Map(),
      surface: new Map(),
      exampleStems: new Map(),
    };
    this.patterns.set(id, entry);
    return entry;
  }

  private detach(entry: PatternEntry, itemId: string): void {
    const qv = entry.examples.get(itemId)!;
    addDequantized(entry.sum, qv, -1);
    entry.examples.delete(itemId);
    for (const s of entry.exampleStems.get(itemId) ?? []) {
      const c = (entry.stems.get(s) ?? 1) - 1;
      if (c <= 0) entry.stems.delete(s);
      else entry.stems.set(s, c);
    }
    entry.exampleStems.delete(itemId);
    this.examples--;
  }

  private refreshCentroid(id: string, entry: PatternEntry, place = true): void {
    if (this.metric) {
      entry.centroid.set(applyWhitening(this.metric, entry.sum));
      if (place) this.partition.place(id, entry.centroid);
      return;
    }
    let s = 0;
    for (let i = 0; i < this.dims; i++) s += entry.sum[i] * entry.sum[i];
    const n = Math.sqrt(s);
    for (let i = 0; i < this.dims; i++) entry.centroid[i] = n > 1e-9 ? entry.sum[i] / n : 0;
    if (place) this.partition.place(id, entry.centroid);
  }

  private toVector(input: string | Float32Array): Float32Array {
    if (typeof input === 'string') {
      if (!this.model) throw new Error('PatternIndex was created without a model: pass vectors, not text');
      return this.model.embed(input);
    }
    if (input.length !== this.dims)
      throw new Error(`vector has ${input.length} dims, index expects ${this.dims}`);
    return input;
  }

  private stemsOf(text: string | undefined, entry: PatternEntry): string[] {
    if (!text) return [];
    const out = new Set<string>();
    for (const w of words(text).slice(0, 200)) {
      const s = stem(w);
      out.add(s);
      if (!entry.surface.has(s)) entry.surface.set(s, w);
    }
    return [...out];
  }

  private queryStems(text: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const w of words(text).slice(0, 200)) out.set(stem(w), w);
    return out;
  }

  private matchedTerms(queryStems: Map<string, string>, entry: PatternEntry): string[] {
    const hits = [...queryStems.entries()].filter(([s, w]) => entry.stems.has(s) && !isStopWord(w));
    const idf = (s: string): number => this.model?.stemIdf(s) ?? 1;
    hits.sort((a, b) => idf(b[0]) - idf(a[0]) || (a[0] < b[0] ? -1 : 1));
    return hits.slice(0, 5).map(([, w]) => w);
  }
}
