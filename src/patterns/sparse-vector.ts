/**
 * Sparse vectors over hashed feature ids. Terms are hashed instead of kept in a growing vocabulary so
 * the feature space has a fixed size and new feedback can be added without re-indexing anything.
 */

/** Size of the hashed feature space (2^21): collisions are rare at the vocabulary sizes we see. */
export const HASH_SPACE = 1 << 21;

/** A sparse vector with strictly increasing `idx`. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** 32-bit FNV-1a hash of a string, folded into the feature space. */
export function hashTerm(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & (HASH_SPACE - 1);
}

/** Builds a sorted sparse vector from a map of id → weight, dropping zeros. */
export function sparseFromMap(weights: Map<number, number>): SparseVector {
  const ids = [...weights.keys()].filter((k) => weights.get(k) !== 0).sort((a, b) => a - b);
  const idx = new Int32Array(ids.length);
  const val = new Float32Array(ids.length);
  ids.forEach((id, i) => {
    idx[i] = id;
    val[i] = weights.get(id)!;
  });
  return { idx, val };
}

/** Euclidean norm. */
export function sparseNorm(v: SparseVector): number {
  let s = 0;
  for (let i = 0; i < v.val.length; i++) s += v.val[i] * v.val[i];
  return Math.sqrt(s);
}

/** Dot product of two sorted sparse vectors (merge walk). */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.idx.length && j < b.idx.length) {
    const x = a.idx[i];
    const y = b.idx[j];
    if (x === y) {
      s += a.val[i++] * b.val[j++];
    } else if (x < y) i++;
    else j++;
  }
  return s;
}
