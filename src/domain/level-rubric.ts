import { z } from 'zod';
import { LIMITS, optionalText, text } from './common.ts';

/**
 * Levels are computed from evidence in the work graph, never typed in. Each criterion names one
 * metric of this closed set (each a query in src/usecases/builders/metrics.ts) and a minimum.
 */
export const LEVEL_METRICS = {
  patterns_identified: 'patterns the builder created',
  improvements_decided: 'improvements the builder decided',
  improvements_shipped: 'improvements deployed or verified that the builder created or decided',
  improvements_verified: 'improvements verified that the builder created or decided',
  cross_product_patterns: 'patterns the builder created whose feedback spans two or more products',
  kudos_received: 'kudos other builders gave them',
  others_helped: "comments on other people's items, plus kudos given",
  predictions_held: 'decisions whose prediction the measured impact bore out',
} as const;
export type LevelMetric = keyof typeof LEVEL_METRICS;
export const LEVEL_METRIC_NAMES = Object.keys(LEVEL_METRICS) as LevelMetric[];

/** Criteria arrive as plain strings so an unknown one can be refused with the list of known ones. */
export const criterionInput = z.strictObject({
  metric: z.string().trim().min(1).max(100),
  min: z.number().int().min(0).max(1_000_000),
});

export const levelInput = z.strictObject({
  name: text(LIMITS.name),
  rank: z.number().int().min(1).max(100),
  description: optionalText(LIMITS.shortText).optional(),
  criteria: z.array(criterionInput).max(LEVEL_METRIC_NAMES.length),
});

export const replaceRubricInput = z.strictObject({ levels: z.array(levelInput).min(1).max(20) });
export type ReplaceRubricInput = z.infer<typeof replaceRubricInput>;

export const criterionSchema = z.object({ metric: z.enum(LEVEL_METRIC_NAMES), min: z.number() });
export const levelSchema = z.object({
  name: z.string(),
  rank: z.number(),
  description: z.string(),
  criteria: z.array(criterionSchema),
});
export type Level = z.infer<typeof levelSchema>;
export const rubricSchema = z.object({
  levels: z.array(levelSchema),
  metrics: z.record(z.string(), z.string()).describe('the known metrics and what each counts'),
});

/** Type guard for the closed set. */
export function isLevelMetric(name: string): name is LevelMetric {
  return Object.hasOwn(LEVEL_METRICS, name);
}

export interface LevelStanding {
  current: Level | null;
  next: Level | null;
  /** the criteria of the next level not met yet, with how far off each is */
  missing: Array<{ metric: LevelMetric; have: number; need: number; short: number }>;
}

/**
 * A builder holds a level when they meet its criteria and those of every level below it (levels
 * are a ladder: nobody skips a rung). `next` is the first rung not held.
 */
export function standingOf(levels: Level[], values: Record<LevelMetric, number>): LevelStanding {
  const ladder = [...levels].sort((a, b) => a.rank - b.rank);
  let current: Level | null = null;
  for (const level of ladder) {
    const missing = level.criteria
      .filter((c) => values[c.metric] < c.min)
      .map((c) => ({
        metric: c.metric,
        have: values[c.metric],
        need: c.min,
        short: c.min - values[c.metric],
      }));
    if (missing.length > 0) return { current, next: level, missing };
    current = level;
  }
  return { current, next: null, missing: [] };
}
