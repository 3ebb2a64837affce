import { type Actor, authorize } from '../../domain/authorization.ts';
import { notFound } from '../../domain/errors.ts';
import { compareWindows, DAY_MS, scorePrediction } from '../../domain/impact.ts';
import type { Deps } from '../context.ts';
import { countWindow, firstDeployOf } from './impact.ts';

export interface ScoredPrediction {
  improvementId: string;
  patternId: string;
  expectedChangePct: number;
  withinDays: number;
  /** 'scored', or why not yet: not deployed, window still open, not enough data. */
  state: 'scored' | 'not-deployed' | 'window-open' | 'not-enough-data';
  measuredChangePct: number | null;
  held: boolean | null;
  /** Absolute error in percentage points. */
  errorPct: number | null;
}

export interface Calibration {
  userId: string;
  predictions: number;
  scored: number;
  held: number;
  /** held ÷ scored (null before anything is scored). */
  heldShare: number | null;
  meanErrorPct: number | null;
  items: ScoredPrediction[];
}

/**
 * Scores one decision's prediction: the pattern's rate in the `withinDays` after the first deploy
 * against the baseline before it, with the same test and normalisation as the impact verdict.
 */
async function scoreDecision(
  deps: Deps,
  d: {
    id: string;
    prediction_pattern_id: string;
    prediction_change_pct: number;
    prediction_within_days: number;
  },
  now: Date,
): Promise<ScoredPrediction> {
  const base = {
    improvementId: d.id,
    patternId: d.prediction_pattern_id,
    expectedChangePct: d.prediction_change_pct,
    withinDays: d.prediction_within_days,
    measuredChangePct: null,
    held: null,
    errorPct: null,
  };
  const deploy = await firstDeployOf(deps.store.db, d.id);
  if (!deploy) return { ...base, state: 'not-deployed' };
  const deployedMs = Date.parse(deploy.deployedAt);
  const endMs = deployedMs + d.prediction_within_days * DAY_MS;
  if (now.getTime() < endMs) return { ...base, state: 'window-open' };
  const settings = deps.loop.impactSettings;
  const db = deps.store.db;
  const baseline = await countWindow(
    db,
    deploy.productId,
    d.prediction_pattern_id,
    deployedMs - settings.windowDays * DAY_MS,
    deployedMs,
  );
  const after = await countWindow(db, deploy.productId, d.prediction_pattern_id, deployedMs, endMs);
  const comparison = compareWindows(baseline, after, {
    ...settings,
    minAfterDays: Math.min(settings.minAfterDays, d.prediction_within_days),
  });
  if (comparison.verdict === 'too-early' || comparison.changePct === null)
    return { ...base, state: 'not-enough-data' };
  const score = scorePrediction(
    d.prediction_change_pct,
    comparison.changePct,
    settings.predictionTolerancePct,
  );
  return {
    ...base,
    state: 'scored',
    measuredChangePct: comparison.changePct,
    held: score.held,
    errorPct: score.errorPct,
  };
}

/**
 * A builder's calibration: of the predictions they made when deciding, how many held once measured,
 * and how far off they were on average (percentage points). The builders area shows this.
 */
export async function builderCalibration(
  deps: Deps,
  userId: string,
  now: Date = deps.clock(),
): Promise<Calibration> {
  const decisions = await deps.store.db
    .selectFrom('improvements')
    .select(['id', 'prediction_pattern_id', 'prediction_change_pct', 'prediction_within_days'])
    .where('decided_by', '=', userId)
    .where('prediction_pattern_id', 'is not', null)
    .orderBy('decided_at')
    .execute();
  const items: ScoredPrediction[] = [];
  for (const d of decisions) {
    if (
      d.prediction_pattern_id === null ||
      d.prediction_change_pct === null ||
      d.prediction_within_days === null
    )
      continue;
    items.push(
      await scoreDecision(
        deps,
        {
          id: d.id,
          prediction_pattern_id: d.prediction_pattern_id,
          prediction_change_pct: d.prediction_change_pct,
          prediction_within_days: d.prediction_within_days,
        },
        now,
      ),
    );
  }
  const scored = items.filter((i) => i.state === 'scored');
  const held = scored.filter((i) => i.held).length;
  const meanError = scored.length
    ? scored.reduce((sum, i) => sum + (i.errorPct ?? 0), 0) / scored.length
    : null;
  return {
    userId,
    predictions: items.length,
    scored: scored.length,
    held,
    heldShare: scored.length ? Number((held / scored.length).toFixed(4)) : null,
    meanErrorPct: meanError === null ? null : Number(meanError.toFixed(2)),
    items,
  };
}

/** `GET /api/v1/loop/calibration?userId=`. */
export async function getCalibration(deps: Deps, actor: Actor | null, userId: string): Promise<Calibration> {
  authorize(actor, 'loop:read');
  const user = await deps.store.db
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('user', userId);
  return builderCalibration(deps, userId);
}
