import { z } from 'zod';
import { idSchema, isoDateTime, LIMITS, listQuery, optionalText, text } from './common.ts';
import type { RISK_LEVELS } from './improvement.ts';

/** Inputs of brainstorm → decide → ship → measure, validated once at the edge. */

export const createOptionInput = z.strictObject({
  title: text(LIMITS.title),
  body: optionalText(LIMITS.longText).optional().describe('markdown'),
});
export type CreateOptionInput = z.infer<typeof createOptionInput>;

export const optionSchema = z.object({
  id: z.string(),
  improvementId: z.string(),
  title: z.string(),
  body: z.string(),
  votes: z.number(),
  votedByMe: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
export type ImprovementOption = z.infer<typeof optionSchema>;

export const predictionInput = z.strictObject({
  patternId: idSchema,
  expectedChangePct: z
    .number()
    .min(-100)
    .max(1000)
    .describe('e.g. −60: feedback on the pattern drops by 60%'),
  withinDays: z.number().int().min(1).max(365),
});

export const decisionInput = z.strictObject({
  optionId: idSchema,
  rationale: text(LIMITS.longText),
  prediction: predictionInput.optional(),
});
export type DecisionInput = z.infer<typeof decisionInput>;

/** Event types an outbound webhook can subscribe to: `<item>.<action>`, or `*` for all. */
export const WEBHOOK_EVENT = /^(\*|[a-z_]+\.(\*|create|update|delete))$/;

export const createWebhookInput = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(LIMITS.url),
  events: z
    .array(
      z.string().regex(WEBHOOK_EVENT, 'an event type like deploy.create, pattern.update, feedback.* or *'),
    )
    .min(1)
    .max(50),
});
export type CreateWebhookInput = z.infer<typeof createWebhookInput>;

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  createdAt: z.string(),
  secret: z.string().optional().describe('shown once, when the webhook is created'),
});

export const attemptSchema = z.object({
  at: z.string(),
  ok: z.boolean(),
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;

export const outboxItemSchema = z.object({
  id: z.string(),
  kind: z.enum(['email', 'webhook']),
  recipient: z.string(),
  subject: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
  deployId: z.string().nullable(),
  webhookId: z.string().nullable(),
  attemptLog: z.array(attemptSchema).optional(),
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;

export const outboxQuery = listQuery.extend({
  status: z.enum(OUTBOX_STATUSES).optional(),
  kind: z.enum(['email', 'webhook']).optional(),
});
export type OutboxQuery = z.infer<typeof outboxQuery>;

export const metricsQuery = z.strictObject({
  productId: idSchema.optional(),
  from: isoDateTime.optional().describe('default: 90 days before `to`'),
  to: isoDateTime.optional().describe('default: now'),
});
export type MetricsQuery = z.infer<typeof metricsQuery>;

export const calibrationQuery = z.strictObject({ userId: idSchema });

/** Technical inputs of the score: missing values take these, so an unfinished spec still ranks. */
export const SCORE_DEFAULTS = { confidence: 0.5, effort: 1, minEffort: 0.25 } as const;
export const RISK_FACTOR: Record<(typeof RISK_LEVELS)[number], number> = { low: 1, medium: 0.8, high: 0.6 };
export const SCORE_FORMULA =
  'score = reach × impact × confidence × riskFactor ÷ effort; reach = distinct requesters, impact = 1 + log10(1 + ARR at stake ÷ 10,000 major units), riskFactor low 1 / medium 0.8 / high 0.6, effort in person-weeks (default 1, at least 0.25), confidence 0–1 (default 0.5)';

export interface ScoreInputs {
  reach: number;
  arrAtStakeMajor: number;
  confidence: number | null;
  effort: number | null;
  risk: string | null;
}

/** The RICE-like score of an improvement (formula in SCORE_FORMULA and docs/impact.md). */
export function improvementScore(inputs: ScoreInputs): {
  value: number;
  impact: number;
  riskFactor: number;
  confidence: number;
  effort: number;
} {
  const impact = 1 + Math.log10(1 + Math.max(0, inputs.arrAtStakeMajor) / 10_000);
  const riskFactor = RISK_FACTOR[inputs.risk as keyof typeof RISK_FACTOR] ?? 1;
  const confidence = inputs.confidence ?? SCORE_DEFAULTS.confidence;
  const effort = Math.max(SCORE_DEFAULTS.minEffort, inputs.effort ?? SCORE_DEFAULTS.effort);
  const value = (inputs.reach * impact * confidence * riskFactor) / effort;
  return {
    value: Number(value.toFixed(2)),
    impact: Number(impact.toFixed(4)),
    riskFactor,
    confidence,
    effort,
  };
}
