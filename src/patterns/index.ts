/**
 * Public surface of the on-device pattern engine (what the server imports).
 */

export { fitInWorker } from './background-fit.ts';
export { vectorFromBuffer, vectorToBuffer } from './dense-vectors.ts';
export {
  type DiscoveredPattern,
  type DiscoveryItem,
  type DiscoveryOptions,
  discoverPatterns,
} from './discover.ts';
export { runEvalPatternsCommand } from './eval-command.ts';
export { type EvaluateOptions, type EvaluationResult, evaluatePatterns } from './evaluate.ts';
export { type DuplicateGroup, type DuplicateItem, findNearDuplicates } from './near-duplicates.ts';
export {
  DEFAULT_NONE_FITS_THRESHOLD,
  PatternIndex,
  type PatternIndexOptions,
  type Suggestion,
  type SuggestOptions,
  type SuggestResult,
} from './pattern-index.ts';
export { PatternSuggester, type PatternSuggesterOptions, type UnlinkedItem } from './suggester.ts';
export { TextModel, type TextModelOptions } from './text-model.ts';
export { prepareWordVectors, type WordVectors, wordVectors } from './word-vectors.ts';
