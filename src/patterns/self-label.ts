/**
 * Refines a clustering with the suggestion engine (self-labelling): each cluster's most central items
 * become the links of a pattern, and the same PatternSuggester that answers the server's suggestions
 * (whitening learned from those links, a word model per pattern, EM over the other items, the hubness
 * correction) places every other item. k-means assigns by one centroid in one fixed space; the
 * suggester learns which directions and words tell these particular groups apart.
 */
import { PatternSuggester } from './suggester.ts';
import type { TextModel } from './text-model.ts';

/** Share of each cluster (its items closest to the centroid) that plays the pattern's links. */
export const SELF_LABEL_SHARE = 0.7;
/**
 * Items up to which discovery refines (the exact path: every evaluation corpus). The refinement asks
 * the suggester about every other item twice (its EM shortlist and the answer), about 1 ms each.
 */
export const SELF_LABEL_LIMIT = 15000;

export interface SelfLabelInput {
  texts: readonly string[];
  /** The items' vectors from `model` (as stored: the suggester re-weights them itself). */
  vector: (i: number) => Float32Array;
  model: TextModel;
  /** Cluster of each item (0..k−1); updated in place. */
  assignments: Int32Array;
  /** Similarity of each item to its cluster's centroid: the most central become links. */
  centrality: ArrayLike<number>;
  k: number;
}

/** Re-assigns the items outside each cluster's central share; returns how many changed cluster. */
export function selfLabel(input: SelfLabelInput, share = SELF_LABEL_SHARE): number {
  const { texts, vector, model, assignments, centrality, k } = input;
  const n = texts.length;
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) members[assignments[i]].push(i);
  // The vectors may be longer than the model's (the server appends an embeddings endpoint's).
  const suggester = new PatternSuggester({ model, dims: n > 0 ? vector(0).length : model.dims });
  const linked = new Uint8Array(n);
  for (let c = 0; c < k; c++) {
    const ranked = members[c].sort((a, b) => centrality[b] - centrality[a] || a - b);
    const take = Math.max(1, Math.round(share * ranked.length));
    for (const i of ranked.slice(0, take)) {
      suggester.addExample(String(c), String(i), vector(i), texts[i]);
      linked[i] = 1;
    }
  }
  suggester.index.learnMetric();
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (!linked[i]) rest.push(i);
  suggester.learnFromUnlinked(rest.map((i) => ({ id: String(i), vector: vector(i), text: texts[i] })));
  let changed = 0;
  for (const i of rest) {
    const best = suggester.suggest(vector(i), texts[i], { limit: 1 }).suggestions[0];
    if (!best) continue;
    const c = Number(best.patternId);
    if (c !== assignments[i]) changed++;
    assignments[i] = c;
  }
  return changed;
}
