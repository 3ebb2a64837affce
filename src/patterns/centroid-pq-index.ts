/**
 * Compressed codes of the pattern centroids for the suggestion shortlist (two-stage residual product
 * quantisation with exact re-scoring, as in FAISS' IVFADC-with-refine, without the coarse partition).
 *
 * Each centroid (a row of the caller's flat Float32Array) is cut into 8-dimension subspaces; stage 1
 * stores, per subspace, the nearest of 16 learned codewords (4 bits), stage 2 the same for what stage 1
 * left over (the residual). Two neighbouring 4-bit codes share a byte, so a query first builds, per byte
 * position, a 256-entry table of partial dot products and then scores a centroid with d/16 table
 * look-ups instead of d multiply-adds:
 *
 *  1. stage-1 look-ups for every centroid → keep the best `coarse` (600 at 20k patterns);
 *  2. + stage-2 look-ups for those → keep the best `refine` (60);
 *  3. exact dot products (the same `dotRows` as brute force) for those → the top k, with exact scores.
 *
 * The approximation only decides which centroids get an exact score; every returned score is exact.
 * Codes are rewritten whenever a centroid changes (≈ 16k multiply-adds), so the structure is always
 * current; codebooks are re-learned only by `train` (amortised by the caller, e.g. when the pattern
 * count doubles or the metric changes). Deterministic for a seed.
 */
import { createRng } from './prng.ts';

/** Dimensions per subspace and codewords per subspace (4 bits). */
const SUB = 8;
const KS = 16;
/** At most this many centroids (a deterministic sample) train the codebooks. */
const TRAIN_SAMPLE = 4096;
const TRAIN_ITERATIONS = 8;

/**
 * Dot product of row `row` of the flat row-major matrix `data` (row length `d`) with `q`, summed in
 * index order (bit-identical to a plain loop over the float32 query, so scores match the previous
 * per-pattern layout; `q` holds the float32 query widened once, which saves a conversion per term).
 */
export function dotRow(data: Float32Array, row: number, q: Float64Array, d: number): number {
  const o = row * d;
  let s = 0;
  for (let t = 0; t < d; t++) s += data[o + t] * q[t];
  return s;
}

/**
 * `out[i]` = `dotRow(data, rows[i], q, d)` for i < count, bit for bit, four rows at a time: each sum
 * still runs in index order, but four independent sums hide the latency of the additions (≈ 1.6×
 * faster than one row at a time in V8). The exact-scoring kernel of both brute force and the fast path.
 */
export function dotRows(
  data: Float32Array,
  rows: Int32Array,
  count: number,
  q: Float64Array,
  d: number,
  out: Float64Array,
): void {
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const o0 = rows[i] * d;
    const o1 = rows[i + 1] * d;
    const o2 = rows[i + 2] * d;
    const o3 = rows[i + 3] * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let t = 0; t < d; t++) {
      const v = q[t];
      s0 += data[o0 + t] * v;
      s1 += data[o1 + t] * v;
      s2 += data[o2 + t] * v;
      s3 += data[o3 + t] * v;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < count; i++) out[i] = dotRow(data, rows[i], q, d);
}

/** Top-k holder on typed arrays: best first, ties by lower slot. */
export class TopK {
  readonly slots: Int32Array;
  readonly scores: Float64Array;
  size = 0;

  constructor(readonly k: number) {
    this.slots = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  offer(slot: number, score: number): void {
    const { slots, scores } = this;
    if (this.size === this.k) {
      const last = this.k - 1;
      if (score < scores[last] || (score === scores[last] && slot > slots[last])) return;
    } else this.size++;
    let i = this.size - 1;
    while (i > 0 && (scores[i - 1] < score || (scores[i - 1] === score && slots[i - 1] > slot))) {
      scores[i] = scores[i - 1];
      slots[i] = slots[i - 1];
      i--;
    }
    scores[i] = score;
    slots[i] = slot;
  }
}

/** Work counters of the last search (for benchmarks and tests). */
export interface CodeSearchStats {
  scanned: number;
  coarse: number;
  exact: number;
}

/** See module comment. */
export class CentroidPqIndex {
  readonly d: number;
  /** Subspaces per stage (a multiple of 64, the last ones zero-padded) and code bytes per stage. */
  readonly subspaces: number;
  readonly bytes: number;
  /** 32-byte blocks per row and stage (the scan is unrolled over one block). */
  private readonly blocks: number;
  private books1: Float32Array;
  private books2: Float32Array;
  private codes1 = new Uint8Array(0);
  private codes2 = new Uint8Array(0);
  /** The same bytes read four at a time by the scans. */
  private words1 = new Uint32Array(0);
  private words2 = new Uint32Array(0);
  private capacity = 0;
  private trainedFlag = false;
  private readonly base: Float32Array;
  private readonly table1: Float32Array;
  private readonly table2: Float32Array;
  private readonly residual: Float32Array;
  private approx = new Float32Array(0);
  private candidates = new Int32Array(0);
  private candidateScores = new Float32Array(0);
  private sample = new Float32Array(0);
  private exactScores = new Float64Array(0);
  private scratch = new Float32Array(0);
  readonly stats: CodeSearchStats = { scanned: 0, coarse: 0, exact: 0 };

  constructor(d: number) {
    this.d = d;
    this.blocks = Math.ceil(Math.ceil(d / SUB) / 64);
    this.subspaces = this.blocks * 64;
    this.bytes = this.subspaces / 2;
    this.books1 = new Float32Array(this.subspaces * KS * SUB);
    this.books2 = new Float32Array(this.subspaces * KS * SUB);
    this.base = new Float32Array(this.subspaces * KS);
    this.table1 = new Float32Array(this.bytes * 256);
    this.table2 = new Float32Array(this.bytes * 256);
    this.residual = new Float32Array(this.subspaces * SUB);
  }

  /** Whether codebooks exist (`train` was called). */
  get trained(): boolean {
    return this.trainedFlag;
  }

  /** Code bytes held (both stages, whole capacity). */
  get byteLength(): number {
    return this.codes1.byteLength + this.codes2.byteLength + this.approx.byteLength;
  }

  /** Makes room for slots < `capacity`. */
  ensureCapacity(capacity: number): void {
    if (capacity <= this.capacity) return;
    const grow = (old: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
      const next = new Uint8Array(capacity * this.bytes);
      next.set(old);
      return next;
    };
    this.codes1 = grow(this.codes1);
    this.codes2 = grow(this.codes2);
    this.words1 = new Uint32Array(this.codes1.buffer);
    this.words2 = new Uint32Array(this.codes2.buffer);
    this.approx = new Float32Array(capacity);
    this.capacity = capacity;
  }

  /**
   * Learns both codebooks from the rows `slots` of `data` (k-means per subspace on a deterministic
   * sample) and encodes every given slot.
   */
  train(data: Float32Array, slots: ArrayLike<number>, seed = 1): void {
    const rng = createRng(seed);
    const n = slots.length;
    const take = Math.min(n, TRAIN_SAMPLE);
    // Deterministic sample without replacement (partial Fisher–Yates over positions).
    const pos = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < take; i++) {
      const j = i + rng.int(n - i);
      const t = pos[i];
      pos[i] = pos[j];
      pos[j] = t;
    }
    const width = this.subspaces * SUB;
    const sample = new Float32Array(take * width);
    for (let i = 0; i < take; i++)
      sample.set(data.subarray(slots[pos[i]] * this.d, (slots[pos[i]] + 1) * this.d), i * width);
    this.books1 = trainBooks(sample, take, this.subspaces, rng);
    // Stage 2 learns what stage 1 leaves over.
    for (let i = 0; i < take; i++) {
      const row = sample.subarray(i * width, (i + 1) * width);
      subtractNearest(row, this.books1, this.subspaces, null, 0);
    }
    this.books2 = trainBooks(sample, take, this.subspaces, rng);
    this.trainedFlag = true;
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, slots[i] + 1);
    this.ensureCapacity(max);
    for (let i = 0; i < n; i++) this.encode(data, slots[i]);
  }

  /** Rewrites the codes of `slot` from its current row in `data` (no-op before `train`). */
  encode(data: Float32Array, slot: number): void {
    if (!this.trainedFlag) return;
    if (slot >= this.capacity) this.ensureCapacity(Math.max(slot + 1, Math.ceil(this.capacity * 1.5)));
    const r = this.residual;
    r.fill(0);
    r.set(data.subarray(slot * this.d, (slot + 1) * this.d));
    const o = slot * this.bytes;
    subtractNearest(r, this.books1, this.subspaces, this.codes1, o);
    subtractNearest(r, this.books2, this.subspaces, this.codes2, o);
  }

  /**
   * The `k` best slots for `query` by exact dot product with their rows of `data`, among slots
   * `< end` with `live[slot] = 1` (`liveCount` of them) and not `skip`ped, found through the codes
   * (see module comment).
   */
  search(
    query: Float64Array,
    data: Float32Array,
    live: Uint8Array,
    end: number,
    k: number,
    options: { liveCount: number; coarse: number; refine: number; skip?: (slot: number) => boolean },
  ): TopK {
    if (!this.trainedFlag) throw new Error('CentroidPqIndex.search before train');
    const { d } = this;
    this.buildTable(query, this.books1, this.table1);
    this.buildTable(query, this.books2, this.table2);
    const approx = this.approx;
    // Stage 1: every row below `end` (free slots too: cheaper than testing, ignored below).
    scanCodes(this.words1, this.blocks, this.table1, null, end, null, approx);
    const liveCount = options.liveCount;
    this.stats.scanned = liveCount;
    // Cut near the `coarse`-th best approximate score, estimated on every 8th live row.
    const threshold1 = this.cutEstimate(live, end, liveCount, options.coarse);
    if (this.candidates.length < liveCount) {
      this.candidates = new Int32Array(liveCount);
      this.candidateScores = new Float32Array(liveCount);
    }
    const cand = this.candidates;
    const candScore = this.candidateScores;
    let n = 0;
    for (let s = 0; s < end; s++) {
      if (approx[s] >= threshold1 && live[s] !== 0 && !options.skip?.(s)) cand[n++] = s;
    }
    // Stage 2: + residual look-ups for the candidates above the cut.
    scanCodes(this.words2, this.blocks, this.table2, cand, n, approx, candScore);
    this.stats.coarse = n;
    // Stage 3: exact scores for the best `refine` candidates.
    const threshold =
      n > options.refine
        ? kthLargest(this.scratchCopy(candScore, n), n, options.refine)
        : Number.NEGATIVE_INFINITY;
    let exact = 0;
    for (let i = 0; i < n; i++) if (candScore[i] >= threshold) cand[exact++] = cand[i];
    if (this.exactScores.length < exact) this.exactScores = new Float64Array(exact);
    dotRows(data, cand, exact, query, d, this.exactScores);
    const top = new TopK(k);
    for (let i = 0; i < exact; i++) top.offer(cand[i], this.exactScores[i]);
    this.stats.exact = exact;
    return top;
  }

  private scratchCopy(values: Float32Array, n: number): Float32Array {
    if (this.scratch.length < n) this.scratch = new Float32Array(values.length);
    this.scratch.set(values.subarray(0, n));
    return this.scratch;
  }

  /** Approximate score of the `want`-th best live row, estimated on every 8th slot (−∞ keeps all). */
  private cutEstimate(live: Uint8Array, end: number, liveCount: number, want: number): number {
    if (want >= liveCount) return Number.NEGATIVE_INFINITY;
    if (this.sample.length < (end >> 3) + 1) this.sample = new Float32Array((end >> 3) + 1);
    const sample = this.sample;
    let n = 0;
    for (let s = 0; s < end; s += 8) if (live[s] !== 0) sample[n++] = this.approx[s];
    if (n === 0) return Number.NEGATIVE_INFINITY;
    const rank = Math.min(n, Math.max(1, Math.round((want * n) / liveCount)));
    return kthLargest(sample, n, rank);
  }

  private buildTable(query: Float64Array, books: Float32Array, table: Float32Array): void {
    const { d, base } = this;
    for (let j = 0; j < this.subspaces; j++) {
      const q0 = j * SUB;
      if (q0 + SUB <= d) {
        const x0 = query[q0];
        const x1 = query[q0 + 1];
        const x2 = query[q0 + 2];
        const x3 = query[q0 + 3];
        const x4 = query[q0 + 4];
        const x5 = query[q0 + 5];
        const x6 = query[q0 + 6];
        const x7 = query[q0 + 7];
        for (let c = 0, o = j * KS * SUB; c < KS; c++, o += SUB) {
          base[j * KS + c] =
            books[o] * x0 +
            books[o + 1] * x1 +
            books[o + 2] * x2 +
            books[o + 3] * x3 +
            books[o + 4] * x4 +
            books[o + 5] * x5 +
            books[o + 6] * x6 +
            books[o + 7] * x7;
        }
        continue;
      }
      for (let c = 0; c < KS; c++) {
        const o = (j * KS + c) * SUB;
        let s = 0;
        for (let t = 0; t < SUB && q0 + t < d; t++) s += books[o + t] * query[q0 + t];
        base[j * KS + c] = s;
      }
    }
    for (let b = 0; b < this.bytes; b++) {
      const hiBase = 2 * b * KS;
      const loBase = (2 * b + 1) * KS;
      const o = b * 256;
      for (let h = 0; h < KS; h++) {
        const x = base[hiBase + h];
        for (let l = 0; l < KS; l++) table[o + h * KS + l] = x + base[loBase + l];
      }
    }
  }
}

/**
 * `out[i]` = `base[rows[i]]` + the table look-ups of row `rows[i]`'s codes (`blocks` 32-byte blocks of
 * 8 words each): byte j of a row selects entry j × 256 + byte of `table`. `rows` null = rows 0, 1, 2…
 * and `base` null = 0 (stage 1). This is the hot loop.
 */
function scanCodes(
  words: Uint32Array,
  blocks: number,
  table: Float32Array,
  rows: Int32Array | null,
  count: number,
  base: Float32Array | null,
  out: Float32Array,
): void {
  for (let k = 0; k < blocks; k++) {
    const t = table.subarray(k * 8192, (k + 1) * 8192);
    if (rows === null) scanAllRows(words, blocks * 8, k * 8, t, count, k > 0, out);
    else scanListedRows(words, blocks * 8, k * 8, t, rows, count, k === 0 ? base : null, out);
  }
}

// The two kernels below read one 32-byte block (at word `first` of each `stride`-word row). They are
// unrolled by hand with literal table offsets, which V8 runs ~2–3× faster than a byte loop (0.4–0.7 ms
// vs 1.1–1.7 ms for 20k rows), and kept as two copies because indirection through a row list costs
// the sequential stage-1 scan ~12%.

/** Rows 0…count−1: `out[i]` = (`accumulate` ? `out[i]` : 0) + the block's look-ups. */
function scanAllRows(
  words: Uint32Array,
  stride: number,
  first: number,
  t: Float32Array,
  count: number,
  accumulate: boolean,
  out: Float32Array,
): void {
  for (let i = 0, o = first; i < count; i++, o += stride) {
    let a = accumulate ? out[i] : 0;
    let b = 0;
    let w = words[o];
    a += t[w & 255] + t[512 + ((w >>> 16) & 255)];
    b += t[256 + ((w >>> 8) & 255)] + t[768 + (w >>> 24)];
    w = words[o + 1];
    a += t[1024 + (w & 255)] + t[1536 + ((w >>> 16) & 255)];
    b += t[1280 + ((w >>> 8) & 255)] + t[1792 + (w >>> 24)];
    w = words[o + 2];
    a += t[2048 + (w & 255)] + t[2560 + ((w >>> 16) & 255)];
    b += t[2304 + ((w >>> 8) & 255)] + t[2816 + (w >>> 24)];
    w = words[o + 3];
    a += t[3072 + (w & 255)] + t[3584 + ((w >>> 16) & 255)];
    b += t[3328 + ((w >>> 8) & 255)] + t[3840 + (w >>> 24)];
    w = words[o + 4];
    a += t[4096 + (w & 255)] + t[4608 + ((w >>> 16) & 255)];
    b += t[4352 + ((w >>> 8) & 255)] + t[4864 + (w >>> 24)];
    w = words[o + 5];
    a += t[5120 + (w & 255)] + t[5632 + ((w >>> 16) & 255)];
    b += t[5376 + ((w >>> 8) & 255)] + t[5888 + (w >>> 24)];
    w = words[o + 6];
    a += t[6144 + (w & 255)] + t[6656 + ((w >>> 16) & 255)];
    b += t[6400 + ((w >>> 8) & 255)] + t[6912 + (w >>> 24)];
    w = words[o + 7];
    a += t[7168 + (w & 255)] + t[7680 + ((w >>> 16) & 255)];
    b += t[7424 + ((w >>> 8) & 255)] + t[7936 + (w >>> 24)];
    out[i] = a + b;
  }
}

/** Listed rows: `out[i]` = (`base` ? `base[rows[i]]` : `out[i]`) + the block's look-ups of row `rows[i]`. */
function scanListedRows(
  words: Uint32Array,
  stride: number,
  first: number,
  t: Float32Array,
  rows: Int32Array,
  count: number,
  base: Float32Array | null,
  out: Float32Array,
): void {
  for (let i = 0; i < count; i++) {
    const row = rows[i];
    const o = row * stride + first;
    let a = base === null ? out[i] : base[row];
    let b = 0;
    let w = words[o];
    a += t[w & 255] + t[512 + ((w >>> 16) & 255)];
    b += t[256 + ((w >>> 8) & 255)] + t[768 + (w >>> 24)];
    w = words[o + 1];
    a += t[1024 + (w & 255)] + t[1536 + ((w >>> 16) & 255)];
    b += t[1280 + ((w >>> 8) & 255)] + t[1792 + (w >>> 24)];
    w = words[o + 2];
    a += t[2048 + (w & 255)] + t[2560 + ((w >>> 16) & 255)];
    b += t[2304 + ((w >>> 8) & 255)] + t[2816 + (w >>> 24)];
    w = words[o + 3];
    a += t[3072 + (w & 255)] + t[3584 + ((w >>> 16) & 255)];
    b += t[3328 + ((w >>> 8) & 255)] + t[3840 + (w >>> 24)];
    w = words[o + 4];
    a += t[4096 + (w & 255)] + t[4608 + ((w >>> 16) & 255)];
    b += t[4352 + ((w >>> 8) & 255)] + t[4864 + (w >>> 24)];
    w = words[o + 5];
    a += t[5120 + (w & 255)] + t[5632 + ((w >>> 16) & 255)];
    b += t[5376 + ((w >>> 8) & 255)] + t[5888 + (w >>> 24)];
    w = words[o + 6];
    a += t[6144 + (w & 255)] + t[6656 + ((w >>> 16) & 255)];
    b += t[6400 + ((w >>> 8) & 255)] + t[6912 + (w >>> 24)];
    w = words[o + 7];
    a += t[7168 + (w & 255)] + t[7680 + ((w >>> 16) & 255)];
    b += t[7424 + ((w >>> 8) & 255)] + t[7936 + (w >>> 24)];
    out[i] = a + b;
  }
}

/**
 * Index of the codeword (of the KS at `books[b0..]`, SUB floats each) nearest to `x[o..o+SUB)` in
 * squared distance; the first wins ties. The 8-dimension distance is unrolled (SUB = 8).
 */
function nearestCodeword(x: Float32Array, o: number, books: Float32Array, b0: number): number {
  const x0 = x[o];
  const x1 = x[o + 1];
  const x2 = x[o + 2];
  const x3 = x[o + 3];
  const x4 = x[o + 4];
  const x5 = x[o + 5];
  const x6 = x[o + 6];
  const x7 = x[o + 7];
  let best = 0;
  let bestDist = Number.POSITIVE_INFINITY;
  for (let c = 0, k = b0; c < KS; c++, k += SUB) {
    const d0 = x0 - books[k];
    const d1 = x1 - books[k + 1];
    const d2 = x2 - books[k + 2];
    const d3 = x3 - books[k + 3];
    const d4 = x4 - books[k + 4];
    const d5 = x5 - books[k + 5];
    const d6 = x6 - books[k + 6];
    const d7 = x7 - books[k + 7];
    const dist = d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3 + d4 * d4 + d5 * d5 + d6 * d6 + d7 * d7;
    if (dist < bestDist) {
      bestDist = dist;
      best = c;
    }
  }
  return best;
}

/**
 * For each subspace: finds the nearest codeword to `row`'s part, subtracts it from `row` (leaving the
 * residual) and, when `codes` is given, writes its index as a nibble (even subspace = high nibble).
 */
function subtractNearest(
  row: Float32Array,
  books: Float32Array,
  subspaces: number,
  codes: Uint8Array | null,
  offset: number,
): void {
  for (let j = 0; j < subspaces; j++) {
    const r0 = j * SUB;
    const best = nearestCodeword(row, r0, books, j * KS * SUB);
    const o = (j * KS + best) * SUB;
    for (let t = 0; t < SUB; t++) row[r0 + t] -= books[o + t];
    if (codes) {
      const at = offset + (j >> 1);
      codes[at] = j & 1 ? (codes[at] & 0xf0) | best : (codes[at] & 0x0f) | (best << 4);
    }
  }
}

/** k-means (Lloyd, seeded from random sample rows) per subspace; returns subspaces × KS × SUB. */
function trainBooks(
  sample: Float32Array,
  n: number,
  subspaces: number,
  rng: ReturnType<typeof createRng>,
): Float32Array {
  const width = subspaces * SUB;
  const books = new Float32Array(subspaces * KS * SUB);
  if (n === 0) return books;
  const assign = new Int32Array(n);
  const sums = new Float64Array(KS * SUB);
  const counts = new Int32Array(KS);
  // One subspace's slice of every sample row, contiguous (the rows are `width` floats apart).
  const x = new Float32Array(n * SUB);
  for (let j = 0; j < subspaces; j++) {
    const r0 = j * SUB;
    const b0 = j * KS * SUB;
    for (let i = 0; i < n; i++) x.set(sample.subarray(i * width + r0, i * width + r0 + SUB), i * SUB);
    for (let c = 0; c < KS; c++) {
      const i = rng.int(n);
      for (let t = 0; t < SUB; t++) books[b0 + c * SUB + t] = x[i * SUB + t];
    }
    for (let it = 0; it < TRAIN_ITERATIONS; it++) {
      for (let i = 0; i < n; i++) assign[i] = nearestCodeword(x, i * SUB, books, b0);
      sums.fill(0);
      counts.fill(0);
      for (let i = 0; i < n; i++) {
        const c = assign[i];
        counts[c]++;
        for (let t = 0; t < SUB; t++) sums[c * SUB + t] += x[i * SUB + t];
      }
      for (let c = 0; c < KS; c++) {
        if (counts[c] === 0) {
          // Empty cluster: restart it on a random sample row.
          const i = rng.int(n);
          for (let t = 0; t < SUB; t++) books[b0 + c * SUB + t] = x[i * SUB + t];
          continue;
        }
        for (let t = 0; t < SUB; t++) books[b0 + c * SUB + t] = sums[c * SUB + t] / counts[c];
      }
    }
  }
  return books;
}

/** The k-th largest of a[0..n) (1 ≤ k ≤ n), by quickselect: reorders `a`. */
function kthLargest(a: Float32Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const want = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else break;
  }
  return a[want];
}
