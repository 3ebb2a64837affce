import { z } from 'zod';
import { idSchema, LIMITS, listQuery, optionalText, text } from './common.ts';
import { PATTERN_STATUSES } from './lifecycles.ts';

/** A pattern: feedback that expresses the same need, with the feedback links as its evidence. */
export const createPatternInput = z.strictObject({
  title: text(LIMITS.title),
  description: optionalText(LIMITS.longText).optional(),
  productId: idSchema.nullable().optional(),
  surface: z
    .string()
    .trim()
    .min(1)
    .max(LIMITS.name)
    .nullable()
    .optional()
    .describe('one of the product’s surfaces, by name'),
  feedbackIds: z.array(idSchema).max(1_000).optional().describe('feedback to link straight away'),
});
export type CreatePatternInput = z.infer<typeof createPatternInput>;

export const updatePatternInput = z.strictObject({
  title: text(LIMITS.title).optional(),
  description: optionalText(LIMITS.longText).optional(),
  productId: idSchema.nullable().optional(),
  surface: z
    .string()
    .trim()
    .min(1)
    .max(LIMITS.name)
    .nullable()
    .optional()
    .describe('one of the product’s surfaces, by name'),
  status: z.enum(PATTERN_STATUSES).optional(),
});
export type UpdatePatternInput = z.infer<typeof updatePatternInput>;

export const linkFeedbackInput = z.strictObject({
  feedbackIds: z.array(idSchema).min(1).max(1_000),
});

export const patternListQuery = listQuery.extend({
  status: z.enum(PATTERN_STATUSES).optional(),
  productId: idSchema.optional(),
  q: z.string().trim().min(1).max(200).optional(),
});
export type PatternListQuery = z.infer<typeof patternListQuery>;

/**
 * Derived from the linked, non-dismissed feedback (computed in bulk by SQL per page). ARR at stake is
 * the sum of the distinct accounts' ARR, one entry per currency (minor units), largest first: accounts
 * in different currencies are never converted.
 */
export const patternStatsSchema = z.object({
  feedbackCount: z.number(),
  contactCount: z.number().describe('distinct contacts'),
  accountCount: z.number().describe('distinct accounts'),
  arrAtStake: z.array(z.object({ currency: z.string(), amount: z.number().describe('minor units') })),
  weeklyTrend: z
    .array(
      z.object({
        week: z.string().describe('ISO week, e.g. 2026-W44'),
        start: z.string(),
        count: z.number(),
      }),
    )
    .describe('feedback per ISO week (by receivedAt), the last 12 weeks, oldest first'),
  firstSeenAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
});
export type PatternStats = z.infer<typeof patternStatsSchema>;

export const patternSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  productId: z.string().nullable(),
  surface: z.string().nullable().describe('one of the product’s surfaces'),
  status: z.enum(PATTERN_STATUSES),
  mergedIntoId: z
    .string()
    .nullable()
    .describe('set when merged: the survivor, where clients should redirect'),
  ...patternStatsSchema.shape,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Pattern = z.infer<typeof patternSchema>;

export const mergePatternInput = z.strictObject({
  intoId: idSchema.describe('the surviving pattern'),
});
export type MergePatternInput = z.infer<typeof mergePatternInput>;

export const splitPatternInput = z.strictObject({
  feedbackIds: z.array(idSchema).min(1).max(1_000).describe('linked feedback to move to the new pattern'),
  title: text(LIMITS.title),
  description: optionalText(LIMITS.longText).optional(),
});
export type SplitPatternInput = z.infer<typeof splitPatternInput>;
