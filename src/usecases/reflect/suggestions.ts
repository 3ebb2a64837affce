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
  const { result, representation } = await deps.reflect.run(async (engine) => {
    const [item] = await engine.embedItems(deps.store.db, [feedbackId], () => new Date().toISOString());
    const answer = engine.suggester.suggest(item.vector, item.text, {
      limit,
      exclude: engine.patternsOf(feedbackId),
    });
    return { result: answer, representation: engine.representation };
  });
  const ids = result.suggestions.map((s) => s.patternId);
  const titles = new Map(
    ids.length === 0
      ? []
      : (
          await deps.store.db.selectFrom('patterns').select(['id', 'title']).where('id', 'in', ids).execute()
        ).map((r) => [r.id, r.title]),
  );
  return {
    suggestions: result.suggestions
      .filter((s) => titles.has(s.patternId))
      .map((s) => ({
        patternId: s.patternId,
        title: titles.get(s.patternId) ?? '',
        score: Math.round(s.score * 1000) / 1000,
        matchedTerms: s.matchedTerms,
      })),
    noneFits: result.noneFits,
    representation,
  };
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
