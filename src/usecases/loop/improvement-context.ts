import { improvementScore, SCORE_FORMULA } from '../../domain/loop.ts';
import type { Db } from '../context.ts';

/** What an improvement is worth and what it costs, beside it while designing. */
export interface ImprovementContext {
  commercial: {
    feedbackCount: number;
    distinctAccounts: number;
    /** Distinct people who asked (contacts; items without one count once each). */
    requesters: number;
    /** ARR of the distinct accounts behind the feedback, per currency, in minor units. */
    arrAtStake: Array<{ currency: string; amount: number }>;
  };
  technical: { effort: number | null; risk: string | null; confidence: number | null };
  score: {
    value: number;
    formula: string;
    inputs: { reach: number; impact: number; confidence: number; riskFactor: number; effort: number };
  };
}

/** Computes the commercial and technical context and the score of one improvement. */
export async function improvementContext(
  db: Db,
  improvement: { id: string; effort: number | null; risk: string | null; confidence: number | null },
): Promise<ImprovementContext> {
  const rows = await db
    .selectFrom('improvement_patterns')
    .innerJoin('pattern_feedback', 'pattern_feedback.pattern_id', 'improvement_patterns.pattern_id')
    .innerJoin('feedback', 'feedback.id', 'pattern_feedback.feedback_id')
    .leftJoin('contacts', 'contacts.id', 'feedback.contact_id')
    .leftJoin('accounts', 'accounts.id', 'contacts.account_id')
    .select([
      'feedback.id as feedbackId',
      'feedback.contact_id',
      'accounts.id as accountId',
      'accounts.arr',
      'accounts.currency',
    ])
    .where('improvement_patterns.improvement_id', '=', improvement.id)
    .where('feedback.status', '!=', 'dismissed')
    .execute();
  const feedback = new Set<string>();
  const requesters = new Set<string>();
  const accounts = new Map<string, { arr: number; currency: string }>();
  for (const r of rows) {
    feedback.add(r.feedbackId);
    requesters.add(r.contact_id ?? `feedback:${r.feedbackId}`);
    if (r.accountId) accounts.set(r.accountId, { arr: Number(r.arr ?? 0), currency: r.currency ?? 'USD' });
  }
  const perCurrency = new Map<string, number>();
  for (const a of accounts.values()) perCurrency.set(a.currency, (perCurrency.get(a.currency) ?? 0) + a.arr);
  const arrAtStake = [...perCurrency]
    .map(([currency, amount]) => ({ currency, amount }))
    .sort((a, b) => b.amount - a.amount);
  // Currencies are added at face value for the score only: it ranks, it does not account.
  const arrMajor = arrAtStake.reduce((sum, a) => sum + a.amount, 0) / 100;
  const score = improvementScore({
    reach: requesters.size,
    arrAtStakeMajor: arrMajor,
    confidence: improvement.confidence,
    effort: improvement.effort,
    risk: improvement.risk,
  });
  return {
    commercial: {
      feedbackCount: feedback.size,
      distinctAccounts: accounts.size,
      requesters: requesters.size,
      arrAtStake,
    },
    technical: { effort: improvement.effort, risk: improvement.risk, confidence: improvement.confidence },
    score: {
      value: score.value,
      formula: SCORE_FORMULA,
      inputs: {
        reach: requesters.size,
        impact: score.impact,
        confidence: score.confidence,
        riskFactor: score.riskFactor,
        effort: score.effort,
      },
    },
  };
}
