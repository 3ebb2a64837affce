import { z } from 'zod';
import { idSchema, LIMITS, slugSchema, text } from './common.ts';

/**
 * What an end user sends through a product's public portal. `website` is a honeypot: the form
 * hides it, so only bots fill it in.
 */
export const portalFeedbackInput = z
  .strictObject({
    productId: idSchema.optional(),
    productSlug: slugSchema.optional(),
    text: text(LIMITS.feedbackText),
    email: z.email().max(LIMITS.name).nullable().optional(),
    name: text(LIMITS.name).nullable().optional(),
    website: z
      .string()
      .max(LIMITS.url)
      .nullable()
      .optional()
      .describe('leave empty: a spam trap hidden from people'),
  })
  .refine((input) => input.productId || input.productSlug, {
    message: 'productId or productSlug is required',
    path: ['productId'],
  });
export type PortalFeedbackInput = z.infer<typeof portalFeedbackInput>;

export const MODERATION_DECISIONS = ['approve', 'reject'] as const;
export type ModerationDecision = (typeof MODERATION_DECISIONS)[number];

export const moderationDecisionInput = z.strictObject({ decision: z.enum(MODERATION_DECISIONS) });
