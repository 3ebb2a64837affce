/**
 * Derived pattern fields (count, distinct contacts and accounts, ARR at stake, weekly trend, first
 * and last seen), computed in two grouped SQL queries for a whole page of patterns, the same on
 * SQLite and PostgreSQL: timestamps are ISO-8601 text, so week buckets are plain string ranges.
 * Dismissed feedback never counts.
 */
import { sql } from 'kysely';
import type { PatternStats } from '../../domain/pattern.ts';
import { type Db, toCount } from '../context.ts';

const WEEKS = 12;
const DAY = 86_400_000;

interface Week {
  week: string;
  start: string;
  from: string;
  to: string;
}

/** ISO-8601 week label of a Monday (UTC), e.g. 2026-W44. */
function isoWeekLabel(monday: Date): string {
  const thursday = new Date(monday.getTime() + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / DAY / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The last 12 ISO weeks (Monday 00:00 UTC starts), oldest first, ending with the week of `now`. */
export function lastWeeks(now: Date): Week[] {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const currentMonday = midnight - ((now.getUTCDay() + 6) % 7) * DAY;
  return Array.from({ length: WEEKS }, (_, i) => {
    const start = new Date(currentMonday - (WEEKS - 1 - i) * 7 * DAY);
    const end = new Date(start.getTime() + 7 * DAY);
    return {
      week: isoWeekLabel(start),
      start: start.toISOString().slice(0, 10),
      from: start.toISOString(),
      to: end.toISOString(),
    };
  });
}

/** Stats of a pattern without (counted) feedback. */
export function emptyPatternStats(now: Date): PatternStats {
  return {
    feedbackCount: 0,
    contactCount: 0,
    accountCount: 0,
    arrAtStake: [],
    weeklyTrend: lastWeeks(now).map((w) => ({ week: w.week, start: w.start, count: 0 })),
    firstSeenAt: null,
    lastSeenAt: null,
  };
}

/** Derived fields of each given pattern, in two queries regardless of how many patterns. */
export async function patternStats(
  db: Db,
  patternIds: string[],
  now: Date,
): Promise<Map<string, PatternStats>> {
  const out = new Map<string, PatternStats>();
  for (const id of patternIds) out.set(id, emptyPatternStats(now));
  if (patternIds.length === 0) return out;
  const weeks = lastWeeks(now);
  const weekColumns = weeks.map((w, i) =>
    sql<number>`sum(case when feedback.received_at >= ${w.from} and feedback.received_at < ${w.to} then 1 else 0 end)`.as(
      `w${i}`,
    ),
  );
  const rows = await db
    .selectFrom('pattern_feedback')
    .innerJoin('feedback', 'feedback.id', 'pattern_feedback.feedback_id')
    .leftJoin('contacts', 'contacts.id', 'feedback.contact_id')
    .select((eb) => [
      'pattern_feedback.pattern_id',
      eb.fn.countAll().as('n'),
      eb.fn.count('feedback.contact_id').distinct().as('contacts'),
      eb.fn.count('contacts.account_id').distinct().as('accounts'),
      eb.fn.min('feedback.received_at').as('first'),
      eb.fn.max('feedback.received_at').as('last'),
      ...weekColumns,
    ])
    .where('pattern_feedback.pattern_id', 'in', patternIds)
    .where('feedback.status', '<>', 'dismissed')
    .groupBy('pattern_feedback.pattern_id')
    .execute();
  for (const r of rows) {
    const stats = out.get(r.pattern_id);
    if (!stats) continue;
    const record = r as unknown as Record<string, unknown>;
    stats.feedbackCount = toCount(r.n);
    stats.contactCount = toCount(r.contacts);
    stats.accountCount = toCount(r.accounts);
    stats.firstSeenAt = (r.first as string | null) ?? null;
    stats.lastSeenAt = (r.last as string | null) ?? null;
    stats.weeklyTrend = weeks.map((w, i) => ({
      week: w.week,
      start: w.start,
      count: toCount(record[`w${i}`]),
    }));
  }
  const distinctAccounts = db
    .selectFrom('pattern_feedback')
    .innerJoin('feedback', 'feedback.id', 'pattern_feedback.feedback_id')
    .innerJoin('contacts', 'contacts.id', 'feedback.contact_id')
    .select(['pattern_feedback.pattern_id', 'contacts.account_id'])
    .distinct()
    .where('pattern_feedback.pattern_id', 'in', patternIds)
    .where('feedback.status', '<>', 'dismissed')
    .where('contacts.account_id', 'is not', null)
    .as('d');
  const arrRows = await db
    .selectFrom(distinctAccounts)
    .innerJoin('accounts', 'accounts.id', 'd.account_id')
    .select((eb) => ['d.pattern_id', 'accounts.currency', eb.fn.sum('accounts.arr').as('amount')])
    .where('accounts.arr', 'is not', null)
    .groupBy(['d.pattern_id', 'accounts.currency'])
    .execute();
  for (const r of arrRows) {
    out.get(r.pattern_id)?.arrAtStake.push({ currency: r.currency, amount: toCount(r.amount) });
  }
  for (const stats of out.values()) {
    stats.arrAtStake.sort((a, b) => b.amount - a.amount || a.currency.localeCompare(b.currency));
  }
  return out;
}
