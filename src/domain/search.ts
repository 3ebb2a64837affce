import { z } from 'zod';
import { stem } from '../patterns/stemmer.ts';

/**
 * Search, the part that is plain rules: reading a query into words, deciding which words of a text
 * match them, cutting highlighted snippets, and ranking. The database only finds candidates
 * (src/store/search-index.ts), so SQLite and PostgreSQL rank and highlight alike.
 */

/** The kinds of item search finds. */
export const SEARCH_TYPES = [
  'feedback',
  'pattern',
  'improvement',
  'product',
  'account',
  'contact',
  'user',
] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

/**
 * A parsed query: words (letters and digits only, so no query syntax can get through), all of which
 * must match; the last one also matches as a prefix while the user is still typing it.
 */
export interface SearchTerms {
  words: string[];
  prefixLast: boolean;
}

/** At most this many words of a query count; longer ones are cut. */
const MAX_WORDS = 8;
const MAX_WORD_LENGTH = 64;

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Words a query ignores: PostgreSQL's english configuration drops them from its index, so SQLite
 * must not require them either or the two would answer differently (Snowball's English list).
 */
const STOP_WORDS = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she ' +
    'her hers herself it its itself they them their theirs themselves what which who whom this that ' +
    'these those am is are was were be been being have has had having do does did doing a an the and ' +
    'but if or because as until while of at by for with about against between into through during ' +
    'before after above below to from up down in out on off over under again further then once here ' +
    'there when where why how all any both each few more most other some such no nor not only own ' +
    'same so than too very s t can will just don should now'
  ).split(' '),
);

/** Lowercase without accents: "Café" → "cafe" (as the indexes fold them). */
export function foldWord(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The words of a query: runs of letters and digits, folded, deduplicated, stop words left out, at most
 * eight. Everything else (quotes, operators, brackets) separates words, so no query syntax reaches the
 * database. The
 * last word also matches as a prefix ("expo" finds "export") once it has two characters.
 */
export function parseSearchTerms(q: string): SearchTerms {
  const words: string[] = [];
  for (const m of q.normalize('NFKC').matchAll(WORD)) {
    const word = foldWord(m[0]).slice(0, MAX_WORD_LENGTH);
    if (word !== '' && !STOP_WORDS.has(word) && !words.includes(word)) words.push(word);
    if (words.length === MAX_WORDS) break;
  }
  return { words, prefixLast: words.length > 0 && words[words.length - 1].length >= 2 };
}

/** A word of a text as matching compares it: folded, and its stem. */
interface WordForm {
  folded: string;
  stemmed: string;
}

/** Tests whether a word of a text matches one query word. */
export type TermMatcher = (word: WordForm) => boolean;

/** Folds and stems words, each distinct word once per search (a page ranks thousands of words). */
export class WordForms {
  private readonly cache = new Map<string, WordForm>();

  of(word: string): WordForm {
    let form = this.cache.get(word);
    if (!form) {
      const folded = foldWord(word);
      form = { folded, stemmed: stem(folded) };
      this.cache.set(word, form);
    }
    return form;
  }
}

/** For each query word, a test of whether a word of a text matches it. */
export function termMatchers(terms: SearchTerms): TermMatcher[] {
  return terms.words.map((term, i) => {
    const prefix = terms.prefixLast && i === terms.words.length - 1;
    const stemmed = stem(term);
    return (word: WordForm) =>
      word.folded === term || word.stemmed === stemmed || (prefix && word.folded.startsWith(term));
  });
}

/**
 * A piece of displayed text. Render `text` as text (never as HTML) and mark the pieces with
 * `match: true`; joined, the pieces are exactly a stretch of the item's own text.
 */
export interface Segment {
  text: string;
  match: boolean;
}

export const segmentSchema = z.object({
  text: z.string().describe('plain text: render it as text, never as HTML'),
  match: z.boolean().describe('true for a word that matches the query: highlight it'),
});

interface WordSpan {
  start: number;
  end: number;
  matched: boolean;
}

function wordSpans(text: string, matchers: TermMatcher[], forms: WordForms): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const m of text.matchAll(WORD)) {
    const start = m.index ?? 0;
    const matched = matchers.length > 0 && matchers.some((test) => test(forms.of(m[0])));
    spans.push({ start, end: start + m[0].length, matched });
  }
  return spans;
}

function wordsOf(text: string): string[] {
  return text.match(WORD) ?? [];
}

function segmentsOf(text: string, spans: WordSpan[], from: number, to: number): Segment[] {
  const out: Segment[] = [];
  const push = (piece: string, match: boolean) => {
    if (piece === '') return;
    const last = out[out.length - 1];
    if (last && last.match === match && !match) last.text += piece;
    else out.push({ text: piece, match });
  };
  let at = from;
  for (const s of spans) {
    if (!s.matched || s.end <= from || s.start >= to) continue;
    push(text.slice(at, s.start), false);
    push(text.slice(s.start, s.end), true);
    at = s.end;
  }
  push(text.slice(at, to), false);
  return out;
}

/** Text shorter than this is shown whole; a longer one is cut around its first matching word. */
export const SNIPPET_LENGTH = 200;
const LEAD = 60;

/**
 * The text as segments, cut to about `length` characters around the first matching word (at word
 * boundaries, with "…" where it was cut). Runs of white space become one space.
 */
export function highlight(
  raw: string,
  matchers: TermMatcher[],
  length = SNIPPET_LENGTH,
  forms = new WordForms(),
): Segment[] {
  const text = raw.replace(/\s+/g, ' ').trim();
  const spans = wordSpans(text, matchers, forms);
  if (text.length <= length) return segmentsOf(text, spans, 0, text.length);
  const first = spans.find((s) => s.matched);
  let from = first ? Math.max(0, first.start - LEAD) : 0;
  if (from > 0) {
    const space = text.indexOf(' ', from);
    from = space === -1 || space >= (first?.start ?? 0) ? (first?.start ?? 0) : space + 1;
  }
  let to = Math.min(text.length, from + length);
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    if (space > from) to = space;
  }
  const segments = segmentsOf(text, spans, from, to);
  if (from > 0) segments.unshift({ text: '…', match: false });
  if (to < text.length) segments.push({ text: '…', match: false });
  return segments;
}

/** BM25's constants, and how much more a word in the title counts than one in the body. */
const K1 = 1.2;
const B = 0.75;
const TITLE_WEIGHT = 2;

/** What ranking needs of one candidate: its title and body. */
export interface RankInput {
  title: string;
  body: string;
}

const saturate = (tf: number, norm: number) => (tf === 0 ? 0 : ((tf / norm) * (K1 + 1)) / (tf / norm + K1));

/**
 * BM25 per field (title counted twice), every query word weighing the same. The index returns only
 * items holding every word, so a word's rarity across the corpus would reorder nothing for one-word
 * queries, and estimating it for 1M items costs more than the whole search budget.
 */
export function rankScores(
  inputs: RankInput[],
  matchers: TermMatcher[],
  averages: { title: number; body: number },
  forms = new WordForms(),
): number[] {
  return inputs.map((input) => {
    const title = wordsOf(input.title).map((w) => forms.of(w));
    const body = wordsOf(input.body).map((w) => forms.of(w));
    const titleNorm = 1 - B + (B * title.length) / Math.max(1, averages.title);
    const bodyNorm = 1 - B + (B * body.length) / Math.max(1, averages.body);
    let score = 0;
    for (const test of matchers) {
      score +=
        TITLE_WEIGHT * saturate(title.filter(test).length, titleNorm) +
        saturate(body.filter(test).length, bodyNorm);
    }
    return Math.round(score * 1000) / 1000;
  });
}

/** Mean word counts of title and body over the candidates (BM25's length normalisation). */
export function averageLengths(inputs: RankInput[]): { title: number; body: number } {
  let title = 0;
  let body = 0;
  for (const i of inputs) {
    title += wordsOf(i.title).length;
    body += wordsOf(i.body).length;
  }
  const n = Math.max(1, inputs.length);
  return { title: title / n, body: body / n };
}

const typeList = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const types = [...new Set(value.split(',').map((t) => t.trim()))].filter((t) => t !== '');
    const unknown = types.filter((t) => !(SEARCH_TYPES as readonly string[]).includes(t));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown type ${unknown.join(', ')}; one of ${SEARCH_TYPES.join(', ')}`,
      });
      return z.NEVER;
    }
    return types as SearchType[];
  });

export const searchQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).describe('words; all must match, the last one also as a prefix'),
  types: typeList.optional().describe(`comma-separated, any of: ${SEARCH_TYPES.join(', ')} (default all)`),
  limit: z.coerce.number().int().min(1).max(50).optional().describe('default 20'),
  cursor: z.string().max(100).optional(),
});
export type SearchQuery = z.infer<typeof searchQuery>;

export const searchResultSchema = z.object({
  type: z.enum(SEARCH_TYPES),
  id: z.string(),
  score: z.number().describe('relevance, higher first; comparable within one response'),
  title: z.array(segmentSchema).describe('the name (empty for feedback, which has none), highlighted'),
  snippet: z
    .array(segmentSchema)
    .describe(
      'feedback text, description, proposal, problem, segment and plan, or email: cut around the first match',
    ),
  status: z.string().nullable().describe("the item's status (a user's role)"),
  productId: z.string().nullable(),
  at: z.string().describe('received (feedback) or last changed'),
});
export type SearchResult = z.infer<typeof searchResultSchema>;
