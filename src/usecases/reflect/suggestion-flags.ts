import type { Db } from '../context.ts';
import type { ReflectEngine } from './engine.ts';

/** New or re-worded items flagged right after their commit; a larger import waits for the inbox pass. */
export const FLAG_ON_COMMIT_MAX = 50;
/** The inbox pass re-flags this many of the newest untriaged items. */
export const FLAG_INBOX_ITEMS = 2_000;

/**
 * Stores, per item, whether the engine has a suggestion above its calibrated threshold for it
 * (`feedback.has_suggestion`, the inbox's has-suggestion filter). Engine output, not a user's
 * change: written without a history event, only where the flag changes.
 */
export async function flagSuggestions(
  engine: ReflectEngine,
  db: Db,
  ids: string[],
  now: () => string,
): Promise<void> {
  const yes: string[] = [];
  const no: string[] = [];
  for (const item of await engine.embedItems(db, ids, now)) {
    const answer = engine.suggester.suggest(item.vector, item.text, {
      limit: 1,
      exclude: engine.patternsOf(item.id),
    });
    (answer.suggestions.length > 0 && !answer.noneFits ? yes : no).push(item.id);
  }
  for (const [value, list] of [
    [1, yes],
    [0, no],
  ] as const) {
    for (let i = 0; i < list.length; i += 500) {
      await db
        .updateTable('feedback')
        .set({ has_suggestion: value })
        .where('id', 'in', list.slice(i, i + 500))
        .where('has_suggestion', '<>', value)
        .execute();
    }
  }
}

/**
 * Re-flags the newest untriaged items: links and new patterns change what the engine suggests for
 * items it flagged earlier. Runs with the periodic model refresh (at most every 10 minutes after
 * writes), so the flag may lag a new pattern by that much; older untriaged items keep their flag.
 */
export async function flagInbox(engine: ReflectEngine, db: Db, now: () => string): Promise<number> {
  const rows = await db
    .selectFrom('feedback')
    .select('id')
    .where('status', '=', 'new')
    .orderBy('received_at', 'desc')
    .limit(FLAG_INBOX_ITEMS)
    .execute();
  await flagSuggestions(
    engine,
    db,
    rows.map((r) => r.id),
    now,
  );
  return rows.length;
}
