import { z } from 'zod';
import { idSchema, LIMITS, optionalText, text } from './common.ts';
import { PATTERN_STATUSES } from './lifecycles.ts';

/** A pattern: feedback that expresses the same need, with the feedback links as its evidence. */
export const createPatternInput = z.strictObject({
  title: text(LIMITS.title),
  description: optionalText(LIMITS.longText).optional(),
  productId: idSchema.nullable().optional(),
  feedbackIds: z.array(idSchema).max(1_000).optional().describe('feedback to link straight away'),
});
export type CreatePatternInput = z.infer<typeof createPatternInput>;

export const updatePatternInput = z.strictObject({
  title: text(LIMITS.title).optional(),
  description: optionalText(LIMITS.longText).optional(),
  productId: idSchema.nullable().optional(),
  status: z.enum(PATTERN_STATUSES).optional(),
});
export type UpdatePatternInput = z.infer<typeof updatePatternInput>;

export const linkFeedbackInput = z.strictObject({
  feedbackIds: z.array(idSchema).min(1).max(1_000),
});

export const patternListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(500).optional(),
  status: z.enum(PATTERN_STATUSES).optional(),
  productId: idSchema.optional(),
  q: z.string().trim().min(1).max(200).optional(),
});
export type PatternListQuery = z.infer<typeof patternListQuery>;

export const patternSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  productId: z.string().nullable(),
  status: z.enum(PATTERN_STATUSES),
  mergedIntoId: z.string().nullable(),
  feedbackCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Pattern = z.infer<typeof patternSchema>;
