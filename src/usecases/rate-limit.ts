import { newId } from '../domain/ids.ts';
import { type Deps, toCount } from './context.ts';

export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the oldest counted hit leaves the window (when not allowed). */
  retryAfterSeconds: number;
}

/**
 * Counts one hit for `key` in a sliding window, stored in the database so that several app
 * processes sharing it enforce one limit. A refused hit is not counted, so a client that waits
 * gets through; hits older than the window are pruned on the way.
 */
export async function hitRateLimit(
  deps: Deps,
  scope: string,
  key: string,
  limit: number,
  windowMs: number,
): Promise<RateLimitDecision> {
  const now = deps.clock();
  const since = new Date(now.getTime() - windowMs).toISOString();
  return deps.store.db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('rate_limit_hits')
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('at', '<=', since)
      .execute();
    const row = await trx
      .selectFrom('rate_limit_hits')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('at').as('oldest')])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (toCount(row?.n) >= limit) {
      const oldest = row?.oldest ? Date.parse(String(row.oldest)) : now.getTime();
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now.getTime()) / 1000)),
      };
    }
    await trx
      .insertInto('rate_limit_hits')
      .values({ id: newId(), scope, key, at: now.toISOString() })
      .execute();
    return { allowed: true, retryAfterSeconds: 0 };
  });
}
