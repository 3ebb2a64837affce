/**
 * Near-duplicate grouping, so an inbox shows one complaint with "×10" instead of ten copies.
 * Uses the lexical TF-IDF cosine (not the LSA part: two different complaints about the same topic are
 * similar in meaning but are not duplicates). Candidate pairs come from an inverted index over the
 * rarest terms of each text, so the cost stays near-linear for large inboxes.
 */
import { type SparseVector, sparseDot, sparseNorm } from './sparse-vector.ts';
import { TextModel } from './text-model.ts';

/** An item to compare. */
export interface DuplicateItem {
  id: string;
  text: string;
}

/** A group of near-duplicates (≥ 2 ids), the first id being the earliest in input order. */
export interface DuplicateGroup {
  itemIds: string[];
  /** Lowest pairwise similarity that linked the group (single linkage). */
  minSimilarity: number;
}

/** Terms per text used as blocking keys: the highest-weighted ones. */
const KEYS_PER_ITEM = 8;

/**
 * Groups items whose TF-IDF cosine is ≥ `threshold` (0..1, e.g. 0.85) with single linkage.
 * Items with no words never group. Deterministic; returns groups in input order of their first item.
 */
export function findNearDuplicates(
  items: readonly DuplicateItem[],
  threshold = 0.85,
  options: { model?: TextModel } = {},
): DuplicateGroup[] {
  if (items.length < 2) return [];
  const model = options.model ?? TextModel.fit([], { lsaDims: 0, lexicalDims: 0, wordVectorWeight: 0 });
  if (!options.model) model.addTexts(items.map((i) => i.text));
  const vectors: SparseVector[] = items.map((it) => {
    const v = model.tfidf(it.text);
    const n = sparseNorm(v);
    if (n > 0) for (let i = 0; i < v.val.length; i++) v.val[i] /= n;
    return v;
  });
  const parent = Int32Array.from({ length: items.length }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const linkSim = new Map<number, number>();
  const postings = new Map<number, number[]>();
  const checked = new Set<number>();
  vectors.forEach((v, i) => {
    if (v.idx.length === 0) return;
    const order = Array.from(v.idx.keys())
      .sort((a, b) => v.val[b] - v.val[a])
      .slice(0, KEYS_PER_ITEM);
    checked.clear();
    for (const p of order) {
      const key = v.idx[p];
      const list = postings.get(key);
      if (list) {
        for (const j of list) {
          if (checked.has(j)) continue;
          checked.add(j);
          const s = sparseDot(v, vectors[j]);
          if (s >= threshold) {
            const a = find(i);
            const b = find(j);
            const low = Math.min(s, linkSim.get(a) ?? 1, linkSim.get(b) ?? 1);
            if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
            linkSim.set(Math.min(a, b), low);
          }
        }
        // Very common keys would make this quadratic; their texts share rarer keys anyway.
        if (list.length < 2000) list.push(i);
      } else {
        postings.set(key, [i]);
      }
    }
  });
  const groups = new Map<number, number[]>();
  for (let i = 0; i < items.length; i++) {
    const r = find(i);
    const g = groups.get(r) ?? [];
    g.push(i);
    groups.set(r, g);
  }
  return [...groups.entries()]
    .filter(([, g]) => g.length > 1)
    .sort((a, b) => a[1][0] - b[1][0])
    .map(([root, g]) => ({
      itemIds: g.map((i) => items[i].id),
      minSimilarity: linkSim.get(root) ?? threshold,
    }));
}
