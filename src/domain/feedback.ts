import { createHash } from 'node:crypto';
import { z } from 'zod';
import { currencySchema } from './account.ts';
import { idSchema, isoDateTime, LIMITS, listQuery, text, urlSchema } from './common.ts';
import { ARR_BAND_FILTERS } from './currency.ts';
import { FEEDBACK_STATUSES } from './lifecycles.ts';

/** Where a piece of feedback came from. (channel, externalId) identifies it, so re-sending is harmless. */
export const FEEDBACK_CHANNELS = [
  'api',
  'csv',
  'jsonl',
  'email',
  'github',
  'webhook',
  'portal',
  'canny',
  'productboard',
  'fider',
  'slack',
  'support',
  'sales',
  'interview',
  'other',
] as const;
export type FeedbackChannel = (typeof FEEDBACK_CHANNELS)[number];

export const DISMISS_REASONS = ['spam', 'not_actionable', 'duplicate'] as const;
export type DismissReason = (typeof DISMISS_REASONS)[number];

/**
 * Moderation applies to feedback from the public portal only (null elsewhere): it waits as
 * `pending` and reaches the inbox once a builder approves it.
 */
export const MODERATION_STATES = ['pending', 'approved', 'rejected'] as const;
export type ModerationState = (typeof MODERATION_STATES)[number];

export const MAX_BATCH_ITEMS = 1_000;

export const feedbackSourceInput = z.strictObject({
  channel: z.enum(FEEDBACK_CHANNELS).default('api'),
  externalId: z.string().trim().min(1).max(LIMITS.name).nullable().optional(),
  url: urlSchema.nullable().optional(),
});

/** The person who said it; contacts and accounts are upserted from this. */
export const feedbackContactInput = z.strictObject({
  email: z.email().max(LIMITS.name).nullable().optional(),
  name: text(LIMITS.name).nullable().optional(),
  account: text(LIMITS.name).nullable().optional().describe('account name; created when new'),
  arr: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  currency: currencySchema.optional(),
  segment: text(LIMITS.name).nullable().optional(),
  plan: text(LIMITS.name).nullable().optional(),
});
export type FeedbackContactInput = z.infer<typeof feedbackContactInput>;

export const createFeedbackInput = z.strictObject({
  text: text(LIMITS.feedbackText),
  productId: idSchema.nullable().optional(),
  surface: text(LIMITS.name).nullable().optional(),
  receivedAt: isoDateTime.optional().describe('defaults to now'),
  source: feedbackSourceInput.optional(),
  contactId: idSchema.nullable().optional(),
  contact: feedbackContactInput.nullable().optional(),
});
export type CreateFeedbackInput = z.infer<typeof createFeedbackInput>;

export const createFeedbackBatchInput = z.strictObject({
  items: z.array(createFeedbackInput).min(1).max(MAX_BATCH_ITEMS),
});

export const updateFeedbackInput = z.strictObject({
  text: text(LIMITS.feedbackText).optional(),
  productId: idSchema.nullable().optional(),
  surface: text(LIMITS.name).nullable().optional(),
  status: z.enum(FEEDBACK_STATUSES).optional(),
  dismissReason: z.enum(DISMISS_REASONS).nullable().optional(),
});
export type UpdateFeedbackInput = z.infer<typeof updateFeedbackInput>;

export const feedbackListQuery = listQuery.extend({
  status: z.enum(FEEDBACK_STATUSES).optional(),
  productId: idSchema.optional(),
  patternId: idSchema.optional(),
  contactId: idSchema.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'words, all of which must match (as GET /api/v1/search reads them), among the 2,000 most recently added items that hold them',
    ),
  moderation: z
    .enum(MODERATION_STATES)
    .optional()
    .describe('portal items in that moderation state; by default pending and rejected items are left out'),
  channel: z.enum(FEEDBACK_CHANNELS).optional(),
  segment: z.string().trim().min(1).max(200).optional().describe("the contact's account's segment, exactly"),
  arrBand: z
    .enum(ARR_BAND_FILTERS)
    .optional()
    .describe(
      "the contact's account's ARR in the base currency (see GET /api/v1/settings/currency); unknown: no account, no ARR or no rate",
    ),
  receivedFrom: isoDateTime.optional().describe('received at or after'),
  receivedTo: isoDateTime.optional().describe('received before'),
  hasSuggestion: z
    .enum(['true', 'false'])
    .optional()
    .describe('whether the pattern engine has a suggestion above its threshold for the item'),
});
export type FeedbackListQuery = z.infer<typeof feedbackListQuery>;

/** The commercial context shown beside an item in the inbox. */
export const feedbackAccountSchema = z.object({
  id: z.string(),
  name: z.string(),
  arr: z.number().nullable().describe('minor units of `currency`, as entered'),
  currency: z.string(),
  arrBase: z
    .number()
    .nullable()
    .describe('the ARR in minor units of `baseCurrency`; null without an ARR or a rate for `currency`'),
  baseCurrency: z.string(),
  segment: z.string().nullable(),
});
export type FeedbackAccount = z.infer<typeof feedbackAccountSchema>;

export const feedbackSchema = z.object({
  id: z.string(),
  text: z.string(),
  productId: z.string().nullable(),
  surface: z.string().nullable(),
  source: z.object({ channel: z.string(), externalId: z.string().nullable(), url: z.string().nullable() }),
  contactId: z.string().nullable(),
  receivedAt: z.string(),
  status: z.enum(FEEDBACK_STATUSES),
  dismissReason: z.string().nullable(),
  patternIds: z.array(z.string()),
  duplicateOfId: z
    .string()
    .nullable()
    .describe('an earlier item with the same text from the same contact within a day'),
  moderation: z
    .enum(MODERATION_STATES)
    .nullable()
    .describe('portal items only: pending until a builder approves'),
  account: feedbackAccountSchema
    .nullable()
    .describe("the contact's account: who said it and what they are worth"),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Feedback = z.infer<typeof feedbackSchema>;

/** Lowercased, whitespace-collapsed, edge punctuation removed: "Flashing FAILS!! " → "flashing fails". */
export function normaliseFeedbackText(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '');
}

/** A short key of the normalised text, indexed to find exact duplicates cheaply. */
export function feedbackTextKey(value: string): string {
  return createHash('sha1').update(normaliseFeedbackText(value)).digest('base64url').slice(0, 22);
}

export const DUPLICATE_WINDOW_MS = 86_400_000;
