/**
 * PatternIndex: the live set of patterns with their linked examples, answering "which patterns does
 * this new feedback belong to?". Each pattern is summarised by the normalised sum of its example
 * vectors (centroid); the top centroid candidates are re-ranked with the nearest examples, which helps
 * patterns whose examples phrase the need in several distinct ways. Everything is incremental: a link
 * or unlink updates one sum, one centroid row and that row's compressed codes.
 *
 * Layout (for speed and memory at 1M links): patterns live in integer slots; all centroids are rows of
 * one flat Float32Array (scanned by brute force and re-scored by the fast path alike); each pattern's
 * examples are rows of one packed Int8Array block in insertion order (removed rows are tombstones
 * until the block is compacted), with item id → row in one Map; explanation stems are integer ids.
 * Above `exhaustiveBelow` patterns the shortlist comes from product-quantised codes of the centroids
 * (centroid-pq-index.ts) with exact re-scoring of the best ~60 candidates.
 */

import { CentroidPqIndex, dotRows, TopK } from './centroid-pq-index.ts';
import { isStopWord } from './cluster-labels.ts';
import { applyWhitening, learnWhitening, type WhiteningMetric } from './metric-learning.ts';
import { addDequantizedRow, dotQuantizedRows, quantizeRow } from './quantize.ts';
import { SortedCounts } from './sorted-counts.ts';
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
  /** Below this many patterns every centroid is scored exactly (no codes). */
  exhaustiveBelow?: number;
  /**
   * Centroids re-scored exactly per query once codes are used (0 = automatic: 6 × the shortlist,
   * i.e. 60 for the default limit of 3).
   */
  exactCandidates?: number;
  /**
   * Centroids kept after the first (coarsest) code stage (0 = automatic: max(10 × exactCandidates,
   * patterns / 33), i.e. 600 at 20k patterns).
   */
  coarseCandidates?: number;
  /** Shrinkage of the learned metric toward plain cosine (1 = never learn). */
  metricShrinkage?: number;
}

/** Options of a single query. */
export interface SuggestOptions {
  limit?: number;
  /**
   * Patterns whose examples re-score the centroid ranking before the best `limit` are kept
   * (default max(3 × limit, 10)); a caller that re-orders a long shortlist itself can ask for fewer.
   */
  pool?: number;
  /** Score every pattern (reference answers for tests and benchmarks). */
  exhaustive?: boolean;
  /** The query's text when a vector is passed, so matched terms can still be explained. */
  text?: string;
  /** Patterns never to suggest (e.g. those the item is already linked to). */
  exclude?: ReadonlySet<string>;
}

interface PatternEntry {
  slot: number;
  sum: Float64Array;
  /** Example rows (int8, `dims` each) in insertion order; `scales[row] < 0` marks a removed row. */
  block: Int8Array;
  scales: Float64Array;
  /** Rows in use (live + removed). */
  rows: number;
  /** Item id → row; iteration order is row order. */
  rowOf: Map<string, number>;
  /** Explanations: how many tracked examples contain each stem id. */
  stems: SortedCounts<Int32Array>;
  /** Stem ids of the tracked examples as segments [row, n, id × n]. */
  tracked: Int32Array;
  trackedLength: number;
  trackedCount: number;
}

/** Examples per candidate pattern compared with the query in the re-ranking step. */
const RERANK_EXAMPLES = 32;
/** Examples per pattern whose words are kept for explanations. */
const TRACKED_EXAMPLES = 64;

/** Default noneFits threshold: best accuracy on CLINC150 val (in-scope) vs the first half of oos_test (bench/patterns-calibrate.ts). */
export const DEFAULT_NONE_FITS_THRESHOLD = 0.35;

/** See module comment. */
export class PatternIndex {
  readonly dims: number;
  private readonly model?: TextModel;
  private readonly options: Required<Omit<PatternIndexOptions, 'model' | 'dims'>>;
  /** Pattern id → slot (iteration order = creation order); slot → id / entry. */
  private readonly slotOf = new Map<string, number>();
  private idOf: (string | undefined)[] = [];
  private entries: (PatternEntry | undefined)[] = [];
  /** Row `slot` = the pattern's centroid (under the metric when learned); zero for free slots. */
  private centroids = new Float32Array(0);
  private live = new Uint8Array(0);
  private slotCapacity = 0;
  /** One past the highest slot ever used. */
  private slotEnd = 0;
  private readonly freeSlots: number[] = [];
  private readonly codes: CentroidPqIndex;
  /** Pattern count when the codebooks were last trained (0 = not trained). */
  private codesTrainedAt = 0;
  private examples = 0;
  private metric: WhiteningMetric | null = null;
  private lastStats = { scanned: 0, coarse: 0, exact: 0 };
  /** Scratch of the brute-force scan and of the re-rank. */
  private rowList = new Int32Array(0);
  private rowScores = new Float64Array(0);
  private readonly exampleRows = new Int32Array(RERANK_EXAMPLES);
  private readonly exampleSims = new Float64Array(RERANK_EXAMPLES);
  /** Stem ↔ integer id, shared by all patterns. */
  private readonly stemIds = new Map<string, number>();

  constructor(options: PatternIndexOptions) {
    this.model = options.model;
    const dims = options.dims ?? options.model?.dims;
    if (!dims || dims <= 0) throw new Error('PatternIndex needs a model or positive dims');
    this.dims = dims;
    this.options = {
      noneFitsThreshold: options.noneFitsThreshold ?? DEFAULT_NONE_FITS_THRESHOLD,
      exampleWeight: options.exampleWeight ?? 0.3,
      exhaustiveBelow: options.exhaustiveBelow ?? 1000,
      exactCandidates: options.exactCandidates ?? 0,
      coarseCandidates: options.coarseCandidates ?? 0,
      metricShrinkage: options.metricShrinkage ?? 0.15,
    };
    this.codes = new CentroidPqIndex(dims);
  }

  /** Number of patterns. */
  get patternCount(): number {
    return this.slotOf.size;
  }

  /** Number of linked examples over all patterns. */
  get exampleCount(): number {
    return this.examples;
  }

  /** Work of the last `suggest`: centroids scanned through codes, through residual codes, scored exactly. */
  lastSearchStats(): { scanned: number; coarse: number; exact: number } {
    return { ...this.lastStats };
  }

  /** Pattern ids currently held. */
  patternIds(): string[] {
    return [...this.slotOf.keys()];
  }

  /**
   * Links an item to a pattern (creating the pattern if new). `input` is the item's text or its
   * stored vector; pass `text` alongside a vector so matched terms can still be explained.
   * Re-adding an existing item replaces its vector.
   */
  addExample(patternId: string, itemId: string, input: string | Float32Array, text?: string): void {
    const vector = this.toVector(input);
    const entry = this.entryOf(patternId) ?? this.createPattern(patternId);
    if (entry.rowOf.has(itemId)) this.detach(entry, itemId);
    const row = this.appendRow(entry, itemId);
    entry.scales[row] = quantizeRow(vector, entry.block, row);
    addDequantizedRow(entry.sum, entry.block, row, entry.scales[row], 1);
    // Explanations need only a sample of each pattern's wording; tracking the first 64 examples
    // keeps per-item memory at 1M links down to the int8 vector.
    if (entry.trackedCount < TRACKED_EXAMPLES) {
      const stems = this.stemIdsOf(typeof input === 'string' ? input : text);
      if (stems.length > 0) this.track(entry, row, stems);
    }
    this.examples++;
    this.refreshCentroid(entry);
  }

  /** Unlinks an item; returns false if it was not linked. An emptied pattern stays (with no signal). */
  removeExample(patternId: string, itemId: string): boolean {
    const entry = this.entryOf(patternId);
    if (!entry?.rowOf.has(itemId)) return false;
    this.detach(entry, itemId);
    this.refreshCentroid(entry);
    return true;
  }

  /** Deletes a pattern and its links. */
  removePattern(patternId: string): boolean {
    const slot = this.slotOf.get(patternId);
    if (slot === undefined) return false;
    this.examples -= this.entries[slot]!.rowOf.size;
    this.slotOf.delete(patternId);
    this.entries[slot] = undefined;
    this.idOf[slot] = undefined;
    this.live[slot] = 0;
    this.centroids.fill(0, slot * this.dims, (slot + 1) * this.dims);
    this.freeSlots.push(slot);
    return true;
  }

  /** Moves every example of `fromId` into `intoId` (created if missing) and deletes `fromId`. */
  mergePatterns(fromId: string, intoId: string): void {
    if (fromId === intoId) return;
    const from = this.entryOf(fromId);
    if (!from) return;
    const into = this.entryOf(intoId) ?? this.createPattern(intoId);
    const stemsOfRow = new Map<number, Int32Array>();
    for (let o = 0; o < from.trackedLength; o += 2 + from.tracked[o + 1]) {
      stemsOfRow.set(from.tracked[o], from.tracked.slice(o + 2, o + 2 + from.tracked[o + 1]));
    }
    for (const [itemId, fromRow] of from.rowOf) {
      if (into.rowOf.has(itemId)) this.detach(into, itemId);
      const row = this.appendRow(into, itemId);
      into.block.set(from.block.subarray(fromRow * this.dims, (fromRow + 1) * this.dims), row * this.dims);
      into.scales[row] = from.scales[fromRow];
      addDequantizedRow(into.sum, into.block, row, into.scales[row], 1);
      const stems = stemsOfRow.get(fromRow);
      if (stems) this.track(into, row, stems);
      this.examples++;
    }
    this.removePattern(fromId);
    this.refreshCentroid(into);
  }

  /** Ranks patterns for a new item. Empty text or an empty index → no suggestions, noneFits. */
  suggest(input: string | Float32Array, options: SuggestOptions = {}): SuggestResult {
    const limit = Math.max(1, Math.floor(options.limit ?? 3));
    const query = this.toVector(input);
    let qn = 0;
    for (let i = 0; i < query.length; i++) qn += query[i] * query[i];
    if (qn === 0 || this.slotOf.size === 0) return { suggestions: [], noneFits: true };
    this.maybeTrainCodes();
    const metricQuery = Float64Array.from(this.metric ? applyWhitening(this.metric, query) : query);
    const rawQuery = Float64Array.from(query);
    const shortlist = Math.max(limit, Math.floor(options.pool ?? Math.max(limit * 3, 10)));
    const exclude = options.exclude;
    const skip = exclude && exclude.size > 0 ? (slot: number) => exclude.has(this.idOf[slot]!) : undefined;
    const exact = this.options.exactCandidates > 0 ? this.options.exactCandidates : 6 * shortlist;
    const useCodes = !options.exhaustive && this.codesTrainedAt > 0 && this.slotOf.size > exact;
    const top = useCodes
      ? this.codes.search(metricQuery, this.centroids, this.live, this.slotEnd, shortlist, {
          liveCount: this.slotOf.size,
          refine: exact,
          coarse:
            this.options.coarseCandidates > 0
              ? this.options.coarseCandidates
              : Math.max(10 * exact, Math.ceil(this.slotOf.size / 33)),
          skip,
        })
      : this.scanAll(metricQuery, shortlist, skip);
    this.lastStats = useCodes
      ? { ...this.codes.stats }
      : { scanned: 0, coarse: 0, exact: this.slotOf.size - (exclude?.size ?? 0) };
    const w = this.options.exampleWeight;
    const rescored: [string, number][] = [];
    for (let i = 0; i < top.size; i++) {
      const slot = top.slots[i];
      const s = top.scores[i];
      rescored.push([this.idOf[slot]!, w === 0 ? s : (1 - w) * s + w * this.nearExamples(slot, rawQuery)]);
    }
    rescored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const queryText = typeof input === 'string' ? input : options.text;
    const queryStems = queryText ? this.queryStems(queryText) : new Map<string, string>();
    const suggestions = rescored.slice(0, limit).map(([patternId, s]) => ({
      patternId,
      score: Math.max(0, Math.min(1, s)),
      matchedTerms: this.matchedTerms(queryStems, this.entryOf(patternId)!),
    }));
    return { suggestions, noneFits: (suggestions[0]?.score ?? 0) < this.options.noneFitsThreshold };
  }

  /**
   * The examples of a pattern most similar to a vector (cosine of the stored int8 rows), best first:
   * the quotes that show why the pattern was suggested. Reads at most `scan` examples, the first
   * linked ones, so a pattern with thousands of links costs a bounded time.
   */
  nearestExamples(
    patternId: string,
    input: Float32Array,
    k = 3,
    scan = 2_000,
  ): Array<{ itemId: string; similarity: number }> {
    const entry = this.entryOf(patternId);
    if (!entry || k <= 0) return [];
    const query = Float64Array.from(this.toVector(input));
    const ids: string[] = [];
    const rows = new Int32Array(Math.min(scan, entry.rowOf.size));
    for (const [itemId, row] of entry.rowOf) {
      if (ids.length === rows.length) break;
      if (entry.scales[row] < 0) continue;
      rows[ids.length] = row;
      ids.push(itemId);
    }
    const sims = new Float64Array(ids.length);
    dotQuantizedRows(query, entry.block, rows, ids.length, entry.scales, sims);
    return ids
      .map((itemId, i) => ({ itemId, similarity: sims[i] }))
      .sort((a, b) => b.similarity - a.similarity || (a.itemId < b.itemId ? -1 : 1))
      .slice(0, k);
  }

  /**
   * Learns the whitening metric from the current links (see metric-learning.ts) and re-derives every
   * centroid under it. O(N·d² + P·d²): meant for the server's periodic background refit, not per link.
   * At most `maxExamples` examples (spread over patterns) are used.
   */
  learnMetric(maxExamples = 20000): boolean {
    if (this.options.metricShrinkage >= 1) return false;
    const perPattern = Math.max(2, Math.ceil(maxExamples / Math.max(1, this.slotOf.size)));
    const groups: Float64Array[][] = [];
    for (const slot of this.slotOf.values()) {
      const e = this.entries[slot]!;
      const g: Float64Array[] = [];
      for (let row = 0; row < e.rows && g.length < perPattern; row++) {
        if (e.scales[row] < 0) continue;
        const x = new Float64Array(this.dims);
        addDequantizedRow(x, e.block, row, e.scales[row], 1);
        g.push(x);
      }
      groups.push(g);
    }
    this.metric = learnWhitening(groups, this.dims, this.options.metricShrinkage);
    for (const slot of this.slotOf.values()) this.refreshCentroid(this.entries[slot]!, false);
    if (this.codesTrainedAt > 0) this.rebuildPartition();
    return this.metric !== null;
  }

  /**
   * Re-learns the centroid codebooks now and re-encodes every centroid (normally done lazily when the
   * pattern count doubles, and after `learnMetric`). Below `exhaustiveBelow` patterns the codes are
   * dropped and every query scores all centroids exactly. Also trims every example block to its
   * size (the ~12% of spare rows left by growth), since this runs after bulk loads.
   */
  rebuildPartition(seed = 1): void {
    for (const slot of this.slotOf.values()) this.trim(this.entries[slot]!);
    if (this.slotOf.size < this.options.exhaustiveBelow) {
      this.codesTrainedAt = 0;
      return;
    }
    this.codes.train(this.centroids, [...this.slotOf.values()], seed);
    this.codesTrainedAt = this.slotOf.size;
  }

  /**
   * Bytes held by the index: typed arrays counted exactly (centroids, sums, example blocks with their
   * spare rows, codes, stems), maps and strings estimated. For capacity planning.
   */
  approximateBytes(): number {
    let bytes = this.centroids.byteLength + this.live.byteLength + this.codes.byteLength;
    for (const slot of this.slotOf.values()) {
      const e = this.entries[slot]!;
      bytes +=
        e.sum.byteLength +
        e.block.byteLength +
        e.scales.byteLength +
        e.stems.byteLength +
        e.tracked.byteLength +
        // Entry object, typed-array headers, map table; per example a map entry and the id string.
        400 +
        e.rowOf.size * 72;
    }
    return bytes + this.stemIds.size * 64;
  }

  private maybeTrainCodes(): void {
    const n = this.slotOf.size;
    // Retrain when the index has doubled since the last training: amortised O(1) per added pattern.
    if (n >= this.options.exhaustiveBelow && (this.codesTrainedAt === 0 || n >= this.codesTrainedAt * 2)) {
      this.rebuildPartition();
    }
  }

  /** Brute force: every live centroid row, exact dot product (the reference the codes are measured against). */
  private scanAll(query: Float64Array, k: number, skip?: (slot: number) => boolean): TopK {
    const { live } = this;
    if (this.rowList.length < this.slotEnd) {
      this.rowList = new Int32Array(this.slotCapacity);
      this.rowScores = new Float64Array(this.slotCapacity);
    }
    const rows = this.rowList;
    let n = 0;
    for (let slot = 0; slot < this.slotEnd; slot++) if (live[slot] !== 0 && !skip?.(slot)) rows[n++] = slot;
    dotRows(this.centroids, rows, n, query, this.dims, this.rowScores);
    const top = new TopK(k);
    for (let i = 0; i < n; i++) top.offer(rows[i], this.rowScores[i]);
    return top;
  }

  /** Mean similarity of the query with the two closest of the first RERANK_EXAMPLES examples. */
  private nearExamples(slot: number, query: Float64Array): number {
    const e = this.entries[slot]!;
    // Only the first RERANK_EXAMPLES examples: big patterns (thousands of links) would otherwise
    // dominate latency (measured: 64 → 32 changes no CLINC/HWU answer, those patterns have 10 links).
    const rows = this.exampleRows;
    let n = 0;
    for (let row = 0; row < e.rows && n < RERANK_EXAMPLES; row++) if (e.scales[row] >= 0) rows[n++] = row;
    const sims = this.exampleSims;
    dotQuantizedRows(query, e.block, rows, n, e.scales, sims);
    // Mean of the two closest examples: robust to one mislabelled link, sharper than the centroid.
    let best = Number.NEGATIVE_INFINITY;
    let second = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const s = sims[i];
      if (s > best) {
        second = best;
        best = s;
      } else if (s > second) second = s;
    }
    return second === Number.NEGATIVE_INFINITY ? best : (best + second) / 2;
  }

  private entryOf(patternId: string): PatternEntry | undefined {
    const slot = this.slotOf.get(patternId);
    return slot === undefined ? undefined : this.entries[slot];
  }

  private createPattern(id: string): PatternEntry {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotEnd++;
      if (slot >= this.slotCapacity) this.growSlots(Math.max(64, Math.ceil(this.slotCapacity * 1.5)));
    }
    const entry: PatternEntry = {
      slot,
      sum: new Float64Array(this.dims),
      block: new Int8Array(0),
      scales: new Float64Array(0),
      rows: 0,
      rowOf: new Map(),
      stems: new SortedCounts(new Int32Array(0)),
      tracked: new Int32Array(0),
      trackedLength: 0,
      trackedCount: 0,
    };
    this.slotOf.set(id, slot);
    this.idOf[slot] = id;
    this.entries[slot] = entry;
    this.live[slot] = 1;
    return entry;
  }

  private growSlots(capacity: number): void {
    const centroids = new Float32Array(capacity * this.dims);
    centroids.set(this.centroids);
    this.centroids = centroids;
    const live = new Uint8Array(capacity);
    live.set(this.live);
    this.live = live;
    this.slotCapacity = capacity;
    this.codes.ensureCapacity(capacity);
  }

  /** Reserves the next row of `entry` for `itemId` (growing the block by ~25%). */
  private appendRow(entry: PatternEntry, itemId: string): number {
    const cap = entry.scales.length;
    if (entry.rows === cap) this.resizeRows(entry, Math.max(entry.rows + 1, Math.ceil(cap * 1.25)));
    const row = entry.rows++;
    entry.rowOf.set(itemId, row);
    return row;
  }

  private resizeRows(entry: PatternEntry, capacity: number): void {
    const block = new Int8Array(capacity * this.dims);
    block.set(entry.block.subarray(0, Math.min(entry.rows, capacity) * this.dims));
    entry.block = block;
    const scales = new Float64Array(capacity);
    scales.set(entry.scales.subarray(0, Math.min(entry.rows, capacity)));
    entry.scales = scales;
  }

  private detach(entry: PatternEntry, itemId: string): void {
    const row = entry.rowOf.get(itemId)!;
    addDequantizedRow(entry.sum, entry.block, row, entry.scales[row], -1);
    entry.scales[row] = -1;
    entry.rowOf.delete(itemId);
    this.untrack(entry, row);
    this.examples--;
    // Compact once removed rows outnumber live ones: amortised O(dims) per removal.
    const dead = entry.rows - entry.rowOf.size;
    if (dead > 8 && dead > entry.rowOf.size) this.compact(entry);
  }

  /** Drops removed rows and spare capacity (example rows, tracked stems, stem counts). */
  private trim(entry: PatternEntry): void {
    if (entry.rows > entry.rowOf.size) this.compact(entry, 1);
    else if (entry.scales.length > entry.rows) this.resizeRows(entry, Math.max(1, entry.rows));
    if (entry.tracked.length > entry.trackedLength)
      entry.tracked = entry.tracked.slice(0, entry.trackedLength);
    entry.stems.trim();
  }

  /** Drops removed rows, keeping insertion order, and shrinks the block to `spare` × the live rows. */
  private compact(entry: PatternEntry, spare = 1.25): void {
    const d = this.dims;
    const newRow = new Int32Array(entry.rows).fill(-1);
    let next = 0;
    for (const [itemId, row] of entry.rowOf) {
      if (row !== next) {
        entry.block.copyWithin(next * d, row * d, (row + 1) * d);
        entry.scales[next] = entry.scales[row];
      }
      newRow[row] = next;
      entry.rowOf.set(itemId, next);
      next++;
    }
    for (let o = 0; o < entry.trackedLength; o += 2 + entry.tracked[o + 1]) {
      entry.tracked[o] = newRow[entry.tracked[o]];
    }
    entry.rows = next;
    this.resizeRows(entry, Math.max(1, Math.ceil(next * spare)));
  }

  private track(entry: PatternEntry, row: number, stems: ArrayLike<number>): void {
    const need = entry.trackedLength + 2 + stems.length;
    if (need > entry.tracked.length) {
      const tracked = new Int32Array(Math.max(need, Math.ceil(entry.tracked.length * 1.5)));
      tracked.set(entry.tracked.subarray(0, entry.trackedLength));
      entry.tracked = tracked;
    }
    const o = entry.trackedLength;
    entry.tracked[o] = row;
    entry.tracked[o + 1] = stems.length;
    for (let i = 0; i < stems.length; i++) {
      entry.tracked[o + 2 + i] = stems[i];
      this.countStem(entry, stems[i], 1);
    }
    entry.trackedLength = need;
    entry.trackedCount++;
  }

  private untrack(entry: PatternEntry, row: number): void {
    const t = entry.tracked;
    for (let o = 0; o < entry.trackedLength; o += 2 + t[o + 1]) {
      if (t[o] !== row) continue;
      const n = t[o + 1];
      for (let i = 0; i < n; i++) this.countStem(entry, t[o + 2 + i], -1);
      t.copyWithin(o, o + 2 + n, entry.trackedLength);
      entry.trackedLength -= 2 + n;
      entry.trackedCount--;
      return;
    }
  }

  /** Adds `delta` to the count of stem `id` in the pattern's sorted stem arrays. */
  private countStem(entry: PatternEntry, id: number, delta: 1 | -1): void {
    const stems = entry.stems;
    const at = stems.find(id);
    if (at >= 0) {
      stems.values[at] += delta;
      if (stems.values[at] <= 0) stems.removeAt(at);
    } else if (delta > 0) stems.insert(-at - 1, id, 1);
  }

  private refreshCentroid(entry: PatternEntry, encode = true): void {
    const o = entry.slot * this.dims;
    if (this.metric) {
      this.centroids.set(applyWhitening(this.metric, entry.sum), o);
    } else {
      let s = 0;
      for (let i = 0; i < this.dims; i++) s += entry.sum[i] * entry.sum[i];
      const n = Math.sqrt(s);
      for (let i = 0; i < this.dims; i++) this.centroids[o + i] = n > 1e-9 ? entry.sum[i] / n : 0;
    }
    if (encode && this.codesTrainedAt > 0) this.codes.encode(this.centroids, entry.slot);
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

  /** Distinct stem ids of a text's first 200 words, in order of first occurrence. */
  private stemIdsOf(text: string | undefined): number[] {
    if (!text) return [];
    const out: number[] = [];
    const seen = new Set<number>();
    for (const w of words(text).slice(0, 200)) {
      const s = stem(w);
      let id = this.stemIds.get(s);
      if (id === undefined) {
        id = this.stemIds.size;
        this.stemIds.set(s, id);
      }
      if (!seen.has(id)) {
        seen.add(id);
        out.push(id);
      }
    }
    return out;
  }

  /** Per pattern, the query's words that also occur in its linked feedback, rarest first (at most 5). */
  explain(text: string, patternIds: readonly string[]): string[][] {
    const queryStems = this.queryStems(text);
    return patternIds.map((id) => {
      const entry = this.entryOf(id);
      return entry ? this.matchedTerms(queryStems, entry) : [];
    });
  }

  private queryStems(text: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const w of words(text).slice(0, 200)) out.set(stem(w), w);
    return out;
  }

  private matchedTerms(queryStems: Map<string, string>, entry: PatternEntry): string[] {
    const hits = [...queryStems.entries()].filter(([s, w]) => {
      const id = this.stemIds.get(s);
      return id !== undefined && entry.stems.find(id) >= 0 && !isStopWord(w);
    });
    const idf = (s: string): number => this.model?.stemIdf(s) ?? 1;
    hits.sort((a, b) => idf(b[0]) - idf(a[0]) || (a[0] < b[0] ? -1 : 1));
    return hits.slice(0, 5).map(([, w]) => w);
  }
}
