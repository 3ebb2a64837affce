/**
 * A light English suffix stripper. Full Porter is overkill for short feedback messages; what matters
 * is that "cancel", "cancelled", "cancelling" and "cancels" meet in one term. Non-English words pass
 * through mostly untouched because the rules only fire on common English endings.
 */

const VOWEL = /[aeiouy]/;

function hasVowel(s: string): boolean {
  return VOWEL.test(s);
}

/** Undo consonant doubling left by -ed/-ing ("stopped" → "stop") except for l/s/z. */
function undouble(s: string): string {
  const n = s.length;
  if (n >= 3 && s[n - 1] === s[n - 2] && !'lsz'.includes(s[n - 1]) && !VOWEL.test(s[n - 1])) {
    return s.slice(0, -1);
  }
  return s;
}

/** Reduces an English word to a crude stem; short or non-alphabetic words are returned unchanged. */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let w = word;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5 && hasVowel(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 4 && hasVowel(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);
  else if (w.endsWith('ment') && w.length > 7) w = w.slice(0, -4);
  else if (w.endsWith('ation') && w.length > 7) w = `${w.slice(0, -5)}ate`;
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  if (w.endsWith('y') && w.length > 3) w = `${w.slice(0, -1)}i`;
  // British/American doubling ("cancelled" vs "canceled"): fold a final "ll" on longer words.
  if (w.length >= 6 && w.endsWith('ll')) w = w.slice(0, -1);
  return w;
}
