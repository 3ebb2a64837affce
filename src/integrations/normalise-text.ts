// Punctuation and whitespace at either end carry no meaning for "is this the same
// feedback again?" ("Add dark mode!!" vs "add dark mode"), so both are stripped.
const EDGE_PUNCTUATION = /^[\p{P}\s]+|[\p{P}\s]+$/gu;

/**
 * Normalises feedback text for exact-duplicate detection: Unicode NFKC, lowercase,
 * whitespace runs collapsed to one space, punctuation stripped from both ends.
 * Inner punctuation is kept, because "v1.2" and "v12" are different feedback.
 */
export function normaliseFeedbackText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').replace(EDGE_PUNCTUATION, '').trim();
}
