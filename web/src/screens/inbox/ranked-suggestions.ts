import type { Suggestions } from '../../api/types.ts';

/** Below this score a suggestion shares nothing with the item: it is noise, not a choice. */
const MIN_SCORE = 0.05;

/**
 * The suggestions worth showing, in the engine's order. The list and the `1`–`3` keys both read
 * this, so key n always links the n-th suggestion on screen.
 */
export function rankedSuggestions(answer: Suggestions): Suggestions['suggestions'] {
  return answer.suggestions.filter((s) => s.score >= MIN_SCORE).slice(0, 3);
}
