import { z } from 'zod';
import { idSchema, LIMITS, listQuery, optionalText, text, urlSchema } from './common.ts';
import { IMPROVEMENT_STATUSES } from './lifecycles.ts';

/** An improvement: a proposed change that addresses one or more patterns, designed, decided and shipped. */
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const LINK_KINDS = ['pull_request', 'issue'] as const;
export const LINK_STATES = ['open', 'merged', 'closed'] as const;

export const createImprovementInput = z.strictObject({
  title: text(LIMITS.title),
  productId: idSchema.nullable().optional(),
  surface: z
    .string()
    .trim()
    .min(1)
    .max(LIMITS.name)
    .nullable()
    .optional()
    .describe('one of the product’s surfaces, by name'),
  patternIds: z.array(idSchema).max(100).optional(),
  proposal: optionalText(LIMITS.longText).optional().describe('markdown'),
  effort: z.number().min(0).max(10_000).nullable().optional().describe('person-weeks'),
  risk: z.enum(RISK_LEVELS).nullable().optional(),
  confidence: z.number().min(0).max(1).nullable().optional(),
});
export type CreateImprovementInput = z.infer<typeof createImprovementInput>;

export const updateImprovementInput = z.strictObject({
  title: text(LIMITS.title).optional(),
  productId: idSchema.nullable().optional(),
  surface: z
    .string()
    .trim()
    .min(1)
    .max(LIMITS.name)
    .nullable()
    .optional()
    .describe('one of the product’s surfaces, by name'),
  patternIds: z.array(idSchema).max(100).optional(),
  proposal: optionalText(LIMITS.longText).optional(),
  effort: z.number().min(0).max(10_000).nullable().optional(),
  risk: z.enum(RISK_LEVELS).nullable().optional(),
  confidence: z.number().min(0).max(1).nullable().optional(),
  status: z.enum(IMPROVEMENT_STATUSES).optional(),
  links: z
    .array(
      z.strictObject({
        url: urlSchema,
        kind: z.enum(LINK_KINDS).optional(),
        state: z.enum(LINK_STATES).optional(),
      }),
    )
    .max(100)
    .optional()
    .describe('implementation links (pull requests, issues); replaces the list'),
});
export type UpdateImprovementInput = z.infer<typeof updateImprovementInput>;

export const improvementListQuery = listQuery.extend({
  status: z.enum(IMPROVEMENT_STATUSES).optional(),
  productId: idSchema.optional(),
  patternId: idSchema.optional(),
});
export type ImprovementListQuery = z.infer<typeof improvementListQuery>;

export const improvementSchema = z.object({
  id: z.string(),
  title: z.string(),
  proposal: z.string(),
  productId: z.string().nullable(),
  surface: z.string().nullable().describe('one of the product’s surfaces'),
  patternIds: z.array(z.string()),
  status: z.enum(IMPROVEMENT_STATUSES),
  effort: z.number().nullable(),
  risk: z.string().nullable(),
  confidence: z.number().nullable(),
  links: z.array(z.object({ id: z.string(), url: z.string(), kind: z.string(), state: z.string() })),
  decision: z
    .object({
      optionId: z.string().nullable(),
      rationale: z.string().nullable(),
      prediction: z
        .object({
          patternId: z.string().nullable(),
          expectedChangePct: z.number().nullable(),
          withinDays: z.number().nullable(),
        })
        .nullable(),
      decidedAt: z.string().nullable(),
      decidedBy: z.string().nullable(),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Improvement = z.infer<typeof improvementSchema>;

/** Guesses whether a URL is a pull request or an issue (GitHub and GitLab paths). */
export function linkKindOf(url: string): (typeof LINK_KINDS)[number] {
  return /\/(pull|merge_requests)\/\d+/.test(url) ? 'pull_request' : 'issue';
}

/**
 * The spec template a new improvement starts from when no proposal is given: the sections a
 * builder fills in before deciding, with the addressed patterns already listed as evidence.
 */
export function proposalTemplate(patterns: ReadonlyArray<{ title: string; feedbackCount: number }>): string {
  const evidence =
    patterns.length > 0
      ? patterns
          .map((p) => `- ${p.title} (${p.feedbackCount} feedback item${p.feedbackCount === 1 ? '' : 's'})`)
          .join('\n')
      : '- (link the patterns this addresses)';
  return [
    '## Problem',
    'Who has it, when, and what it costs them.',
    '',
    '## Evidence',
    evidence,
    '',
    '## Options',
    'Add each option with POST /improvements/:id/options so the team can vote.',
    '',
    '## Risks',
    'What could break; what it costs to build and to run.',
    '',
    '## Rollout',
    'How it ships, how we will know it worked, and how to roll back.',
  ].join('\n');
}
