/**
 * The word model of each pattern: a multinomial naive Bayes over the distinct stems and stem bigrams
 * of its linked examples, each counted with its inverse document frequency. It sees exact words that
 * the dense vectors blur (hashing collisions, LSA smoothing), so adding its log-likelihood to the
 * vector similarity ranks patterns better (CLINC150 val, 10 shots: top-1 80.2 → 82.5; see README).
 * Counts are sums, so linking and unlinking are exact and O(words of the item).
 */

import { resized, SortedCounts } from './sorted-counts.ts';
import { hashTerm } from './sparse-vector.ts';
import { extractTerms } from './tokenize.ts';

/** The distinct terms of a text with their weights (IDF in the corpus). */
export interface TermFeatures {
  ids: Int32Array;
  weights: Float32Array;
}

/** Extracts {@link TermFeatures}; `idf` maps a hashed term id to its weight (≥ 0). */
export function termFeatures(text: string, idf: (id: number) => number): TermFeatures {
  const bags = extractTerms(text);
  const ids = new Set<number>();
  for (const s of bags.stems) ids.add(hashTerm(`w|${s}`));
  for (const b of bags.bigrams) ids.add(hashTerm(`b|${b}`));
  const sorted = Int32Array.from(ids).sort();
  return { ids: sorted, weights: Float32Array.from(sorted, (id) => idf(id)) };
}

/**
 * What one pattern's items contributed, kept so that unlinking subtracts exactly what linking added.
 * Packed: every item's term ids and weights sit in two shared typed arrays, and the map holds only
 * a slot number (≈ 8 bytes per term plus one map entry per item, instead of two typed arrays and two
 * objects per item: a million links took ~1.4 GB that way).
 */
class ContributionLog {
  private readonly slots = new Map<string, number>();
  private starts = new Int32Array(4);
  private lengths = new Int32Array(4);
  private scales = new Float64Array(4);
  private ids = new Int32Array(32);
  private weights = new Float32Array(32);
  private slotEnd = 0;
  private readonly freeSlots: number[] = [];
  /** Entries of `ids`/`weights` in use, and those left behind by deleted items. */
  private end = 0;
  private garbage = 0;

  get size(): number {
    return this.slots.size;
  }

  has(itemId: string): boolean {
    return this.slots.has(itemId);
  }

  add(itemId: string, f: TermFeatures, w: number): void {
    const n = f.ids.length;
    if (this.end + n > this.ids.length) this.repack(n);
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotEnd++;
      if (slot >= this.starts.length) {
        const capacity = this.starts.length * 2;
        this.starts = resized(this.starts, capacity);
        this.lengths = resized(this.lengths, capacity);
        this.scales = resized(this.scales, capacity);
      }
    }
    this.ids.set(f.ids, this.end);
    this.weights.set(f.weights, this.end);
    this.starts[slot] = this.end;
    this.lengths[slot] = n;
    this.scales[slot] = w;
    this.end += n;
    this.slots.set(itemId, slot);
  }

  /** The item's contribution; its arrays are views, valid until the next add or delete. */
  get(itemId: string): { f: TermFeatures; w: number } | undefined {
    const slot = this.slots.get(itemId);
    if (slot === undefined) return undefined;
    const start = this.starts[slot];
    const end = start + this.lengths[slot];
    return {
      f: { ids: this.ids.subarray(start, end), weights: this.weights.subarray(start, end) },
      w: this.scales[slot],
    };
  }

  delete(itemId: string): boolean {
    const slot = this.slots.get(itemId);
    if (slot === undefined) return false;
    this.slots.delete(itemId);
    this.freeSlots.push(slot);
    this.garbage += this.lengths[slot];
    this.lengths[slot] = 0;
    if (this.garbage > 64 && this.garbage * 2 > this.end) this.repack(0);
    return true;
  }

  /** Every item with a copy of its contribution. */
  entries(): Array<[string, { f: TermFeatures; w: number }]> {
    return [...this.slots.keys()].map((itemId) => {
      const c = this.get(itemId)!;
      return [itemId, { f: { ids: c.f.ids.slice(), weights: c.f.weights.slice() }, w: c.w }];
    });
  }

  /** Drops deleted items' entries, with room for `extra` more. */
  private repack(extra: number): void {
    const live = this.end - this.garbage;
    let capacity = this.ids.length;
    while (capacity < (live + extra) * 1.25) capacity *= 2;
    const ids = new Int32Array(capacity);
    const weights = new Float32Array(capacity);
    let at = 0;
    for (const slot of this.slots.values()) {
      const start = this.starts[slot];
      const n = this.lengths[slot];
      ids.set(this.ids.subarray(start, start + n), at);
      weights.set(this.weights.subarray(start, start + n), at);
      this.starts[slot] = at;
      at += n;
    }
    this.ids = ids;
    this.weights = weights;
    this.end = at;
    this.garbage = 0;
  }
}

/** One pattern's weighted term counts (see SortedCounts) and their sum. */
class PatternCounts extends SortedCounts<Float64Array> {
  total = 0;

  constructor() {
    super(new Float64Array(0));
  }
}

/** Additive smoothing of the term counts. */
const ALPHA = 0.1;

/** See module comment. */
export class TermClassifier {
  private readonly patterns = new Map<string, PatternCounts>();
  /** pattern → item → the features it contributed and with what weight (to undo exactly). */
  private readonly contributions = new Map<string, ContributionLog>();
  /** How many patterns hold each term: the vocabulary size is the number of keys. */
  private readonly vocabulary = new Map<number, number>();

  /** Adds an item's terms to a pattern (`weight` < 1 for uncertain, e.g. unlabelled, evidence). */
  add(patternId: string, itemId: string, features: TermFeatures, weight = 1): void {
    if (this.contributions.get(patternId)?.has(itemId)) this.remove(patternId, itemId);
    let items = this.contributions.get(patternId);
    if (!items) {
      items = new ContributionLog();
      this.contributions.set(patternId, items);
    }
    items.add(itemId, features, weight);
    this.apply(patternId, features, weight);
  }

  /** Removes what {@link add} added; false if the item was not there. */
  remove(patternId: string, itemId: string): boolean {
    const items = this.contributions.get(patternId);
    const c = items?.get(itemId);
    if (!items || !c) return false;
    // Subtract first: the views in `c` point into the log, which deleting may compact.
    this.apply(patternId, c.f, -c.w);
    items.delete(itemId);
    if (items.size === 0) this.removePattern(patternId);
    return true;
  }

  /** Forgets a pattern. */
  removePattern(patternId: string): void {
    const p = this.patterns.get(patternId);
    if (p) for (let i = 0; i < p.size; i++) this.dropTerm(p.keys[i]);
    this.patterns.delete(patternId);
    this.contributions.delete(patternId);
  }

  /** Moves every contribution of `fromId` to `intoId`. */
  mergePatterns(fromId: string, intoId: string): void {
    if (fromId === intoId) return;
    const items = this.contributions.get(fromId)?.entries() ?? [];
    this.removePattern(fromId);
    for (const [itemId, c] of items) this.add(intoId, itemId, c.f, c.w);
  }

  /** Whether a pattern has any evidence. */
  has(patternId: string): boolean {
    return this.patterns.has(patternId);
  }

  /** Number of patterns with any evidence. */
  get size(): number {
    return this.patterns.size;
  }

  /**
   * Log-likelihood of the query's terms under each given pattern (−∞-free: unknown patterns get the
   * likelihood of an empty pattern). Comparable across patterns for one query only.
   */
  logLikelihood(query: TermFeatures, patternId: string): number {
    const p = this.patterns.get(patternId);
    const v = Math.max(1, this.vocabulary.size);
    const denominator = Math.log((p?.total ?? 0) + ALPHA * v);
    let s = 0;
    for (let i = 0; i < query.ids.length; i++) {
      const c = p ? p.get(query.ids[i]) : 0;
      s += Math.log(c + ALPHA) - denominator;
    }
    return s;
  }

  private apply(patternId: string, features: TermFeatures, weight: number): void {
    let p = this.patterns.get(patternId);
    if (!p) {
      p = new PatternCounts();
      this.patterns.set(patternId, p);
    }
    for (let i = 0; i < features.ids.length; i++) {
      const id = features.ids[i];
      const w = features.weights[i] * weight;
      const at = p.find(id);
      const after = (at >= 0 ? p.values[at] : 0) + w;
      if (Math.abs(after) < 1e-9) {
        if (at >= 0) {
          p.removeAt(at);
          this.dropTerm(id);
        }
      } else if (at >= 0) p.values[at] = after;
      else {
        this.vocabulary.set(id, (this.vocabulary.get(id) ?? 0) + 1);
        p.insert(-at - 1, id, after);
      }
      p.total += w;
    }
    if (Math.abs(p.total) < 1e-9) p.total = 0;
  }

  private dropTerm(id: number): void {
    const n = (this.vocabulary.get(id) ?? 1) - 1;
    if (n <= 0) this.vocabulary.delete(id);
    else this.vocabulary.set(id, n);
  }
}
