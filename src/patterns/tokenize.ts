/**
 * Turns raw feedback into the three kinds of terms the representation uses: stemmed words, word
 * bigrams (short phrases such as "credit score") and character n-grams inside words (robust to typos,
 * inflections the stemmer misses and languages without spaces).
 */
import { stem } from './stemmer.ts';

/** Inputs longer than this are truncated: a 100 KB paste should not cost more than a paragraph. */
export const MAX_CHARS = 8000;
const MAX_TOKENS = 1000;
const MAX_WORD_FOR_NGRAMS = 24;

/** Lower-cased, NFKC-normalised word tokens (letters and digits); apostrophes are dropped inside words. */
export function words(text: string): string[] {
  const clean = (text ?? '').slice(0, MAX_CHARS).normalize('NFKC').toLowerCase().replace(/['’`]/g, '');
  const out = clean.match(/[\p{L}\p{N}]+/gu) ?? [];
  return out.length > MAX_TOKENS ? out.slice(0, MAX_TOKENS) : out;
}

/** A term with its kind; kinds are weighted separately by the representation. */
export interface TermBag {
  /** The raw word tokens (see {@link words}); `stems[i]` is the stem of `words[i]`. */
  words: string[];
  /** Stemmed words, in order (duplicates kept so term frequency can be counted). */
  stems: string[];
  /** Adjacent stem pairs joined by a space. */
  bigrams: string[];
  /** Character 3..5-grams of each raw word padded with spaces. */
  charGrams: string[];
}

/** Extracts all terms of a text. Empty or symbol-only input yields empty lists, never an error. */
export function extractTerms(text: string): TermBag {
  const raw = words(text);
  const stems = raw.map(stem);
  const bigrams: string[] = [];
  for (let i = 0; i + 1 < stems.length; i++) bigrams.push(`${stems[i]} ${stems[i + 1]}`);
  const charGrams: string[] = [];
  for (const w of raw) {
    const padded = ` ${w.length > MAX_WORD_FOR_NGRAMS ? w.slice(0, MAX_WORD_FOR_NGRAMS) : w} `;
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= padded.length; i++) charGrams.push(padded.slice(i, i + n));
    }
  }
  return { words: raw, stems, bigrams, charGrams };
}
