/**
 * The representation: text → unit-length dense vector. It is fitted on the unlabelled corpus (all
 * feedback the product has seen) and combines
 *  - an LSA block: TF-IDF of stems, bigrams and char n-grams projected on the corpus' top singular
 *    directions, which captures co-occurrence ("refund" ~ "money back");
 *  - a lexical block: a signed hashing sketch of the same TF-IDF vector, which keeps exact-term detail
 *    the low-rank projection blurs and works even before any fit;
 *  - a word-vector block: the IDF-weighted mean of pre-trained word vectors (`word-vectors.ts`) minus
 *    the corpus' common component (Arora et al. 2017), which relates words no link has related yet.
 * New texts update the document frequencies incrementally; the projection only changes on `refit`,
 * which bumps `version` so stored vectors can be recognised as stale.
 */
import { createRng } from './prng.ts';
import { type CsrMatrix, randomizedSvd } from './randomized-svd.ts';
import { HASH_SPACE, hashTerm, type SparseVector, sparseFromMap } from './sparse-vector.ts';
import { symmetricEigen } from './symmetric-eigen.ts';
import { extractTerms, type TermBag, words as wordsOf } from './tokenize.ts';
import { type WordVectors, wordVectors } from './word-vectors.ts';

/** Length of the word-vector block (the shipped vectors' dimensions). */
export const WORD_VECTOR_DIMS = 100;

/** Tunable knobs; defaults were chosen on CLINC150 val and HWU64 train (see README). */
export interface TextModelOptions {
  /** Rank of the LSA block. */
  lsaDims?: number;
  /** Size of the lexical sketch block (0 disables it). */
  lexicalDims?: number;
  /** Share of squared norm given to the lexical block, 0..1. */
  lexicalWeight?: number;
  /** Relative weights of the three term kinds inside the TF-IDF vector. */
  stemWeight?: number;
  bigramWeight?: number;
  charWeight?: number;
  /** Features (most frequent with df ≥ 2) kept for the projection. */
  maxFeatures?: number;
  /** At most this many documents (a deterministic sample) are used for the SVD. */
  maxFitDocs?: number;
  /** LSA coordinates are scaled by σ^-power before normalising (0 = classic LSA, 1 = whitened). */
  sigmaPower?: number;
  /**
   * Share of squared norm given to the pre-trained word-vector block, 0..1 (0 leaves the block out:
   * 100 fewer dims). Models stored before the block existed load with 0.
   */
  wordVectorWeight?: number;
  /**
   * Pseudo-documents holding no term, added to the corpus when estimating document frequencies (of
   * the TF-IDF vector and the word models' weights): a model fitted on no texts (a fresh
   * installation) weighs every term alike instead of giving all weight 0, so its word models work
   * from the first link; against thousands of texts 50 change nothing measurable. Models stored
   * without it load with 0.
   */
  priorDocuments?: number;
  /**
   * Pseudo-documents of general English behind the word-vector block's weights: each word of the
   * pre-trained vocabulary occurs in a share 1 / (frequency rank + 1) of them (Zipf's law for short
   * texts), so the block weighs "is" below "alarm" before the corpus has shown it, and a corpus of
   * a few thousand texts refines rather than replaces what a large corpus knows. Models stored
   * without it load with 0.
   */
  wordPriorDocuments?: number;
  seed?: number;
}

/**
 * Shares of the word block's top principal directions removed from every text: the first (what all
 * texts share, Arora et al. 2017) entirely, the second by half ("all-but-the-top", Mu & Viswanath
 * 2018). Measured (5 seeds): HWU64 train[0:4000] discovery NMI 67.6 → 68.9 (a quarter of the
 * second: 66.8, three quarters 68.7; 2 seeds: all of it 68.0, half of the third too 68.8), CLINC150
 * val 86.5 → 86.7, suggestions unchanged. The second direction is only shared by all texts in a
 * corpus of many topics: fitted on a handful of texts it separates their topics, and removing it
 * lowered a paraphrase's score against its pattern from 0.58 to 0.32 (13 texts, 3 topics, the
 * suggester's weights) so that "no pattern fits" was answered; it needs `minTexts` texts with known
 * words.
 */
const COMMON_DIRECTIONS: readonly { share: number; minTexts: number }[] = [
  { share: 1, minTexts: 2 },
  { share: 0.5, minTexts: 1000 },
];

const DEFAULTS: Required<TextModelOptions> = {
  lsaDims: 156,
  lexicalDims: 256,
  lexicalWeight: 0.3,
  stemWeight: 1,
  bigramWeight: 0.6,
  charWeight: 1,
  maxFeatures: 30000,
  maxFitDocs: 8000,
  sigmaPower: 0.5,
  wordVectorWeight: 0.4,
  priorDocuments: 50,
  wordPriorDocuments: 20000,
  seed: 1,
};

/** A fitted representation. Create with {@link TextModel.fit}. */
export class TextModel {
  readonly options: Required<TextModelOptions>;
  /** Incremented on every refit; vectors from another version must be re-embedded. */
  version = 0;
  private df = new Uint32Array(HASH_SPACE);
  private docCount = 0;
  /** Hashed feature id → row of `projection`, or -1. */
  private featureRow = new Int32Array(HASH_SPACE).fill(-1);
  private projection: Float32Array = new Float32Array(0);
  private rank = 0;
  private sigmaScale = new Float64Array(0);
  /** The word vectors this model was fitted with (null: none, the block stays empty). */
  private wordSource: string | null = null;
  /**
   * Directions common to the corpus' word-vector means, each scaled by the square root of the share
   * of it removed from every text (see {@link COMMON_DIRECTIONS}); none before a fit.
   */
  private commonDirections: Float64Array[] = [];

  private constructor(options: TextModelOptions) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Fits a model on a corpus (any size, including empty: then only the lexical block carries signal). */
  static fit(texts: readonly string[], options: TextModelOptions = {}): TextModel {
    const model = new TextModel(options);
    model.addTexts(texts);
    model.refit(texts);
    return model;
  }

  /** Length of every vector this model produces. */
  get dims(): number {
    return this.options.lsaDims + this.options.lexicalDims + this.wordDims;
  }

  /** The word vectors this model embeds with (package@version/words), or null. */
  get wordVectorSource(): string | null {
    return this.shippedVectors()?.source ?? null;
  }

  private get wordDims(): number {
    return this.options.wordVectorWeight > 0 ? WORD_VECTOR_DIMS : 0;
  }

  /** The shipped word vectors, if this model uses them and they are the ones it was fitted with. */
  private shippedVectors(): WordVectors | null {
    if (this.wordDims === 0 || this.wordSource === null) return null;
    const vectors = wordVectors();
    return vectors && vectors.source === this.wordSource && vectors.dims === WORD_VECTOR_DIMS
      ? vectors
      : null;
  }

  /** Number of documents seen (fit + added). */
  get documents(): number {
    return this.docCount;
  }

  /** Counts new texts into the document frequencies. Cheap: no re-projection. */
  addTexts(texts: readonly string[]): void {
    for (const t of texts) {
      for (const id of new Set(this.termCounts(t).keys())) this.df[id]++;
      this.docCount++;
    }
  }

  /**
   * Rebuilds the LSA projection from `texts` (normally the whole stored corpus) using the current
   * document frequencies. Costs seconds for tens of thousands of texts; call it in the background.
   */
  refit(texts: readonly string[]): void {
    const o = this.options;
    const rng = createRng(o.seed);
    let sample = texts;
    if (texts.length > o.maxFitDocs) {
      // Deterministic stride sample keeps the fit bounded for 100k+ corpora.
      const step = texts.length / o.maxFitDocs;
      sample = Array.from({ length: o.maxFitDocs }, (_, i) => texts[Math.floor(i * step)]);
    }
    const sampleDf = new Map<number, number>();
    const vectors = sample.map((t) => this.tfidf(t));
    for (const v of vectors) for (const id of v.idx) sampleDf.set(id, (sampleDf.get(id) ?? 0) + 1);
    const features = [...sampleDf.entries()]
      .filter(([, c]) => c >= 2)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, o.maxFeatures)
      .map(([id]) => id)
      .sort((a, b) => a - b);
    this.featureRow.fill(-1);
    features.forEach((id, row) => {
      this.featureRow[id] = row;
    });
    const matrix = this.toCsr(vectors, features.length);
    const svd = randomizedSvd(matrix, o.lsaDims, rng);
    this.rank = svd.rank;
    this.projection = svd.v;
    this.sigmaScale = new Float64Array(svd.rank);
    for (let j = 0; j < svd.rank; j++) this.sigmaScale[j] = svd.sigma[j] ** -o.sigmaPower;
    this.fitWordBlock(sample);
    this.version++;
  }

  /** Embeds one text into a unit vector of length {@link dims} (all zeros if it has no terms). */
  embed(text: string): Float32Array {
    const o = this.options;
    const out = new Float32Array(this.dims);
    const bags = extractTerms(text);
    const tf = this.tfidfOf(bags);
    if (tf.idx.length === 0) return out;
    const lsa = new Float64Array(o.lsaDims);
    const r = this.rank;
    for (let p = 0; p < tf.idx.length; p++) {
      const row = this.featureRow[tf.idx[p]];
      if (row < 0) continue;
      const w = tf.val[p];
      const off = row * r;
      for (let j = 0; j < r; j++) lsa[j] += w * this.projection[off + j];
    }
    for (let j = 0; j < r; j++) lsa[j] *= this.sigmaScale[j];
    const lex = new Float64Array(o.lexicalDims);
    for (let p = 0; p < tf.idx.length; p++) {
      const id = tf.idx[p];
      // Second hash of the id picks the sketch slot and sign (count sketch keeps dot products unbiased).
      const h = Math.imul(id ^ 0x5bd1e995, 0x27d4eb2d) >>> 0;
      lex[h % o.lexicalDims] += (h & 0x80000000 ? -1 : 1) * tf.val[p];
    }
    const lsaNorm = norm(lsa);
    const lexNorm = norm(lex);
    let wLsa = lsaNorm > 0 ? Math.sqrt(1 - o.lexicalWeight) / lsaNorm : 0;
    let wLex = lexNorm > 0 ? Math.sqrt(o.lexicalWeight) / lexNorm : 0;
    // If one block is empty the other carries the whole unit norm.
    if (wLsa === 0 && lexNorm > 0) wLex = 1 / lexNorm;
    if (wLex === 0 && lsaNorm > 0) wLsa = 1 / lsaNorm;
    // The word-vector block takes its share of the unit norm when the text has known words.
    const wordBlock = this.wordBlock(bags);
    const wordNorm = wordBlock ? norm(wordBlock) : 0;
    const base = wordNorm > 0 ? Math.sqrt(1 - o.wordVectorWeight) : 1;
    for (let j = 0; j < o.lsaDims; j++) out[j] = lsa[j] * wLsa * base;
    for (let j = 0; j < o.lexicalDims; j++) out[o.lsaDims + j] = lex[j] * wLex * base;
    if (wordBlock && wordNorm > 0) {
      const scale = Math.sqrt(o.wordVectorWeight) / wordNorm;
      const at = o.lsaDims + o.lexicalDims;
      for (let j = 0; j < WORD_VECTOR_DIMS; j++) out[at + j] = wordBlock[j] * scale;
    }
    return out;
  }

  /**
   * The vector with the word-vector block holding `weight` of the squared norm instead of the model's
   * `wordVectorWeight`, the other blocks keeping their proportions and the total its length. A vector
   * whose block is empty (no known words, or a model without the block) comes back as it is. Only the
   * model's own {@link dims} are touched, so a vector extended with an embeddings endpoint's part
   * keeps that part.
   */
  reweightWordBlock(v: Float32Array, weight: number): Float32Array {
    const w = this.options.wordVectorWeight;
    const start = this.options.lsaDims + this.options.lexicalDims;
    const end = start + this.wordDims;
    if (this.wordDims === 0 || w <= 0 || w >= 1 || weight === w || v.length < end) return v;
    let blockNorm = 0;
    for (let j = start; j < end; j++) blockNorm += v[j] * v[j];
    if (blockNorm === 0) return v;
    const out = Float32Array.from(v);
    const rest = Math.sqrt((1 - weight) / (1 - w));
    const block = Math.sqrt(weight / w);
    for (let j = 0; j < start; j++) out[j] *= rest;
    for (let j = start; j < end; j++) out[j] *= block;
    return out;
  }

  /**
   * Share of the text's words that have a pre-trained vector (0 without the word-vector block). Only
   * words of two or more letters count: the vectors leave out "a", "i" and numbers.
   */
  wordCoverage(text: string): number {
    const vectors = this.shippedVectors();
    if (!vectors) return 0;
    let words = 0;
    let known = 0;
    // Only the words: the stems and character n-grams of extractTerms would be thrown away here.
    for (const w of wordsOf(text)) {
      if (w.length < 2 || /\d/.test(w)) continue;
      words++;
      if (vectors.row(w) >= 0) known++;
    }
    return words === 0 ? 0 : known / words;
  }

  /** IDF-weighted sum of the text's word vectors, without the common directions; null if none. */
  private wordBlock(bags: TermBag, vectors = this.shippedVectors()): Float64Array | null {
    if (!vectors) return null;
    const sum = new Float64Array(WORD_VECTOR_DIMS);
    let found = false;
    for (let i = 0; i < bags.words.length; i++) {
      const row = vectors.row(bags.words[i]);
      if (row < 0) continue;
      const id = hashTerm(`w|${bags.stems[i]}`);
      const weight = Math.max(0, this.idfOf(id, this.options.wordPriorDocuments, 1 / (row + 1)) - 1);
      if (weight <= 0) continue;
      found = true;
      const off = row * WORD_VECTOR_DIMS;
      for (let k = 0; k < WORD_VECTOR_DIMS; k++) sum[k] += weight * vectors.vectors[off + k];
    }
    if (!found) return null;
    for (const direction of this.commonDirections) {
      let along = 0;
      for (let k = 0; k < WORD_VECTOR_DIMS; k++) along += sum[k] * direction[k];
      for (let k = 0; k < WORD_VECTOR_DIMS; k++) sum[k] -= along * direction[k];
    }
    return sum;
  }

  /**
   * Records which word vectors the model uses and the corpus' common directions of their means (the
   * top eigenvectors of their second moment, `symmetric-eigen.ts`), which would otherwise dominate
   * every similarity.
   */
  private fitWordBlock(sample: readonly string[]): void {
    this.wordSource = null;
    this.commonDirections = [];
    if (this.wordDims === 0) return;
    const vectors = wordVectors();
    if (!vectors || vectors.dims !== WORD_VECTOR_DIMS) return;
    this.wordSource = vectors.source;
    const sums = sample.flatMap((t) => this.wordBlock(extractTerms(t), vectors) ?? []);
    if (sums.length < 2) {
      this.commonDirections = [this.priorCommonDirection(vectors)];
      return;
    }
    const moment = new Float64Array(WORD_VECTOR_DIMS * WORD_VECTOR_DIMS);
    for (const v of sums) {
      for (let a = 0; a < WORD_VECTOR_DIMS; a++) {
        const va = v[a];
        for (let b = 0; b < WORD_VECTOR_DIMS; b++) moment[a * WORD_VECTOR_DIMS + b] += va * v[b];
      }
    }
    const { values, vectors: eigenvectors } = symmetricEigen(moment, WORD_VECTOR_DIMS);
    COMMON_DIRECTIONS.forEach(({ share, minTexts }, j) => {
      if (!(values[j] > 0) || sums.length < minTexts) return;
      const scale = Math.sqrt(share);
      this.commonDirections.push(
        Float64Array.from(
          { length: WORD_VECTOR_DIMS },
          (_, k) => scale * eigenvectors[k * WORD_VECTOR_DIMS + j],
        ),
      );
    });
  }

  /**
   * Without texts to learn it from, the common direction is the mean of what texts are made of: the
   * word vectors weighted by their frequency in general English (share 1 / (rank + 1), the word prior)
   * and by their weight in the block. Without it every text's block leans the same way, and a fresh
   * installation scored an unrelated text 0.64 against a pattern (under 0.3 with it).
   */
  private priorCommonDirection(vectors: WordVectors): Float64Array {
    const m = this.options.wordPriorDocuments;
    const mean = new Float64Array(WORD_VECTOR_DIMS);
    const rows = vectors.vectors.length / WORD_VECTOR_DIMS;
    for (let row = 0; row < rows; row++) {
      const share = 1 / (row + 1);
      // The word's weight in the block if the corpus had not seen it (document frequency 0).
      const weight = this.idfFromCounts(0, m, share) - 1;
      if (weight <= 0) continue;
      const off = row * WORD_VECTOR_DIMS;
      for (let k = 0; k < WORD_VECTOR_DIMS; k++) mean[k] += share * weight * vectors.vectors[off + k];
    }
    const n = norm(mean);
    if (n > 0) for (let k = 0; k < WORD_VECTOR_DIMS; k++) mean[k] /= n;
    return mean;
  }

  /** Inverse document frequency of a stemmed word (for explaining matches and labelling clusters). */
  stemIdf(stemmed: string): number {
    return this.idfOf(hashTerm(`w|${stemmed}`));
  }

  /** Inverse document frequency of a bigram of stems joined by a space. */
  bigramIdf(bigram: string): number {
    return this.idfOf(hashTerm(`b|${bigram}`));
  }

  /** Weighted, block-normalised TF-IDF vector over hashed ids (sublinear term frequency). */
  tfidf(text: string): SparseVector {
    return this.tfidfOf(extractTerms(text));
  }

  private tfidfOf(bags: TermBag): SparseVector {
    const o = this.options;
    const weights = new Map<number, number>();
    const addBlock = (terms: string[], prefix: string, blockWeight: number): void => {
      if (blockWeight === 0 || terms.length === 0) return;
      const counts = new Map<number, number>();
      for (const t of terms) {
        const id = hashTerm(prefix + t);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      let s = 0;
      const block: [number, number][] = [];
      for (const [id, c] of counts) {
        const w = (1 + Math.log(c)) * this.idfOf(id);
        block.push([id, w]);
        s += w * w;
      }
      const scale = blockWeight / Math.sqrt(s || 1);
      for (const [id, w] of block) weights.set(id, (weights.get(id) ?? 0) + w * scale);
    };
    addBlock(bags.stems, 'w|', o.stemWeight);
    addBlock(bags.bigrams, 'b|', o.bigramWeight);
    addBlock(bags.charGrams, 'c|', o.charWeight);
    return sparseFromMap(weights);
  }

  /**
   * log((N + m + 1) / (df + 1)) of a hashed term id, with m the empty pseudo-documents of
   * `priorDocuments`: 0 for a term in every document of a corpus without them.
   */
  termWeight(id: number): number {
    return Math.max(0, this.idfOf(id) - 1);
  }

  /** With `m` pseudo-documents, a share `priorShare` of which hold the term. */
  private idfOf(id: number, m = this.options.priorDocuments, priorShare = 0): number {
    return this.idfFromCounts(this.df[id], m, priorShare);
  }

  private idfFromCounts(df: number, m: number, priorShare: number): number {
    return Math.log((this.docCount + m + 1) / (df + m * priorShare + 1)) + 1;
  }

  private termCounts(text: string): Map<number, number> {
    const bags = extractTerms(text);
    const counts = new Map<number, number>();
    const add = (terms: string[], prefix: string): void => {
      for (const t of terms) {
        const id = hashTerm(prefix + t);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    };
    add(bags.stems, 'w|');
    add(bags.bigrams, 'b|');
    add(bags.charGrams, 'c|');
    return counts;
  }

  private toCsr(vectors: SparseVector[], cols: number): CsrMatrix {
    const ptr = new Int32Array(vectors.length + 1);
    const colList: number[] = [];
    const valList: number[] = [];
    vectors.forEach((v, r) => {
      for (let p = 0; p < v.idx.length; p++) {
        const row = this.featureRow[v.idx[p]];
        if (row >= 0) {
          colList.push(row);
          valList.push(v.val[p]);
        }
      }
      ptr[r + 1] = colList.length;
    });
    return {
      rows: vectors.length,
      cols,
      ptr,
      col: Int32Array.from(colList),
      val: Float32Array.from(valList),
    };
  }

  /** Serialises the model (options, document frequencies, projection) for storage. */
  serialize(): Buffer {
    const nz: number[] = [];
    for (let i = 0; i < HASH_SPACE; i++) if (this.df[i] > 0) nz.push(i);
    const rows: number[] = [];
    for (let i = 0; i < HASH_SPACE; i++) if (this.featureRow[i] >= 0) rows.push(i);
    const header = Buffer.from(
      JSON.stringify({
        options: this.options,
        version: this.version,
        docCount: this.docCount,
        rank: this.rank,
        wordSource: this.wordSource,
        wordDirections: this.commonDirections.length,
      }),
    );
    const parts = [
      Uint32Array.of(header.length, nz.length, rows.length),
      header,
      Uint32Array.from(nz),
      Uint32Array.from(nz.map((i) => this.df[i])),
      Uint32Array.from(rows),
      Uint32Array.from(rows.map((i) => this.featureRow[i])),
      Float64Array.from(this.sigmaScale),
      this.projection,
      ...this.commonDirections,
    ];
    return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  }

  /** Restores a model written by {@link serialize}. */
  static deserialize(buf: Uint8Array): TextModel {
    const bytes = new Uint8Array(buf.byteLength);
    bytes.set(buf);
    const ab = bytes.buffer;
    const [headerLen, nzLen, rowLen] = new Uint32Array(ab, 0, 3);
    let off = 12;
    const meta = JSON.parse(Buffer.from(ab, off, headerLen).toString('utf8'));
    off += headerLen;
    const take = (n: number): ArrayBuffer => {
      const slice = ab.slice(off, off + n);
      off += n;
      return slice;
    };
    // Models stored before the word-vector block existed have no such option: they keep 512 dims.
    // Nor had they the prior's pseudo-documents: they keep weighing terms by the corpus alone.
    const model = new TextModel({
      wordVectorWeight: 0,
      priorDocuments: 0,
      wordPriorDocuments: 0,
      ...meta.options,
    });
    model.version = meta.version;
    model.docCount = meta.docCount;
    model.rank = meta.rank;
    const nz = new Uint32Array(take(nzLen * 4));
    const dfv = new Uint32Array(take(nzLen * 4));
    nz.forEach((id, i) => {
      model.df[id] = dfv[i];
    });
    const rowIds = new Uint32Array(take(rowLen * 4));
    const rowVals = new Uint32Array(take(rowLen * 4));
    rowIds.forEach((id, i) => {
      model.featureRow[id] = rowVals[i];
    });
    model.sigmaScale = new Float64Array(take(model.rank * 8));
    model.projection = new Float32Array(take(rowLen * model.rank * 4));
    model.wordSource = meta.wordSource ?? null;
    // Before `wordDirections` was written, a model with the block stored exactly one (zeros: none).
    const directions = meta.wordDirections ?? (model.wordDims > 0 ? 1 : 0);
    for (let j = 0; j < directions; j++)
      model.commonDirections.push(new Float64Array(take(WORD_VECTOR_DIMS * 8)));
    return model;
  }
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
