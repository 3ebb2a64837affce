import { z } from 'zod';
import { IMPACT_VERDICTS } from '../../domain/impact.ts';
import { improvementSchema } from '../../domain/improvement.ts';
import { optionSchema } from '../../domain/loop.ts';

/** Response shapes of the close-the-loop routes (they document the API and strip anything else). */

const windowSchema = z.object({
  from: z.string(),
  to: z.string(),
  patternCount: z.number(),
  totalCount: z.number(),
  rate: z.number(),
});

export const contextSchema = z.object({
  commercial: z.object({
    feedbackCount: z.number(),
    distinctAccounts: z.number(),
    requesters: z.number(),
    arrAtStake: z.array(z.object({ currency: z.string(), amount: z.number().describe('minor units') })),
  }),
  technical: z.object({
    effort: z.number().nullable(),
    risk: z.string().nullable(),
    confidence: z.number().nullable(),
  }),
  score: z.object({
    value: z.number(),
    formula: z.string(),
    inputs: z.object({
      reach: z.number(),
      impact: z.number(),
      confidence: z.number(),
      riskFactor: z.number(),
      effort: z.number(),
    }),
  }),
});

export const improvementDetailSchema = improvementSchema.extend({
  options: z.array(optionSchema),
  context: contextSchema,
});

export const impactSchema = z.object({
  improvementId: z.string(),
  status: z.string(),
  deployId: z.string().nullable(),
  deployedAt: z.string().nullable(),
  verdict: z.enum(IMPACT_VERDICTS).nullable(),
  method: z.string(),
  settings: z.object({
    windowDays: z.number(),
    minAfterDays: z.number(),
    minTotalPerWindow: z.number(),
    minPatternCount: z.number(),
    alpha: z.number(),
    fixedDropPct: z.number(),
    predictionTolerancePct: z.number(),
  }),
  items: z.array(
    z.object({
      patternId: z.string(),
      patternTitle: z.string(),
      baseline: windowSchema,
      after: windowSchema,
      statistic: z.number().nullable().describe('z of the two-proportion test; positive = rate rose'),
      pValue: z.number().nullable().describe('two-sided'),
      changePct: z.number().nullable(),
      verdict: z.enum(IMPACT_VERDICTS),
      measuredVerdict: z.enum(IMPACT_VERDICTS),
      reason: z.string(),
      recurrence: windowSchema.extend({ statistic: z.number(), pValue: z.number() }).nullable(),
    }),
  ),
});

export const calibrationSchema = z.object({
  userId: z.string(),
  predictions: z.number(),
  scored: z.number(),
  held: z.number(),
  heldShare: z.number().nullable(),
  meanErrorPct: z.number().nullable().describe('mean absolute error, percentage points'),
  items: z.array(
    z.object({
      improvementId: z.string(),
      patternId: z.string(),
      expectedChangePct: z.number(),
      withinDays: z.number(),
      state: z.enum(['scored', 'not-deployed', 'window-open', 'not-enough-data']),
      measuredChangePct: z.number().nullable(),
      held: z.boolean().nullable(),
      errorPct: z.number().nullable(),
    }),
  ),
});

export const metricsSchema = z.object({
  productId: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  feedback: z.number(),
  medianTimeToTriageHours: z.number().nullable(),
  shareLinked: z.number().nullable(),
  medianPatternToDecisionDays: z.number().nullable(),
  medianDecisionToDeployDays: z.number().nullable(),
  deploys: z.number(),
  deploysPerWeek: z.number(),
  medianCycleTimeDays: z.number().nullable(),
  notificationsSent: z.number(),
  deployedImprovements: z.number(),
  shareVerified: z.number().nullable(),
  fixedPatterns: z.number(),
  recurrenceRate: z.number().nullable(),
  weekly: z.array(
    z.object({
      weekStart: z.string(),
      feedback: z.number(),
      linked: z.number(),
      deploys: z.number(),
      notificationsSent: z.number(),
      medianTriageHours: z.number().nullable(),
    }),
  ),
});

export const changelogSchema = z.object({
  product: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  items: z.array(
    z.object({
      deployId: z.string(),
      version: z.string(),
      deployedAt: z.string(),
      notes: z.string(),
      improvements: z.array(z.object({ id: z.string(), title: z.string() })),
    }),
  ),
});
