import { type Actor, authorize } from '../../domain/authorization.ts';
import type { Suggestions } from '../../domain/reflect.ts';
import type { Deps } from '../context.ts';
import { findFeedbackRow } from '../feedback.ts';
import type { ModelRefresh } from './services.ts';
import { readStoredModelInfo } from './vector-store.ts';

/**
 * The patterns one feedback item most likely belongs to, from the live index (patterns it is
 * already linked to are left out). Link one with `POST /api/v1/patterns/:id/feedback`.
 */
export async function suggestPatterns(
  deps: Deps,
  actor: Actor | null,
  feedbackId: string,
  limit = 5,
): Promise<Suggestions> {
  authorize(actor, 'loop:read');
  await findFeedbackRow(deps.store.db, feedbackId);
  const { result, representation, quotes } = await deps.reflect.run(async (engine) => {
    const [item] = await engine.embedItems(deps.store.db, [feedbackId], () => new Date().toISOString());
    const answer = engine.suggester.suggest(item.vector, item.text, {
      limit,
      exclude: engine.patternsOf(feedbackId),
    });
    const nearest = new Map(
      answer.suggestions.map((s) => [
        s.patternId,
        engine.suggester.nearestExamples(s.patternId, item.vector, item.text, QUOTES),
      ]),
    );
    return { result: answer, representation: engine.representation, quotes: nearest };
  });
  const ids = result.suggestions.map((s) => s.patternId);
  const titles = new Map(
    ids.length === 0
      ? []
      : (
          await deps.store.db.selectFrom('patterns').select(['id', 'title']).where('id', 'in', ids).execute()
        ).map((r) => [r.id, r.title]),
  );
  const quoteIds = [...new Set([...quotes.values()].flat().map((q) => q.itemId))];
  const texts = new Map(
    quoteIds.length === 0
      ? []
      : (
          await deps.store.db
            .selectFrom('feedback')
            .select(['id', 'text'])
            .where('id', 'in', quoteIds)
            .execute()
        ).map((r) => [r.id, r.text]),
  );
  return {
    suggestions: result.suggestions
      .filter((s) => titles.has(s.patternId))
      .map((s) => ({
        patternId: s.patternId,
        title: titles.get(s.patternId) ?? '',
        score: Math.round(s.score * 1000) / 1000,
        matchedTerms: s.matchedTerms,
        quotes: (quotes.get(s.patternId) ?? [])
          .filter((q) => texts.has(q.itemId))
          .map((q) => ({
            feedbackId: q.itemId,
            text: cut(texts.get(q.itemId) ?? ''),
            similarity: Math.round(q.similarity * 1000) / 1000,
          })),
      })),
    noneFits: result.noneFits,
    representation,
  };
}

/** Linked quotes shown per suggestion, and their length. */
const QUOTES = 3;
const QUOTE_LENGTH = 200;

function cut(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= QUOTE_LENGTH ? flat : `${flat.slice(0, QUOTE_LENGTH - 1).trimEnd()}…`;
}

/** Engine state for operators: which representation is in use and why (warnings), and the model's fit. */
export async function reflectStatus(deps: Deps, actor: Actor | null) {
  authorize(actor, 'loop:read');
  const engine = await deps.reflect.engine();
  const info = await readStoredModelInfo(deps.store.db);
  return {
    ready: deps.reflect.ready,
    representation: engine.representation,
    warning: engine.warning,
    patterns: engine.index.patternCount,
    examples: engine.index.exampleCount,
    modelVersion: engine.model.version,
    wordVectors: engine.model.wordVectorSource,
    modelFittedOn: info?.documents ?? 0,
    modelFittedAt: info?.fittedAt ?? null,
    refitting: deps.reflect.refreshing,
    unlinkedLearnedFrom: engine.suggester.unlinkedCount,
  };
}

/**
 * Refits the built-in model on the current corpus now (admins; normally automatic once the corpus
 * doubles), rebuilds the index under it and returns what was done.
 */
export async function refitModel(deps: Deps, actor: Actor | null): Promise<ModelRefresh> {
  authorize(actor, 'settings:manage');
  return deps.reflect.refreshModel({ force: true });
}
