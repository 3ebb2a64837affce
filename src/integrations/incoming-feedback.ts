import { z } from 'zod';
import { FEEDBACK_CHANNELS } from '../domain/feedback.ts';

/** The channels are the domain's: one list, so a parser can never produce one the store refuses. */
export { FEEDBACK_CHANNELS, type FeedbackChannel } from '../domain/feedback.ts';

/** Longest feedback text we accept; longer texts are rejected, never silently cut. */
export const MAX_FEEDBACK_TEXT_LENGTH = 20_000;

export const feedbackChannelSchema = z.enum(FEEDBACK_CHANNELS);

export const feedbackSourceSchema = z.object({
  channel: feedbackChannelSchema,
  externalId: z.string().trim().min(1).max(500).nullish(),
  url: z.url().max(2000).nullish(),
});

export const feedbackContactSchema = z.object({
  email: z.email().max(320).nullish(),
  name: z.string().trim().max(300).nullish(),
  account: z.string().trim().max(300).nullish(),
  /** Annual recurring revenue in minor units (cents), so money never goes through floats. */
  arr: z.number().int().nonnegative().nullish(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'currency must be a 3-letter ISO 4217 code')
    .nullish(),
  segment: z.string().trim().max(200).nullish(),
  plan: z.string().trim().max(200).nullish(),
});

/** The normalised shape every channel (imports, email, GitHub, webhooks, portal, API) produces. */
export const incomingFeedbackSchema = z.object({
  text: z.string().trim().min(1, 'text is empty').max(MAX_FEEDBACK_TEXT_LENGTH),
  productId: z.string().trim().min(1).nullish(),
  product: z.string().trim().min(1).max(200).nullish(),
  surface: z.string().trim().min(1).max(200).nullish(),
  receivedAt: z.iso.datetime({ offset: true }).nullish(),
  source: feedbackSourceSchema,
  contact: feedbackContactSchema.nullish(),
});

export type IncomingFeedback = z.infer<typeof incomingFeedbackSchema>;
export type FeedbackContact = z.infer<typeof feedbackContactSchema>;

export type FeedbackValidation = { ok: true; item: IncomingFeedback } | { ok: false; error: string };

/**
 * Validates a candidate against the IncomingFeedback schema and returns either the
 * parsed (trimmed) item or a one-line human-readable reason naming the bad fields.
 */
export function validateIncomingFeedback(candidate: unknown): FeedbackValidation {
  const parsed = incomingFeedbackSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, item: parsed.data };
  return { ok: false, error: describeZodIssues(parsed.error) };
}

/** Turns zod issues into "contact.email: Invalid email address; text: text is empty". */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
