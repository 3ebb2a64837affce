/**
 * Readable names for clusters: terms that are frequent inside the cluster and rare in the corpus
 * (class-based TF-IDF), preferring a bigram when it is nearly as distinctive as its words.
 */
import { stem } from './stemmer.ts';
import { words } from './tokenize.ts';

/** Function words that are never useful as a cluster name even when frequent in one cluster. */
const STOP = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been being am do does did ' +
    'i me my mine you your we our us it its this that these those there here what which who whom how when ' +
    'where why can could would should will shall may might must please tell know want need like just so ' +
    'not no yes hey hi hello ok okay thanks thank some any all get got have has had im id ill ive dont cant ' +
    'about up out into than then them they their he she his her him also too very much more most'
  ).split(' '),
);

/** True for function words that never explain or name a pattern on their own. */
export function isStopWord(word: string): boolean {
  return STOP.has(word);
}

/** Per-item surface terms: a display form per stem so labels show real words, not stems. */
export interface LabelTerms {
  /** stem or "stem stem" → display string. */
  terms: Map<string, string>;
}

/** Extracts label candidates (content-word stems and bigrams of adjacent content words) from one text. */
export function labelTerms(text: string): LabelTerms {
  const raw = words(text).slice(0, 200);
  const terms = new Map<string, string>();
  let prev: [string, string] | null = null;
  for (const w of raw) {
    if (STOP.has(w) || w.length < 2 || /^\d+$/.test(w)) {
      prev = null;
      continue;
    }
    const s = stem(w);
    if (!terms.has(s)) terms.set(s, w);
    if (prev) {
      const key = `${prev[0]} ${s}`;
      if (!terms.has(key)) terms.set(key, `${prev[1]} ${w}`);
    }
    prev = [s, w];
  }
  return { terms };
}

/** Document frequency of label terms over a corpus. */
export function labelDocumentFrequency(all: LabelTerms[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const t of all) for (const k of t.terms.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  return df;
}

/**
 * Top distinctive terms of a cluster (display forms), best first. A word already covered by a chosen
 * bigram is skipped so labels read "credit score" rather than "credit score, credit, score".
 */
export function topTermsFor(
  members: LabelTerms[],
  df: Map<string, number>,
  total: number,
  limit = 6,
): string[] {
  const counts = new Map<string, number>();
  const display = new Map<string, string>();
  for (const m of members) {
    for (const [k, v] of m.terms) {
      counts.set(k, (counts.get(k) ?? 0) + 1);
      if (!display.has(k)) display.set(k, v);
    }
  }
  const minCount = members.length >= 6 ? 2 : 1;
  const scored = [...counts.entries()]
    .filter(([, c]) => c >= minCount)
    .map(([k, c]) => {
      const bigramBoost = k.includes(' ') ? 1.2 : 1;
      return [
        k,
        (c / members.length) * Math.log((total + 1) / ((df.get(k) ?? 0) + 1)) * bigramBoost,
      ] as const;
    })
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const chosen: string[] = [];
  const covered = new Set<string>();
  for (const [k] of scored) {
    if (chosen.length >= limit) break;
    const parts = k.split(' ');
    if (parts.length === 1 && covered.has(k)) continue;
    if (parts.length === 2 && parts.every((p) => covered.has(p))) continue;
    chosen.push(display.get(k)!);
    for (const p of parts) covered.add(p);
  }
  return chosen;
}
