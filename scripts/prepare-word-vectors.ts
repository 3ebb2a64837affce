/**
 * Converts the shipped word vectors into their binary cache once, before the test files run in
 * parallel (each would otherwise convert them itself on a fresh checkout). Prints what was loaded.
 */
import { wordVectors } from '../src/patterns/word-vectors.ts';

const vectors = wordVectors();
console.log(
  vectors ? `word vectors: ${vectors.source}` : 'word vectors: unavailable (corpus-only representation)',
);
