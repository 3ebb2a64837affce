/**
 * Impact measurement as pure functions: did the feedback a deploy targeted go down? The method in
 * plain words is in docs/impact.md; every number here is checked by hand in test/loop/impact-math.test.ts.
 */

export const IMPACT_VERDICTS = [
  'fixed',
  'partly-fixed',
  'no-change',
  'regressed',
  'too-early',
  'recurring',
] as const;
export type ImpactVerdict = (typeof IMPACT_VERDICTS)[number];

/** The knobs of the method, with the defaults docs/impact.md explains. */
export interface ImpactSettings {
  /** Length of the baseline window before the deploy, and of the full after window. */
  windowDays: number;
  /** No verdict before the after window is this long. */
  minAfterDays: number;
  /** No verdict when either window holds fewer feedback items of the product than this. */
  minTotalPerWindow: number;
  /** No verdict when the pattern has fewer items than this in both windows together. */
  minPatternCount: number;
  /** Significance level of the two-sided test. */
  alpha: number;
  /** A significant drop of at least this many percent is `fixed`; a smaller one `partly-fixed`. */
  fixedDropPct: number;
  /** A prediction "held" when the measured change is within this many points, or better. */
  predictionTolerancePct: number;
}

export const DEFAULT_IMPACT_SETTINGS: ImpactSettings = {
  windowDays: 28,
  minAfterDays: 7,
  minTotalPerWindow: 10,
  minPatternCount: 5,
  alpha: 0.05,
  fixedDropPct: 50,
  predictionTolerancePct: 15,
};

export const DAY_MS = 86_400_000;

/** Complementary error function (Numerical Recipes `erfcc`, fractional error below 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** Standard normal cumulative distribution Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export interface TestResult {
  /** z: positive when the second proportion is higher. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
}

/**
 * Two-proportion z-test with a pooled variance: is x2/n2 different from x1/n1?
 * z = (p2 − p1) / √(p̂(1 − p̂)(1/n1 + 1/n2)), p̂ = (x1 + x2)/(n1 + n2); p = 2(1 − Φ(|z|)).
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): TestResult {
  if (n1 <= 0 || n2 <= 0) return { statistic: 0, pValue: 1 };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { statistic: 0, pValue: 1 };
  const statistic = (p2 - p1) / se;
  return { statistic, pValue: Math.min(1, erfc(Math.abs(statistic) / Math.SQRT2)) };
}

export interface WindowCounts {
  from: string;
  to: string;
  /** New feedback linked to the pattern, received in the window. */
  patternCount: number;
  /** All feedback of the product received in the window. */
  totalCount: number;
}

export interface WindowMeasure extends WindowCounts {
  /** patternCount / totalCount (0 when the window is empty). */
  rate: number;
}

export interface Comparison {
  baseline: WindowMeasure;
  after: WindowMeasure;
  statistic: number | null;
  pValue: number | null;
  /** Relative change of the rate, in percent (null when the baseline rate is 0). */
  changePct: number | null;
  verdict: Exclude<ImpactVerdict, 'recurring'>;
  /** Why, in words: which rule decided. */
  reason: string;
}

export const withRate = (w: WindowCounts): WindowMeasure => ({
  ...w,
  rate: w.totalCount > 0 ? w.patternCount / w.totalCount : 0,
});

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Relative change from one rate to another, in percent. */
export function changePercent(before: number, after: number): number | null {
  return before > 0 ? round(((after - before) / before) * 100, 2) : null;
}

/**
 * Compares the after window with the baseline and names the verdict: `too-early` without enough
 * time or data; otherwise the test decides — a significant drop of at least `fixedDropPct` is
 * `fixed`, a smaller significant drop `partly-fixed`, a significant rise `regressed`, and anything
 * the test cannot tell from chance `no-change`.
 */
export function compareWindows(
  baselineCounts: WindowCounts,
  afterCounts: WindowCounts,
  settings: ImpactSettings = DEFAULT_IMPACT_SETTINGS,
): Comparison {
  const baseline = withRate(baselineCounts);
  const after = withRate(afterCounts);
  const afterDays = (Date.parse(after.to) - Date.parse(after.from)) / DAY_MS;
  const early = (reason: string): Comparison => ({
    baseline,
    after,
    statistic: null,
    pValue: null,
    changePct: changePercent(baseline.rate, after.rate),
    verdict: 'too-early',
    reason,
  });
  if (afterDays < settings.minAfterDays)
    return early(`the after window is ${round(afterDays, 1)} days; a verdict needs ${settings.minAfterDays}`);
  if (Math.min(baseline.totalCount, after.totalCount) < settings.minTotalPerWindow)
    return early(`each window needs at least ${settings.minTotalPerWindow} feedback items of the product`);
  if (baseline.patternCount + after.patternCount < settings.minPatternCount)
    return early(`the pattern needs at least ${settings.minPatternCount} items across both windows`);
  const test = twoProportionZTest(
    baseline.patternCount,
    baseline.totalCount,
    after.patternCount,
    after.totalCount,
  );
  const changePct = changePercent(baseline.rate, after.rate);
  const significant = test.pValue < settings.alpha;
  const shared = {
    baseline,
    after,
    statistic: round(test.statistic, 4),
    pValue: round(test.pValue, 6),
    changePct,
  };
  if (!significant)
    return {
      ...shared,
      verdict: 'no-change',
      reason: `p = ${shared.pValue} ≥ ${settings.alpha}: not told apart from chance`,
    };
  if (test.statistic > 0) return { ...shared, verdict: 'regressed', reason: 'the rate rose significantly' };
  if ((changePct ?? 0) <= -settings.fixedDropPct)
    return {
      ...shared,
      verdict: 'fixed',
      reason: `the rate fell significantly, by at least ${settings.fixedDropPct}%`,
    };
  return {
    ...shared,
    verdict: 'partly-fixed',
    reason: `the rate fell significantly, by less than ${settings.fixedDropPct}%`,
  };
}

/**
 * After a pattern was fixed: is it coming back? The recent window is compared with the window in
 * which it was fixed; a significant rise (same test, same α) means `recurring`.
 */
export function detectRecurrence(
  fixedWindow: WindowCounts,
  recentCounts: WindowCounts,
  settings: ImpactSettings = DEFAULT_IMPACT_SETTINGS,
): { recent: WindowMeasure; statistic: number; pValue: number; recurring: boolean } {
  const recent = withRate(recentCounts);
  const recentDays = (Date.parse(recent.to) - Date.parse(recent.from)) / DAY_MS;
  const test = twoProportionZTest(
    fixedWindow.patternCount,
    fixedWindow.totalCount,
    recent.patternCount,
    recent.totalCount,
  );
  const recurring =
    recentDays >= settings.minAfterDays &&
    recent.totalCount >= settings.minTotalPerWindow &&
    test.statistic > 0 &&
    test.pValue < settings.alpha;
  return { recent, statistic: round(test.statistic, 4), pValue: round(test.pValue, 6), recurring };
}

/** A prediction scored against the measured change: held, and the absolute error in points. */
export function scorePrediction(
  expectedChangePct: number,
  measuredChangePct: number,
  tolerancePct = DEFAULT_IMPACT_SETTINGS.predictionTolerancePct,
): { held: boolean; errorPct: number } {
  const errorPct = round(Math.abs(measuredChangePct - expectedChangePct), 2);
  // Better than predicted in the predicted direction also holds: "drops by 60%" holds at −80%.
  const better =
    expectedChangePct < 0 ? measuredChangePct <= expectedChangePct : measuredChangePct >= expectedChangePct;
  return { held: better || errorPct <= tolerancePct, errorPct };
}

/** The median of a list (null when empty). */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
